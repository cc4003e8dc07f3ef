import type { Kysely } from 'kysely';

// Versioned per-client data keys, each wrapped by the master key. Crypto-shredding nulls
// wrapped_key and marks the row destroyed; the row stays so later reads answer KEY_DESTROYED.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('keys_client_keys')
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('wrapped_key', 'text')
    .addColumn('master_version', 'integer', (c) => c.notNull())
    .addColumn('state', 'varchar(12)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('destroyed_at', 'bigint')
    .addPrimaryKeyConstraint('keys_client_keys_pk', ['client_id', 'version'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('keys_client_keys').execute();
}
