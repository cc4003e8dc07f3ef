import type { Kysely } from 'kysely';

// When a matter's closing was recorded (server time), beside the closing date the user gave:
// retention treats a close backdated by more than 30 days as needing the compliance officer's approval.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vault_matters').addColumn('closed_recorded_at', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vault_matters').dropColumn('closed_recorded_at').execute();
}
