import type { Kysely } from 'kysely';

// Recent documents (newest first across the matters a person may open) read by updated_at.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('vault_documents_updated').on('vault_documents').columns(['updated_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('vault_documents_updated').execute();
}
