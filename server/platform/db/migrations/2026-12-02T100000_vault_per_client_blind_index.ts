import type { Kysely } from 'kysely';

// Blind indexes keyed per client (issue 12, item 9): each name or title token now records which
// version of its client's key it was made with. Null marks a row still holding the old firm-wide
// token; the vault re-indexes those at start (a migration cannot reach the keys), and 0 marks a
// row whose index was wiped because the client was crypto-shredded.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vault_clients').addColumn('name_index_key_version', 'integer').execute();
  await db.schema.alterTable('vault_matters').addColumn('title_index_key_version', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vault_matters').dropColumn('title_index_key_version').execute();
  await db.schema.alterTable('vault_clients').dropColumn('name_index_key_version').execute();
}
