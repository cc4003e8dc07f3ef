/**
 * The SQL of backups: the whole database, table by table, read inside one snapshot and written
 * back into an empty, migrated one. This is the one repository that reads every module's tables:
 * a backup must hold them all, and it never interprets a row (sealed fields stay sealed, wrapped
 * keys stay wrapped).
 */
import { sql, type Kysely } from 'kysely';
import type { RequestContext } from '../../platform/context.js';
import { tablesOf, type AnyDb } from '../../platform/db/database.js';
import type { BackupRunKind, BackupRunsTable, BackupTables } from './backup.tables.js';

/** Tables the migrations of the target recreate themselves; never copied. */
export const MIGRATION_TABLES = new Set(['kysely_migration', 'kysely_migration_lock', 'confidant_migration_checksum']);

export type Dialect = 'sqlite' | 'postgres';

/** Every application table, parents before children (foreign keys), by name within a level. */
export async function unsafeListTablesInDependencyOrder(db: AnyDb | Kysely<unknown>, dialect: Dialect): Promise<string[]> {
  const edges: { child: string; parent: string }[] = [];
  let names: string[];
  if (dialect === 'sqlite') {
    const rows = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
    names = rows.rows.map((r) => r.name);
    for (const name of names) {
      const fks = await sql<{ table: string }>`select "table" from pragma_foreign_key_list(${name})`.execute(db);
      for (const fk of fks.rows) edges.push({ child: name, parent: fk.table });
    }
  } else {
    const rows = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db);
    names = rows.rows.map((r) => r.name);
    const fks = await sql<{ child: string; parent: string }>`
      select cl.relname as child, pr.relname as parent
      from pg_constraint c
      join pg_class cl on cl.oid = c.conrelid
      join pg_class pr on pr.oid = c.confrelid
      join pg_namespace n on n.oid = cl.relnamespace
      where c.contype = 'f' and n.nspname = current_schema()`.execute(db);
    edges.push(...fks.rows);
  }
  const tables = names.filter((n) => !MIGRATION_TABLES.has(n)).sort();
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((t) => !placed.has(t) && edges.every((e) => e.child !== t || e.parent === t || placed.has(e.parent) || !tables.includes(e.parent)));
    if (ready.length === 0) throw new Error('foreign keys form a cycle between tables');
    for (const t of ready) {
      placed.add(t);
      ordered.push(t);
    }
  }
  return ordered;
}

/** Every row of `table`, in a stable order (SQLite rowid; PostgreSQL the first column). */
export async function unsafeReadTable(db: AnyDb | Kysely<unknown>, dialect: Dialect, table: string): Promise<Record<string, unknown>[]> {
  const order = dialect === 'sqlite' ? sql`rowid` : sql`1`;
  const result = await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by ${order}`.execute(db);
  return result.rows;
}

/** Names of the applied migrations, in order. */
export async function unsafeAppliedMigrations(db: AnyDb | Kysely<unknown>): Promise<string[]> {
  const result = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return result.rows.map((r) => r.name);
}

/** Whether the database holds no table at all (a fresh PostgreSQL database or SQLite file). */
export async function unsafeTableCount(db: AnyDb, dialect: Dialect): Promise<number> {
  const result =
    dialect === 'sqlite'
      ? await sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)
      : await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = current_schema()`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/** Empties `table` (rows a migration seeded) and inserts `rows` in batches. Inside the caller's transaction. */
export async function unsafeReplaceRows(db: AnyDb, table: string, rows: Record<string, unknown>[]): Promise<void> {
  const seeded = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  if (Number(seeded.rows[0]?.n ?? 0) > 0) await sql`delete from ${sql.table(table)}`.execute(db);
  for (let i = 0; i < rows.length; i += 50) await db.insertInto(table).values(rows.slice(i, i + 50)).execute();
}

/** Drops every table of the current schema (PostgreSQL), to leave a failed restore's target empty again. */
export async function unsafeDropAllTables(db: AnyDb): Promise<void> {
  const rows = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db);
  for (const row of rows.rows) await sql`drop table if exists ${sql.table(row.name)} cascade`.execute(db);
  await sql`drop function if exists audit_refuse_change() cascade`.execute(db);
}

const runs = (ctx: RequestContext) => tablesOf<BackupTables>(ctx.db);

export async function insertBackupRun(ctx: RequestContext, row: BackupRunsTable): Promise<void> {
  await runs(ctx).insertInto('backup_runs').values(row).execute();
}

/** The newest runs, newest first (of one kind when given). */
export async function findBackupRuns(ctx: RequestContext, options: { kind?: BackupRunKind; okOnly?: boolean; limit: number }): Promise<BackupRunsTable[]> {
  let query = runs(ctx).selectFrom('backup_runs').selectAll();
  if (options.kind) query = query.where('kind', '=', options.kind);
  if (options.okOnly) query = query.where('ok', '=', 1);
  const rows = await query.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map((r) => ({ ...r, started_at: Number(r.started_at), finished_at: Number(r.finished_at), ok: Number(r.ok) }));
}

/** Records the restore in the database it wrote (inside the restore's own transaction, before any instance runs on it). */
export async function unsafeInsertBackupRunRow(db: AnyDb, row: BackupRunsTable): Promise<void> {
  await tablesOf<BackupTables>(db).insertInto('backup_runs').values(row).execute();
}
