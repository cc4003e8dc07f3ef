import type { Kysely } from 'kysely';

// The matter's life (issue 14, point 5): a description (sealed under the client's key like the
// title), and who closed it, when (closed_at already exists) and why (sealed: a reason may name
// the client's affairs).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vault_matters').addColumn('description_sealed', 'text').execute();
  await db.schema.alterTable('vault_matters').addColumn('close_reason_sealed', 'text').execute();
  await db.schema.alterTable('vault_matters').addColumn('closed_by', 'varchar(36)').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vault_matters').dropColumn('closed_by').execute();
  await db.schema.alterTable('vault_matters').dropColumn('close_reason_sealed').execute();
  await db.schema.alterTable('vault_matters').dropColumn('description_sealed').execute();
}
