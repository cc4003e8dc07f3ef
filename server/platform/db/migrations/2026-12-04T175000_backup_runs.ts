import type { Kysely } from 'kysely';

// Every backup, drill and restore this instance ran or received: when, where to, whether it
// succeeded, how long recovery took. Firm operations data: ids, counts and error codes, never
// client content or key material.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('backup_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint', (c) => c.notNull())
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('backup_id', 'text')
    .addColumn('requested_by', 'text')
    .addColumn('error_code', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('backup_runs_kind_started').on('backup_runs').columns(['kind', 'started_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('backup_runs').execute();
}
