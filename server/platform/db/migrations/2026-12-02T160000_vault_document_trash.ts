import type { Kysely } from 'kysely';

// Documents can be moved to the trash and restored (issue 14, point 7): a trashed document keeps
// its versions and blobs, leaves the matter's list and the recent documents, and can be restored.
// Null trashed_at is a live document.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vault_documents').addColumn('trashed_at', 'bigint').execute();
  await db.schema.alterTable('vault_documents').addColumn('trashed_by', 'varchar(36)').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vault_documents').dropColumn('trashed_by').execute();
  await db.schema.alterTable('vault_documents').dropColumn('trashed_at').execute();
}
