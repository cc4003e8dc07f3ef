import type { Kysely } from 'kysely';

// A contact's request for an export of their data (issue 16, point 6): the protection they chose
// (a passphrase or their age public keys) sealed under the client's key until the lead attorney
// approves; the archive is then made once, age-encrypted, kept in the blob store for a week, and
// the protection is wiped.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('portal_export_requests')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('contact_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('matter_ids', 'text')
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('protection_kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('protection_sealed', 'text')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('decided_by', 'varchar(64)')
    .addColumn('decided_at', 'bigint')
    .addColumn('blob_id', 'varchar(80)')
    .addColumn('size', 'bigint')
    .addColumn('documents', 'integer')
    .addColumn('downloads', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('portal_export_requests_client').on('portal_export_requests').columns(['client_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('portal_export_requests').execute();
}
