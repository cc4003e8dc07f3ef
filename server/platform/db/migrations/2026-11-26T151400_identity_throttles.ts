import type { Kysely } from 'kysely';

// Failure counters for sign-in throttling, keyed by kind (password / second factor) and subject
// (account or address, hashed), so the two kinds never share a counter.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('identity_throttles')
    .addColumn('key', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('identity_throttles').execute();
}
