/**
 * `confidant backup create | verify | restore`: age-encrypted, signed, content-addressed backups
 * (docs/backup.md). Progress goes to stderr (a line per step on a terminal, JSON lines with
 * --json); the result to stdout.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { composeModules } from '../../server/modules/registry.js';
import { BackupError, checkRestoredInstance, createBackup, recordShreds, restoreBackup, runDrill, verifyBackup, type BackupProgress } from '../../server/modules/backup/index.js';
import { cliConfig, CliError, withServices, type Io } from '../context.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

function asCliError(error: unknown): never {
  if (error instanceof BackupError) throw new CliError(error.message, error.code === 'BACKUP_RECIPIENT_INVALID' || error.code === 'BACKUP_TARGET_INVALID' ? 2 : 1, error.code);
  throw error;
}

async function readIdentity(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new CliError(`cannot read the identity file ${path}`, 2, 'BACKUP_IDENTITY_INVALID');
  }
}

function reporter(io: Io, json: boolean): (event: BackupProgress | { event: string; [key: string]: unknown }) => void {
  if (json) return (event) => io.err(JSON.stringify(event));
  if (!process.stderr.isTTY) return () => undefined;
  // A terminal: one line per table, a bar redrawn in place for the blobs.
  let barShown = false;
  return (event) => {
    const e = event as Record<string, unknown>;
    if (e.event === 'blob') {
      const done = Number(e.done);
      const total = Math.max(1, Number(e.total));
      const filled = Math.round((done / total) * 30);
      process.stderr.write(`\r  blobs [${'#'.repeat(filled)}${'-'.repeat(30 - filled)}] ${done}/${String(e.total)}${typeof e.bytes === 'number' ? `, ${(e.bytes / 1048576).toFixed(1)} MiB copied` : ''}`);
      barShown = true;
      if (done >= total) {
        process.stderr.write('\n');
        barShown = false;
      }
      return;
    }
    if (barShown) {
      process.stderr.write('\n');
      barShown = false;
    }
    if (e.event === 'table') io.err(`  table ${String(e.name)}: ${String(e.rows)} rows`);
    else if (e.event === 'archive') io.err(`  archive ${String(e.size)} bytes`);
  };
}

async function printChecks(io: Io, json: boolean, config: ReturnType<typeof cliConfig>): Promise<void> {
  const checks = await checkRestoredInstance(config, composeModules);
  if (json) io.out(JSON.stringify({ event: 'check', ...checks }));
  else io.out(checks.ok ? `Checked: the audit log (${checks.auditEvents} events) verifies and all ${checks.documentsChecked} document versions decrypt.` : `Check FAILED: ${checks.auditOk ? '' : 'the audit log does not verify; '}${checks.documentsFailed} of ${checks.documentsChecked + checks.documentsFailed} document versions do not decrypt.`);
  if (!checks.ok) throw new CliError(`the restored instance did not pass its checks (${checks.error ?? 'check'})`, 1, checks.error ?? 'BACKUP_CHECK_FAILED');
}

export function registerBackupCommands(program: Command, io: Io): void {
  const backup = program.command('backup').description('Encrypted, signed backups: create, verify, restore (docs/backup.md)');

  backup
    .command('create')
    .description('Back up the database, the audit signing key and the blobs into DIR')
    .option('--to <dir|s3://bucket/prefix>', 'the backup folder or bucket (blobs are shared by every backup in it); default BACKUP_TO')
    .option('--recipient <age1…>', 'an age X25519 public key that may open the archive (repeatable); default BACKUP_RECIPIENTS', collect)
    .option('--include-master-key', 'put the master key file (file provider) inside the archive too')
    .option('--json', 'progress and result as JSON lines')
    .action(async (options: { to?: string; recipient?: string[]; includeMasterKey?: boolean; json?: boolean }) => {
      const json = options.json === true;
      const summary = await withServices((services) => {
        const to = options.to ?? services.config.backup.to;
        if (!to) throw new CliError('give --to DIR or set BACKUP_TO', 2, 'USAGE');
        const recipients = options.recipient ?? services.config.backup.recipients;
        return createBackup(services, { to, recipients, includeMasterKey: options.includeMasterKey === true, progress: reporter(io, json) });
      }).catch(asCliError);
      if (json) io.out(JSON.stringify({ event: 'result', ...summary }));
      else {
        io.out(`Backup ${summary.id} written to ${summary.path}: ${summary.tables} tables, ${summary.rows} rows, ${summary.blobs} blobs (${summary.copiedBlobs} copied now).`);
        if (!summary.masterKeyIncluded) io.out('The master key is NOT in this backup: keep it (or its passphrase) safe separately; a restore needs it.');
      }
    });

  backup
    .command('verify')
    .description('Check a backup without restoring it: signature, every SHA-256; with --identity the archive too')
    .argument('<source>', 'the backup folder or s3://bucket/prefix')
    .option('--backup <id>', 'which backup (default: the latest)')
    .option('--identity <keyfile>', 'an age identity file: decrypt the archive and check its parts')
    .option('--verifier-key <key>', 'the audit verifier key to trust (GET /audit/public-key)')
    .option('--json', 'the result as JSON')
    .action(async (dir: string, options: { backup?: string; identity?: string; verifierKey?: string; json?: boolean }) => {
      const identity = options.identity ? await readIdentity(options.identity) : undefined;
      const report = await verifyBackup(dir, { ...(options.backup ? { backup: options.backup } : {}), ...(identity !== undefined ? { identity } : {}), ...(options.verifierKey ? { verifierKey: options.verifierKey } : {}) }).catch(asCliError);
      if (options.json) io.out(JSON.stringify({ ok: true, ...report }));
      else io.out(`Backup ${report.id} (${report.createdAt}, ${report.dialect}) is intact: signature (${report.trust}), archive, ${report.blobs} blobs${report.decrypted ? `, ${report.partsChecked} parts decrypted and checked` : ''}.`);
    });

  backup
    .command('restore')
    .description('Restore a backup into the empty data directory and database this configuration names')
    .argument('<source>', 'the backup folder or s3://bucket/prefix')
    .requiredOption('--identity <keyfile>', 'an age identity file that opens the archive')
    .option('--backup <id>', 'which backup (default: the latest)')
    .option('--verifier-key <key>', 'the audit verifier key to trust')
    .option('--shred-list <file>', 'another shred list to apply besides DIR/shreds.jsonl (repeatable)', collect)
    .option('--no-check', 'skip verifying the audit log and decrypting every document afterwards')
    .option('--json', 'progress and result as JSON lines')
    .action(async (dir: string, options: { identity: string; backup?: string; verifierKey?: string; shredList?: string[]; check?: boolean; json?: boolean }) => {
      const json = options.json === true;
      const identity = await readIdentity(options.identity);
      const report = await restoreBackup(cliConfig(), dir, { identity, progress: reporter(io, json), shredLists: options.shredList ?? [], ...(options.backup ? { backup: options.backup } : {}), ...(options.verifierKey ? { verifierKey: options.verifierKey } : {}) }).catch(asCliError);
      if (json) io.out(JSON.stringify({ event: 'result', ...report }));
      else {
        io.out(`Backup ${report.id} restored into ${report.restoredInto.dataDir} (${report.restoredInto.database}): ${report.rows} rows, ${report.blobs} blobs.`);
        if (report.reappliedShreds.clients + report.reappliedShreds.objectKeys > 0) io.out(`Shredded since the backup, destroyed again: ${report.reappliedShreds.clients} clients, ${report.reappliedShreds.objectKeys} object keys.`);
        if (report.masterKeyNeeded) io.out(`The master key was not in the backup: put it back (${report.masterKeyNeeded}) before starting, then run \`confidant backup check\`.`);
      }
      if (!report.masterKeyNeeded && options.check !== false) await printChecks(io, json, cliConfig());
    });

  backup
    .command('check')
    .description('Check a restored instance before anyone uses it: the audit log verifies and every document decrypts')
    .option('--json', 'the result as JSON')
    .action(async (options: { json?: boolean }) => {
      await printChecks(io, options.json === true, cliConfig());
    });

  backup
    .command('record-shreds')
    .description('Add the keys destroyed since the last backup to DIR/shreds.jsonl (run after a shred)')
    .option('--to <dir|s3://bucket/prefix>', 'the backup folder or bucket; default BACKUP_TO')
    .action(async (options: { to?: string }) => {
      const result = await withServices((services) => {
        const to = options.to ?? services.config.backup.to;
        if (!to) throw new CliError('give --to DIR or set BACKUP_TO', 2, 'USAGE');
        return recordShreds(services, to);
      }).catch(asCliError);
      io.out(`Shred list: ${result.entries} destroyed keys (${result.added} added now).`);
    });

  backup
    .command('drill')
    .description('Restore a backup into a scratch instance, verify its audit log, decrypt every document, time it, and record the result (drills.jsonl beside the backups, and the Backups page)')
    .argument('<source>', 'the backup folder or s3://bucket/prefix')
    .requiredOption('--identity <keyfile>', 'an age identity file that opens the archive')
    .option('--backup <id>', 'which backup (default: the latest)')
    .option('--json', 'the result as JSON')
    .action(async (dir: string, options: { identity: string; backup?: string; json?: boolean }) => {
      const identity = await readIdentity(options.identity);
      const result = await withServices((services) => runDrill(services, { source: dir, identity, compose: composeModules, ...(options.backup ? { backup: options.backup } : {}) })).catch(asCliError);
      if (options.json) io.out(JSON.stringify(result));
      else
        io.out(
          result.ok
            ? `Drill passed: backup ${String(result.backup)} restored, its audit log (${String(result.auditEvents)} events) verified and ${String(result.documentsChecked)} document versions decrypted in ${String(result.rtoSeconds)} s.`
            : `Drill FAILED: ${String(result.error ?? 'the checks did not pass')}${result.documentsFailed ? ` (${result.documentsFailed} document versions failed)` : ''}`,
        );
      if (!result.ok) throw new CliError(`the drill failed (${String(result.error ?? 'checks')}); recorded in the backup's drills.jsonl and on the Backups page`, 1, 'BACKUP_DRILL_FAILED');
    });
}
