import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { MODULES } from '../../server/modules/registry.js';
import { ping } from '../../server/platform/db/database-health.js';
import { migrateToLatest, migrationStatus } from '../../server/platform/db/migrate.js';
import { isInitialized, markInitialized } from '../../server/platform/instance.js';
import type { AppServices } from '../../server/platform/context.js';
import { ConfigError, loadConfig, type Config } from '../../server/config.js';
import { CliError, withServices, type Io } from '../context.js';

/** Creates the instance if needed: migrations, then each module's one-time setup (keys, …). */
export async function initInstance(services: AppServices, io: Io): Promise<boolean> {
  const applied = await migrateToLatest(services.database);
  if (applied.length > 0) io.out(`Applied ${applied.length} migration(s).`);
  if (await isInitialized(services.database.db)) return false;
  for (const module of MODULES) for (const line of (await module.init?.(services)) ?? []) io.out(line);
  await markInitialized(services.database.db, services.clock.now());
  io.out(`Initialized a new Confidant instance in ${services.config.dataDir}.`);
  return true;
}

export function registerInstanceCommands(program: Command, io: Io, serve: () => Promise<void>): void {
  program
    .command('init')
    .description('Create a new instance: data folder, database schema, master key and audit signing key')
    .action(async () => {
      await withServices(async (services) => {
        const created = await initInstance(services, io);
        if (!created) io.out('This instance is already initialized; nothing to do.');
      });
    });

  program
    .command('migrate')
    .description('Apply pending database migrations (refuses if the applied history was altered)')
    .action(async () => {
      await withServices(async (services) => {
        const applied = await migrateToLatest(services.database);
        io.out(applied.length === 0 ? 'Database is up to date.' : `Applied: ${applied.join(', ')}`);
      });
    });

  program
    .command('serve')
    .description('Start the server (refuses to start with pending or altered migrations)')
    .action(serve);

  program
    .command('start')
    .description('Initialize on first run, apply migrations, then serve (what `npm start` runs)')
    .action(async () => {
      await withServices((services) => initInstance(services, io));
      await serve();
    });

  program
    .command('doctor')
    .description('Check configuration, storage, key file permissions and migrations; print what is wrong')
    .action(async () => {
      const problems = await doctor(io);
      if (problems > 0) throw new CliError(`${problems} problem(s) found.`, 1);
      io.out('All checks passed.');
    });
}

/** Mode bits that let anyone but the owner read or write. */
const OPEN_TO_OTHERS = 0o077;

function modeOf(path: string): number | null {
  try {
    return statSync(path).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Checks what an operator can get wrong: configuration, folder and key permissions, database,
 * migrations, blob store (a probe write) and mail. Returns the number of problems; changes nothing.
 */
export async function doctor(io: Io): Promise<number> {
  let problems = 0;
  const check = async (label: string, run: () => Promise<string | void>) => {
    try {
      const detail = await run();
      io.out(`ok    ${label}${detail ? ` — ${detail}` : ''}`);
    } catch (error) {
      problems++;
      io.out(`FAIL  ${label} — ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  let config: Config;
  try {
    config = loadConfig();
    io.out('ok    configuration');
  } catch (error) {
    io.out(`FAIL  configuration\n${error instanceof ConfigError ? error.problems.map((p) => `        ${p}`).join('\n') : String(error)}`);
    throw new CliError('The configuration is invalid; fix the settings above.', 2);
  }
  await check('data folder permissions', async () => {
    const mode = modeOf(config.dataDir);
    if (mode === null) throw new Error(`${config.dataDir} does not exist: run \`confidant init\``);
    if (mode & OPEN_TO_OTHERS) throw new Error(`${config.dataDir} is mode ${mode.toString(8)}; run chmod 700 on it`);
    return config.dataDir;
  });
  // Opening the services would create the folder: doctor only looks, so it stops here.
  if (!existsSync(config.dataDir)) return problems;
  if (config.masterKey.provider === 'file') {
    await check('master key file permissions', async () => {
      const mode = modeOf(config.masterKey.file);
      if (mode === null) throw new Error('master key file is missing: run `confidant init`');
      if (mode & OPEN_TO_OTHERS) throw new Error(`${config.masterKey.file} is mode ${mode.toString(8)}; run chmod 600 on it`);
    });
  }
  const keysDir = join(config.dataDir, 'keys');
  if (existsSync(keysDir)) {
    await check('key folder permissions', async () => {
      const open = [keysDir, ...readdirSync(keysDir).map((name) => join(keysDir, name))].filter((path) => (modeOf(path) ?? 0) & OPEN_TO_OTHERS);
      if (open.length > 0) throw new Error(`readable by others: ${open.join(', ')}; run chmod 700 on the folder and 600 on its files`);
    });
  }
  if (config.database.kind === 'sqlite') {
    await check('database file permissions', async () => {
      const files = ['', '-wal', '-shm'].map((suffix) => `${config.database.sqlitePath}${suffix}`);
      const open = files.filter((path) => (modeOf(path) ?? 0) & OPEN_TO_OTHERS);
      if (open.length > 0) throw new Error(`readable by others: ${open.join(', ')}; run chmod 600 on them`);
    });
  }
  await withServices(async (services) => {
    await check(`database (${services.database.kind})`, () => ping(services.database));
    await check('migrations', async () => {
      const status = await migrationStatus(services.database);
      if (status.altered.length > 0) throw new Error(`altered: ${status.altered.join(', ')}`);
      if (status.pending.length > 0) throw new Error(`${status.pending.length} pending: run \`confidant migrate\``);
      return `${status.applied.length} applied`;
    });
    await check(`blob store (${services.blobs.kind})`, () => services.blobs.check());
    await check(`mail (${services.mailer.kind})`, () => services.mailer.check());
  }).catch((error: unknown) => {
    problems++;
    io.out(`FAIL  storage — ${error instanceof Error ? error.message : String(error)}`);
  });
  return problems;
}
