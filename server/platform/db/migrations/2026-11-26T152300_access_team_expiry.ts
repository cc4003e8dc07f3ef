import type { Kysely } from 'kysely';

// Time-limited team membership (an approved access request may end on a date): the membership
// stops working at the second it expires; history rows carry the same end.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('access_team_members').addColumn('expires_at', 'bigint').execute();
  await db.schema.alterTable('access_team_history').addColumn('expires_at', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('access_team_history').dropColumn('expires_at').execute();
  await db.schema.alterTable('access_team_members').dropColumn('expires_at').execute();
}
