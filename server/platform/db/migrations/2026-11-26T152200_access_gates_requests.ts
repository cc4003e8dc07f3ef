import type { Kysely } from 'kysely';

// Gate settings (MFA, confidentiality agreement, training) with the minimal records behind the
// agreement and training gates; access requests decided by the lead attorney; break-glass sessions
// with their after-the-fact review.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('access_gate_settings')
    .addColumn('gate', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'varchar(36)')
    .execute();
  await db.schema
    .createTable('access_agreements')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('completed_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('recorded_by', 'varchar(36)')
    .execute();
  await db.schema.createIndex('access_agreements_user').on('access_agreements').columns(['user_id', 'kind']).execute();
  await db.schema
    .createTable('access_requests')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('matter_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('role', 'varchar(20)', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_at', 'bigint')
    .addColumn('decided_by', 'varchar(36)')
    .addColumn('expires_at', 'bigint')
    .execute();
  await db.schema.createIndex('access_requests_matter').on('access_requests').columns(['matter_id', 'status']).execute();
  await db.schema.createIndex('access_requests_user').on('access_requests').columns(['user_id']).execute();
  await db.schema
    .createTable('access_break_glass')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('matter_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('justification', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('reviewed_at', 'bigint')
    .addColumn('reviewed_by', 'varchar(36)')
    .addColumn('review_outcome', 'varchar(20)')
    .addColumn('review_note', 'text')
    .execute();
  await db.schema.createIndex('access_break_glass_user').on('access_break_glass').columns(['user_id', 'expires_at']).execute();
  await db.schema.createIndex('access_break_glass_review').on('access_break_glass').columns(['reviewed_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['access_break_glass', 'access_requests', 'access_agreements', 'access_gate_settings']) await db.schema.dropTable(table).execute();
}
