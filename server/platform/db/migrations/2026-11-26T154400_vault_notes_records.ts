import type { Kysely } from 'kysely';

// Notes (sealed rich text) and physical records with their check-out/check-in log (append-only).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('vault_notes')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('matter_id', 'varchar(36)', (c) => c.notNull().references('vault_matters.id'))
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('title_sealed', 'text', (c) => c.notNull())
    .addColumn('body_sealed', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .addColumn('created_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vault_notes_matter').on('vault_notes').columns(['matter_id', 'id']).execute();

  await db.schema
    .createTable('vault_records')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('matter_id', 'varchar(36)', (c) => c.notNull().references('vault_matters.id'))
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('label_sealed', 'text', (c) => c.notNull())
    .addColumn('location_sealed', 'text', (c) => c.notNull())
    .addColumn('custodian_user_id', 'varchar(36)')
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vault_records_matter').on('vault_records').columns(['matter_id', 'id']).execute();

  await db.schema
    .createTable('vault_record_movements')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('record_id', 'varchar(36)', (c) => c.notNull().references('vault_records.id'))
    .addColumn('action', 'varchar(20)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vault_record_movements_record').on('vault_record_movements').columns(['record_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('vault_record_movements').execute();
  await db.schema.dropTable('vault_records').execute();
  await db.schema.dropTable('vault_notes').execute();
}
