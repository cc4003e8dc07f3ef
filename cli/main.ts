/** `confidant`: the administrator's command line. Commands call services, never SQL. */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../server/config.js';
import { MigrationError } from '../server/platform/db/migrate.js';
import { isAppError } from '../server/platform/errors.js';
import { startServer } from '../server/main.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerBackupCommands } from './commands/backup.js';
import { registerConsentCommands } from './commands/consent.js';
import { registerPortalCommands } from './commands/portal.js';
import { registerPostureCommands } from './commands/posture.js';
import { registerRetentionCommands } from './commands/retention.js';
import { registerComplianceCommands } from './commands/compliance.js';
import { registerEvidenceCommands } from './commands/evidence.js';
import { registerIncidentCommands } from './commands/incidents.js';
import { registerExportCommands } from './commands/export.js';
import { registerInstanceCommands } from './commands/instance.js';
import { registerKeyCommands } from './commands/keys.js';
import { registerTokenCommands } from './commands/tokens.js';
import { registerUserCommands } from './commands/users.js';
import { registerVaultCommands } from './commands/vault.js';
import { CliError, processIo, type Io } from './context.js';

export function buildProgram(io: Io = processIo): Command {
  const program = new Command('confidant')
    .description("Confidant: a law firm's confidential client data, encrypted, need-to-know, audited.")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError();
  // `start` prints what init did, then the server's start-up block, which repeats the audit
  // verifier key with what it is for: init's copy of that line is left out, so it shows once.
  let command = '';
  let serving = false;
  program.hook('preAction', (_program, action) => {
    command = action.name();
  });
  const onceEach: Io = {
    ...io,
    out: (text) => {
      if (command === 'start' && !serving && text.startsWith('Audit log verifier key:')) return;
      io.out(text);
    },
  };
  const serve = async () => {
    serving = true;
    await startServer(io.out);
    // Keep running until a signal closes the server.
    await new Promise<never>(() => undefined);
  };
  registerInstanceCommands(program, onceEach, serve);
  registerKeyCommands(program, io);
  registerExportCommands(program, io);
  registerUserCommands(program, io);
  registerTokenCommands(program, io);
  registerAuditCommands(program, io);
  registerVaultCommands(program, io);
  registerConsentCommands(program, io);
  registerPortalCommands(program, io);
  registerRetentionCommands(program, io);
  registerComplianceCommands(program, io);
  registerEvidenceCommands(program, io);
  registerIncidentCommands(program, io);
  registerBackupCommands(program, io);
  registerPostureCommands(program, io);
  return program;
}

/** An error a Node API threw with a system code (`EEXIST`, `ENOENT`, `EACCES` …). */
function systemCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : null;
}

/**
 * Every failure as one line, `error CODE: message`, and its exit code (1 failure, 2 bad usage or
 * configuration): the code says what happened, the message what to do. Never a stack trace —
 * `CONFIDANT_DEBUG=1` adds it on the lines after, for a developer.
 */
export function describeFailure(error: unknown): { line: string; exitCode: number } {
  const oneLine = (text: string) =>
    text
      .split('\n')
      .map((part) => part.trim())
      .filter(Boolean)
      .join(' ');
  const line = (code: string, message: string) => `error ${code}: ${oneLine(message)}`;
  if (error instanceof CliError) return { line: line(error.code, error.message), exitCode: error.exitCode };
  if (error instanceof ConfigError) return { line: line('CONFIG_INVALID', `invalid configuration: ${error.problems.join('; ')}`), exitCode: 2 };
  if (error instanceof MigrationError) return { line: line('MIGRATION_REFUSED', error.message), exitCode: 1 };
  if (isAppError(error)) return { line: line(error.code, error.message), exitCode: error.code === 'VALIDATION_FAILED' ? 2 : 1 };
  const system = systemCode(error);
  // Node repeats its code at the start of the message ("EEXIST: file already exists, open '…'").
  if (system) return { line: line(system, (error as Error).message.replace(new RegExp(`^${system}:\\s*`), '')), exitCode: 1 };
  return { line: line('INTERNAL_ERROR', error instanceof Error ? error.message : String(error)), exitCode: 1 };
}

/** Runs the CLI and returns the exit code (0 ok, 1 failure, 2 bad usage or configuration). */
export async function main(argv: string[], io: Io = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    // Commander has already printed its one line (unknown command, missing argument) and the help hint.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const failure = describeFailure(error);
    io.err(failure.line);
    if (env.CONFIDANT_DEBUG === '1' && error instanceof Error && error.stack) io.err(error.stack);
    return failure.exitCode;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv);
}
