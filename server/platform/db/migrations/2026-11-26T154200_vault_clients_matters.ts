import type { Kysely } from 'kysely';

// Clients and matters. Identifying text (names, titles, contact details, identifiers) is stored
// sealed under the client's key (`*_sealed`, with the key version used); what must be searchable
// has a keyed blind index (`*_index`, HMAC), never plaintext.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('vault_clients')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('name_sealed', 'text', (c) => c.notNull())
    .addColumn('name_index', 'varchar(64)', (c) => c.notNull())
    .addColumn('details_sealed', 'text', (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vault_clients_name_index').on('vault_clients').column('name_index').execute();

  await db.schema
    .createTable('vault_matters')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull().references('vault_clients.id'))
    .addColumn('number', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('title_sealed', 'text', (c) => c.notNull())
    .addColumn('title_index', 'varchar(64)', (c) => c.notNull())
    .addColumn('practice_area', 'varchar(60)')
    .addColumn('jurisdiction', 'varchar(60)')
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('opened_at', 'bigint', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .addColumn('lead_user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vault_matters_client').on('vault_matters').columns(['client_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('vault_matters').execute();
  await db.schema.dropTable('vault_clients').execute();
}
