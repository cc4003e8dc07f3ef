import type { Kysely } from 'kysely';

// The conflict key of each client's name (see vault_parties), a blind index under the client's
// own key. Null version: not computed yet (rows from before this migration; the vault computes
// them at start, a migration cannot reach the keys); 0: wiped by crypto-shredding.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vault_clients').addColumn('conflict_index', 'varchar(64)', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('vault_clients').addColumn('conflict_index_key_version', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vault_clients').dropColumn('conflict_index_key_version').execute();
  await db.schema.alterTable('vault_clients').dropColumn('conflict_index').execute();
}
