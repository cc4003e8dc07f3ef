import type { Kysely } from 'kysely';

// Destruction of documents and of single versions (the retention module's disposition): when a
// document or a version was destroyed — its object key destroyed, its name wiped, its blob
// deleted. Null is a live one. A destroyed document or version answers 410 KEY_DESTROYED.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vault_documents').addColumn('destroyed_at', 'bigint').execute();
  await db.schema.alterTable('vault_document_versions').addColumn('destroyed_at', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vault_document_versions').dropColumn('destroyed_at').execute();
  await db.schema.alterTable('vault_documents').dropColumn('destroyed_at').execute();
}
