import type { Kysely } from 'kysely';

// The two-person rule: a change that could let one insider reach or destroy client data alone is
// filed as a pending approval and made only when a second, eligible person approves it. The
// payload holds opaque ids, roles and times only (never client content).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('access_approvals')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(40)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('subject_user_id', 'varchar(36)')
    .addColumn('client_id', 'varchar(36)')
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('requested_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_by', 'varchar(36)')
    .addColumn('decided_at', 'bigint')
    .execute();
  await db.schema.createIndex('access_approvals_status').on('access_approvals').columns(['status', 'requested_at']).execute();
  await db.schema.createIndex('access_approvals_requester').on('access_approvals').columns(['requested_by']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('access_approvals').execute();
}
