import type { Kysely } from 'kysely';

// Documents and their immutable versions. Content lives in the blob store as CNFD ciphertext
// (blob_id is opaque); sealed_size lets a download detect a truncated or replaced blob.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('vault_documents')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('matter_id', 'varchar(36)', (c) => c.notNull().references('vault_matters.id'))
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('name_sealed', 'text', (c) => c.notNull())
    .addColumn('classification', 'varchar(20)', (c) => c.notNull())
    .addColumn('privileged', 'integer', (c) => c.notNull())
    .addColumn('legal_hold', 'integer', (c) => c.notNull())
    .addColumn('current_version', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vault_documents_matter').on('vault_documents').columns(['matter_id', 'id']).execute();
  await db.schema.createIndex('vault_documents_client').on('vault_documents').columns(['client_id']).execute();

  await db.schema
    .createTable('vault_document_versions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('document_id', 'varchar(36)', (c) => c.notNull().references('vault_documents.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('blob_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sealed_size', 'bigint', (c) => c.notNull())
    .addColumn('content_type', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('vault_document_versions_number', ['document_id', 'version'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('vault_document_versions').execute();
  await db.schema.dropTable('vault_documents').execute();
}
