import type { Kysely } from 'kysely';

// Data-handling notices (issue 15, point 1): firm text written by the compliance officer, not
// client data, so stored in clear. Versioned: a draft may change; a published version is frozen
// and identified by the SHA-256 of its canonical content.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('consent_notices')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull().unique())
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)')
    .addColumn('created_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('published_by', 'varchar(36)')
    .addColumn('published_at', 'bigint')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('consent_notices').execute();
}
