import type { Kysely } from 'kysely';

// Parties of a client or of one of its matters (issue 14, point 5): opposing and related people
// and organisations. Name and identifiers sealed under the client's key; two blind indexes under
// the client's index key — the exact name and the conflict key (no case, accents, punctuation or
// company suffixes) — for the conflict check at intake (point 6).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('vault_parties')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull().references('vault_clients.id'))
    .addColumn('matter_id', 'varchar(36)', (c) => c.references('vault_matters.id'))
    .addColumn('role', 'varchar(20)', (c) => c.notNull())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('name_sealed', 'text', (c) => c.notNull())
    .addColumn('details_sealed', 'text', (c) => c.notNull())
    .addColumn('name_index', 'varchar(64)', (c) => c.notNull())
    .addColumn('conflict_index', 'varchar(64)', (c) => c.notNull())
    .addColumn('index_key_version', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vault_parties_client').on('vault_parties').columns(['client_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('vault_parties').execute();
}
