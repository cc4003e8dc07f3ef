/**
 * Migrations live in ./migrations, one file per change, named `<ISO timestamp>_<module>_<what>.ts`,
 * frozen once committed. `manifest.json` records each file's SHA-256; the first time a migration is
 * applied its checksum is stored, and the server refuses to start when a stored checksum no longer
 * matches (an altered history) or when a migration is pending.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { AnyDb, Database } from './database.js';

const here = dirname(fileURLToPath(import.meta.url));
export const MIGRATIONS_DIR = join(here, 'migrations');
const CHECKSUM_TABLE = 'confidant_migration_checksum';

export function migrationFileNames(dir: string = MIGRATIONS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts') && !f.endsWith('.test.ts'))
    .sort();
}

export function migrationName(file: string): string {
  return file.replace(/\.(ts|js)$/, '');
}

export function readManifest(dir: string = MIGRATIONS_DIR): Record<string, string> {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, string>;
}

/** Checksums of the TypeScript sources; used by `npm run migrations:manifest` and its test. */
export function computeManifest(dir: string = MIGRATIONS_DIR): Record<string, string> {
  const manifest: Record<string, string> = {};
  for (const file of migrationFileNames(dir).filter((f) => f.endsWith('.ts'))) {
    manifest[migrationName(file)] = createHash('sha256').update(readFileSync(join(dir, file))).digest('hex');
  }
  return manifest;
}

class FolderProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const file of migrationFileNames()) {
      const module = (await import(pathToFileURL(join(MIGRATIONS_DIR, file)).href)) as Migration;
      migrations[migrationName(file)] = module;
    }
    return migrations;
  }
}

function migrator(db: AnyDb): Migrator {
  return new Migrator({ db, provider: new FolderProvider() });
}

async function ensureChecksumTable(db: AnyDb): Promise<void> {
  await db.schema
    .createTable(CHECKSUM_TABLE)
    .ifNotExists()
    .addColumn('name', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .execute();
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Applied migrations whose source changed since, or that no longer exist in the code. */
  altered: string[];
}

export async function migrationStatus(database: Database): Promise<MigrationStatus> {
  const { db } = database;
  await ensureChecksumTable(db);
  const manifest = readManifest();
  const infos = await migrator(db).getMigrations();
  const applied = infos.filter((m) => m.executedAt !== undefined).map((m) => m.name);
  const pending = infos.filter((m) => m.executedAt === undefined).map((m) => m.name);
  const stored = (await db.selectFrom(CHECKSUM_TABLE).select(['name', 'sha256']).execute()) as { name: string; sha256: string }[];
  const altered = stored.filter((row) => manifest[row.name] !== row.sha256).map((row) => row.name);
  // A migration recorded by Kysely but missing from the code also counts as an altered history.
  const known = new Set(infos.map((m) => m.name));
  const executed = await db
    .selectFrom('kysely_migration')
    .select('name')
    .execute()
    .catch(() => [] as { name: string }[]);
  for (const row of executed as { name: string }[]) if (!known.has(row.name) && !altered.includes(row.name)) altered.push(row.name);
  return { applied, pending, altered };
}

export class MigrationError extends Error {}

/** Applies every pending migration in one go; refuses to run over an altered history. */
export async function migrateToLatest(database: Database): Promise<string[]> {
  const status = await migrationStatus(database);
  if (status.altered.length > 0) throw new MigrationError(`Migration history was altered: ${status.altered.join(', ')}`);
  const manifest = readManifest();
  const result: MigrationResultSet = await migrator(database.db).migrateToLatest();
  if (result.error) {
    throw new MigrationError(`Migration failed: ${result.error instanceof Error ? result.error.message : String(result.error)}`);
  }
  const appliedNow = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  for (const name of appliedNow) {
    const sha256 = manifest[name];
    if (sha256 === undefined) throw new MigrationError(`Migration ${name} is missing from manifest.json (run npm run migrations:manifest)`);
    await database.db.insertInto(CHECKSUM_TABLE).values({ name, sha256 }).execute();
  }
  return appliedNow;
}

/** Throws unless the database is exactly at the code's migration level. */
export async function assertMigrated(database: Database): Promise<void> {
  const status = await migrationStatus(database);
  if (status.altered.length > 0) throw new MigrationError(`Migration history was altered: ${status.altered.join(', ')}. Restore the original migration files.`);
  if (status.pending.length > 0) throw new MigrationError(`${status.pending.length} migration(s) pending: run \`confidant migrate\` first.`);
}

