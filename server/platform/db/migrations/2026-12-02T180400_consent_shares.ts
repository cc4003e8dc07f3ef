import type { Kysely } from 'kysely';

// Delivery of an executed disclosure as a share (issue 15, point 4): a link token stored only as
// its SHA-256, an expiry and a download limit; the recipient's one-time e-mail code and the
// verified session likewise only as hashes, with the counters that throttle guessing.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('consent_shares')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('disclosure_id', 'varchar(36)', (c) => c.notNull().unique().references('consent_disclosures.id'))
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('max_downloads', 'integer', (c) => c.notNull())
    .addColumn('downloads', 'integer', (c) => c.notNull())
    .addColumn('code_hash', 'varchar(64)')
    .addColumn('code_expires_at', 'bigint')
    .addColumn('code_attempts', 'integer', (c) => c.notNull())
    .addColumn('failed_attempts', 'integer', (c) => c.notNull())
    .addColumn('codes_sent', 'integer', (c) => c.notNull())
    .addColumn('codes_window_start', 'bigint', (c) => c.notNull())
    .addColumn('session_hash', 'varchar(64)')
    .addColumn('session_expires_at', 'bigint')
    .addColumn('locked_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('consent_shares').execute();
}
