import type { Kysely } from 'kysely';

// The one-time setup token that a new passphrase-sealed instance prints at start: the first
// `POST /unseal` (which chooses the master passphrase) must present it, so nobody who merely reaches
// the port first can choose the passphrase. Only its SHA-256 is stored; used or replaced tokens
// keep `used_at`.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('keys_setup_tokens')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('keys_setup_tokens').execute();
}
