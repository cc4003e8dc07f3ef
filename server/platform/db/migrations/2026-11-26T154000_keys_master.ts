import type { Kysely } from 'kysely';

// The master key's public bookkeeping (never the key itself): its version, the firm-wide
// blind-index key wrapped by it (unwrapping it also proves a master key is the right one), and,
// for the passphrase provider, the argon2id salt and parameters.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('keys_master')
    .addColumn('id', 'varchar(20)', (c) => c.primaryKey())
    .addColumn('provider', 'varchar(20)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('wrapped_index_key', 'text', (c) => c.notNull())
    .addColumn('kdf_salt', 'text')
    .addColumn('kdf_params', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('rotated_at', 'bigint')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('keys_master').execute();
}
