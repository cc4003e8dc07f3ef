import type { Kysely } from 'kysely';

// When the relationship with a client ended (set by the retention module; retention periods run
// from it). Null while it goes on.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vault_clients').addColumn('ended_at', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vault_clients').dropColumn('ended_at').execute();
}
