/**
 * `confidant backup create | verify | restore`: age-encrypted, signed, content-addressed backups
 * (docs/backup.md). Progress goes to stderr (a line per step on a terminal, JSON lines with
 * --json); the result to stdout.
 */
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { verifyLog } from '../../server/audit/index.js';
import { loadConfig } from '../../server/config.js';
import { composeModules } from '../../server/modules/registry.js';
import { createLogger } from '../../server/platform/logging/logger.js';
import { closeServices, createServices } from '../../server/platform/services.js';
import { BackupError, createBackup, recordShreds, restoreBackup, verifyBackup, type BackupProgress } from '../../server/modules/backup/index.js';
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
  return (event) => {
    const e = event as Record<string, unknown>;
    if (e.event === 'table') io.err(`  table ${String(e.name)}: ${String(e.rows)} rows`);
    else if (e.event === 'blob') io.err(`  blobs ${String(e.done)}/${String(e.total)}`);
    else if (e.event === 'archive') io.err(`  archive ${String(e.size)} bytes`);
  };
}

export function registerBackupCommands(program: Command, io: Io): void {
  const backup = program.command('backup').description('Encrypted, signed backups: create, verify, restore (docs/backup.md)');

  backup
    .command('create')
    .description('Back up the database, the audit signing key and the blobs into DIR')
    .option('--to <dir>', 'the backup folder (blobs are shared by every backup in it); default BACKUP_TO')
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
    .argument('<dir>', 'the backup folder')
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
    .argument('<dir>', 'the backup folder')
    .requiredOption('--identity <keyfile>', 'an age identity file that opens the archive')
    .option('--backup <id>', 'which backup (default: the latest)')
    .option('--verifier-key <key>', 'the audit verifier key to trust')
    .option('--shred-list <file>', 'another shred list to apply besides DIR/shreds.jsonl (repeatable)', collect)
    .option('--json', 'progress and result as JSON lines')
    .action(async (dir: string, options: { identity: string; backup?: string; verifierKey?: string; shredList?: string[]; json?: boolean }) => {
      const json = options.json === true;
      const identity = await readIdentity(options.identity);
      const report = await restoreBackup(cliConfig(), dir, { identity, progress: reporter(io, json), shredLists: options.shredList ?? [], ...(options.backup ? { backup: options.backup } : {}), ...(options.verifierKey ? { verifierKey: options.verifierKey } : {}) }).catch(asCliError);
      if (json) io.out(JSON.stringify({ event: 'result', ...report }));
      else {
        io.out(`Backup ${report.id} restored into ${report.restoredInto.dataDir} (${report.restoredInto.database}): ${report.rows} rows, ${report.blobs} blobs.`);
        if (report.reappliedShreds.clients + report.reappliedShreds.objectKeys > 0) io.out(`Shredded since the backup, destroyed again: ${report.reappliedShreds.clients} clients, ${report.reappliedShreds.objectKeys} object keys.`);
        if (report.masterKeyNeeded) io.out(`The master key was not in the backup: put it back (${report.masterKeyNeeded}) before starting, then run \`confidant audit verify\`.`);
      }
    });

  backup
    .command('record-shreds')
    .description('Add the keys destroyed since the last backup to DIR/shreds.jsonl (run after a shred)')
    .requiredOption('--to <dir>', 'the backup folder')
    .action(async (options: { to: string }) => {
      const result = await withServices((services) => recordShreds(services, options.to)).catch(asCliError);
      io.out(`Shred list: ${result.entries} destroyed keys (${result.added} added now).`);
    });

  backup
    .command('drill')
    .description('Restore a backup into a scratch instance, verify its audit log, time it, and record the result in DIR/drills.jsonl')
    .argument('<dir>', 'the backup folder')
    .requiredOption('--identity <keyfile>', 'an age identity file that opens the archive')
    .option('--backup <id>', 'which backup (default: the latest)')
    .option('--json', 'the result as JSON')
    .action(async (dir: string, options: { identity: string; backup?: string; json?: boolean }) => {
      const identity = await readIdentity(options.identity);
      const live = cliConfig();
      const scratch = await mkdtemp(join(tmpdir(), 'confidant-drill-'));
      const started = Date.now();
      const result: Record<string, unknown> = { at: new Date(started).toISOString(), ok: false };
      try {
        // A scratch SQLite instance whatever the backup's database (the format is the same); the
        // master key from the backup, else the one this instance is configured with.
        const env: Record<string, string> = { CONFIDANT_DATA_DIR: join(scratch, 'data'), LOG_LEVEL: 'silent', PORT: '0', MASTER_KEY_PROVIDER: live.masterKey.provider };
        if (live.masterKey.provider === 'env' && live.masterKey.envValue) env.MASTER_KEY = live.masterKey.envValue;
        const config = loadConfig(env, scratch);
        const report = await restoreBackup(config, dir, { identity, ...(options.backup ? { backup: options.backup } : {}) });
        if (!report.masterKeyRestored && live.masterKey.provider === 'file') {
          const { copyFile } = await import('node:fs/promises');
          await copyFile(resolve(live.masterKey.file), config.masterKey.file);
        }
        const services = createServices(config, { logger: createLogger({ logLevel: 'silent' }) });
        composeModules(services);
        try {
          const audit = await verifyLog(services, {});
          Object.assign(result, { backup: report.id, backupCreatedAt: report.createdAt, dialect: report.dialect, rows: report.rows, blobs: report.blobs, auditEvents: audit.events, auditOk: audit.ok, ok: audit.ok });
          if (!audit.ok) result.problems = audit.problems;
        } finally {
          await closeServices(services);
        }
      } catch (error) {
        result.error = error instanceof BackupError ? error.code : error instanceof Error ? error.message : String(error);
      } finally {
        result.rtoSeconds = (Date.now() - started) / 1000;
        await rm(scratch, { recursive: true, force: true });
      }
      await appendFile(join(resolve(dir), 'drills.jsonl'), `${JSON.stringify(result)}\n`, { mode: 0o600 });
      if (options.json) io.out(JSON.stringify(result));
      else io.out(result.ok ? `Drill passed: backup ${String(result.backup)} restored and its audit log (${String(result.auditEvents)} events) verified in ${String(result.rtoSeconds)} s.` : `Drill FAILED: ${String(result.error ?? 'the audit log did not verify')}`);
      if (!result.ok) throw new CliError(`the drill failed (${String(result.error ?? 'audit log')}); recorded in ${join(resolve(dir), 'drills.jsonl')}`, 1, 'BACKUP_DRILL_FAILED');
    });
}
