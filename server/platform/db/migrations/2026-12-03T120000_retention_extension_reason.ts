import type { Kysely } from 'kysely';

// Why a reviewer kept a disposition item longer, sealed under the client's key (with its version).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('retention_dispositions').addColumn('extend_reason_sealed', 'text').execute();
  await db.schema.alterTable('retention_dispositions').addColumn('extend_key_version', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('retention_dispositions').dropColumn('extend_key_version').execute();
  await db.schema.alterTable('retention_dispositions').dropColumn('extend_reason_sealed').execute();
}
