import type { Kysely } from 'kysely';

// Each document version's blob is encrypted under its own object key (keys_object_keys): the
// version names it. Null marks a legacy blob, encrypted under the client data key alone (still
// readable; the vault's `vault.object-keys.migrate` job moves such blobs to object keys).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vault_document_versions').addColumn('object_key_id', 'varchar(36)').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vault_document_versions').dropColumn('object_key_id').execute();
}
