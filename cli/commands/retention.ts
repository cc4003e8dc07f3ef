/**
 * `confidant retention …`: retention schedules, legal holds, disposition and certificates of
 * destruction. One function per subcommand, each adding itself to the `retention` group.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { instanceVerifierKey } from '../../server/audit/index.js';
import { previewRetention, runRetention, verifyCertificate } from '../../server/modules/retention/index.js';
import { CliError, cliConfig, withServices, type Io } from '../context.js';
import { operatorContext } from './keys.js';

export function registerRetentionCommands(program: Command, io: Io): void {
  const retention = program.command('retention').description('Retention schedules, legal holds, disposition and certificates of destruction');
  registerRun(retention, io);
  registerPreview(retention, io);
  registerVerifyCertificate(retention, io);
}

/** `retention run`: what the scheduled job does, now (queue what is due, execute what was approved, certify). */
function registerRun(retention: Command, io: Io): void {
  retention
    .command('run')
    .description('Run retention now: queue what became due, execute approved dispositions (destroy keys, delete blobs), certify; resumes an interrupted run')
    .option('--json', 'print JSON')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (options: { json?: boolean; passphraseStdin?: boolean }) => {
      await withServices(async (services) => {
        await operatorContext(services, io, 'cli.retention', options);
        const result = await runRetention(services);
        if (options.json) return io.out(JSON.stringify(result, null, 2));
        io.out(`Queued for review: ${result.queued}. Executed and certified: ${result.executed}. Held by a legal hold: ${result.held}. Waiting for physical destruction: ${result.awaitingPhysical}. Failed (alert raised; the next run resumes): ${result.failed}.`);
        if (result.executed > 0) io.out(result.masterKeyRotated ? 'The master key was rotated: backups taken before hold the destroyed keys only under the old master key.' : 'Rotate the master key (confidant keys rotate-master) so backups lose the destroyed keys too.');
        if (result.failed > 0) throw new CliError(`${result.failed} disposition(s) failed`, 1, 'RETENTION_FAILED');
      });
    });
}

/** `retention preview --on YYYY-MM-DD`: what would become due by the end of that day; nothing runs. */
function registerPreview(retention: Command, io: Io): void {
  retention
    .command('preview')
    .description('Show what would become due by the end of a day, before anything runs')
    .requiredOption('--on <day>', 'the day, YYYY-MM-DD')
    .option('--client <id>', 'only this client')
    .option('--json', 'print JSON')
    .option('--passphrase-stdin', 'read the master passphrase from standard input')
    .action(async (options: { on: string; client?: string; json?: boolean; passphraseStdin?: boolean }) => {
      await withServices(async (services) => {
        const ctx = await operatorContext(services, io, 'cli.retention', options);
        const preview = await previewRetention(ctx, { on: options.on, ...(options.client ? { clientId: options.client } : {}) });
        if (options.json) return io.out(JSON.stringify(preview, null, 2));
        if (preview.items.length === 0) return io.out(`Nothing becomes due by ${preview.on}.`);
        for (const item of preview.items) {
          const what = item.itemType === 'document_version' ? `version ${item.version} of document ${item.documentId}` : item.itemType === 'matter' ? `matter ${item.matter?.label ?? item.itemId}` : item.itemType === 'record' ? `physical record ${item.itemId}` : `client ${item.client.label}`;
          io.out(`${new Date(item.dueAt).toISOString().slice(0, 10)}  ${item.action.padEnd(9)}  ${what}  (${item.schedule?.name ?? 'legal minimum'})${item.held ? '  ON HOLD' : ''}  [${item.status}]`);
        }
        io.out(`${preview.items.length} item(s) due by ${preview.on}; ${preview.held} on hold.${preview.truncated ? ' (more not shown)' : ''}`);
      });
    });
}

/** The local instance's verifier key (its audit key file), or a usage error saying what to pass instead. */
function localVerifierKey(): string {
  const hint = 'pass --key <verifier key> (the firm publishes it at /api/v1/audit/public-key)';
  let dataDir: string;
  try {
    dataDir = cliConfig().dataDir;
  } catch (error) {
    throw new CliError(`No --key given and no local instance is configured (${error instanceof Error ? error.message : 'invalid configuration'}): ${hint}`, 2, 'VERIFIER_KEY_REQUIRED');
  }
  try {
    return instanceVerifierKey(dataDir);
  } catch (error) {
    throw new CliError(`No --key given and the local instance in ${dataDir} has no usable audit key (${error instanceof Error ? error.message.split('\n')[0] : 'unreadable'}): ${hint}`, 2, 'VERIFIER_KEY_REQUIRED');
  }
}

/** `retention verify-certificate FILE [--key K] [--json]`: offline; exit 0 only when every check passes. */
function registerVerifyCertificate(retention: Command, io: Io): void {
  retention
    .command('verify-certificate')
    .description('Check a certificate of destruction offline: its signature, the signed audit checkpoint and the inclusion proof of the key-destruction event; exit 1 unless every check passes')
    .argument('<file>', 'the certificate JSON file')
    .option('--key <verifierKey>', 'the verifier key to check with (default: the audit key of the local instance)')
    .option('--json', 'print the result as JSON')
    .action((file: string, options: { key?: string; json?: boolean }) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        throw new CliError(`Cannot read ${file}`, 2);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new CliError(`${file} is not JSON: a certificate of destruction is the JSON file, not its PDF`, 1, 'CERTIFICATE_INVALID');
      }
      const verifierKey = options.key ?? localVerifierKey();
      const result = verifyCertificate(parsed, { verifierKey });
      if (options.json) io.out(JSON.stringify(result, null, 2));
      else {
        for (const check of result.checks) io.out(`${check.ok ? '✓' : '✗'} ${check.check}: ${check.detail}`);
        if (result.valid) io.out('The certificate is valid.');
      }
      if (!result.valid) {
        const failed = result.checks.filter((c) => !c.ok).map((c) => c.check);
        throw new CliError(`The certificate does not verify (failed: ${failed.join(', ')}).`, 1, 'CERTIFICATE_INVALID');
      }
    });
}
