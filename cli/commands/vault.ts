/** `confidant vault sweep-blobs`: remove encrypted document blobs no document version references. */
import type { Command } from 'commander';
import { parseDuration } from '../../server/modules/identity/index.js';
import { sweepOrphanBlobs } from '../../server/modules/vault/index.js';
import { assertMigrated } from '../../server/platform/db/migrate.js';
import { CliError, withServices, type Io } from '../context.js';

export function registerVaultCommands(program: Command, io: Io): void {
  const vault = program.command('vault').description('Documents, notes and records: maintenance');
  vault
    .command('sweep-blobs')
    .description('Remove encrypted document blobs no document version references (a crash between storing a blob and committing its row leaves one) and unfinished writes. The server does this every 6 hours; run it after a crash or a restore.')
    .option('--grace <duration>', 'leave anything younger than this (an upload may still be committing): 30m, 1h; 0m only when no server is running', '1h')
    .option('--json', 'print {examined, removed, incomplete} as JSON')
    .action(async (options: { grace: string; json?: boolean }) => {
      const graceMs = parseDuration(options.grace);
      if (graceMs === null) throw new CliError('--grace must look like 0m, 30m, 1h or 1d', 2);
      const result = await withServices(async (services) => {
        await assertMigrated(services.database);
        return sweepOrphanBlobs(services, { graceMs });
      });
      io.out(options.json ? JSON.stringify(result) : `Examined ${result.examined} document blob(s); removed ${result.removed} no version references and ${result.incomplete} unfinished write(s).`);
    });
}
