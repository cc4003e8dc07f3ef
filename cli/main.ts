/** `confidant`: the administrator's command line. Commands call services, never SQL. */
import { Command, CommanderError } from 'commander';
import { MigrationError } from '../server/platform/db/migrate.js';
import { startServer } from '../server/main.js';
import { registerAuditCommands } from './commands/audit.js';
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
  const serve = async () => {
    await startServer(io.out);
    // Keep running until a signal closes the server.
    await new Promise<never>(() => undefined);
  };
  registerInstanceCommands(program, io, serve);
  registerKeyCommands(program, io);
  registerExportCommands(program, io);
  registerUserCommands(program, io);
  registerTokenCommands(program, io);
  registerAuditCommands(program, io);
  registerVaultCommands(program, io);
  return program;
}

/** Runs the CLI and returns the exit code (0 ok, 1 failure, 2 bad usage or configuration). */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CliError) {
      io.err(error.message);
      return error.exitCode;
    }
    if (error instanceof MigrationError) {
      io.err(error.message);
      return 1;
    }
    io.err(`Error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv);
}
