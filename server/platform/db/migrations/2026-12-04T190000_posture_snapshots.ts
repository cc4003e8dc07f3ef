import type { Kysely } from 'kysely';

// One posture snapshot per day (UTC): the score, each finding's state and the counts by role,
// for the dashboard's trend. Counts only: no names, no client data.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('posture_snapshots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('day', 'text', (c) => c.notNull().unique())
    .addColumn('taken_at', 'bigint', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('failing', 'integer', (c) => c.notNull())
    .addColumn('findings', 'text', (c) => c.notNull())
    .addColumn('by_role', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('posture_snapshots').execute();
}
