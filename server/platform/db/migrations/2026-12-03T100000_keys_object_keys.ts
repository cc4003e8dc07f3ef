import type { Kysely } from 'kysely';

// Per-object keys (one random 32-byte secret per document version blob), each wrapped directly by
// the master key — not by the client key — so destroying one (wrapped_key nulled, state
// destroyed) and then rotating the master key leaves a backup's copy unreadable while the client
// lives on. The blob's data key is HKDF(client data key, salt = the secret), so shredding the
// client still kills everything. The row stays after destruction so reads answer KEY_DESTROYED.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('keys_object_keys')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('matter_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('wrapped_key', 'text')
    .addColumn('master_version', 'integer', (c) => c.notNull())
    .addColumn('state', 'varchar(12)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('destroyed_at', 'bigint')
    .execute();
  await db.schema.createIndex('keys_object_keys_matter').on('keys_object_keys').columns(['matter_id']).execute();
  await db.schema.createIndex('keys_object_keys_client').on('keys_object_keys').columns(['client_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('keys_object_keys').execute();
}
