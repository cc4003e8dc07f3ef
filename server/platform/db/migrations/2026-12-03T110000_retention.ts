import type { Kysely } from 'kysely';

// The retention module (issue 17): schedules and legal minimums (firm text), legal holds (names
// and reasons sealed under the client's key) with their custodians' notices, the disposition
// queue with its approvals, certificates of destruction (ids and hashes only) and terminations.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('retention_schedules')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('practice_area', 'varchar(100)')
    .addColumn('jurisdiction', 'varchar(100)')
    .addColumn('trigger', 'varchar(32)', (c) => c.notNull())
    .addColumn('fixed_date', 'bigint')
    .addColumn('period_days', 'integer', (c) => c.notNull())
    .addColumn('action', 'varchar(16)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('retention_minimums')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('practice_area', 'varchar(100)')
    .addColumn('jurisdiction', 'varchar(100)')
    .addColumn('min_days', 'integer', (c) => c.notNull())
    .addColumn('citation', 'varchar(300)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('retention_holds')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('matter_id', 'varchar(36)')
    .addColumn('scope', 'varchar(16)', (c) => c.notNull())
    .addColumn('custodian_user_id', 'varchar(64)')
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('name_sealed', 'text', (c) => c.notNull())
    .addColumn('reason_sealed', 'text', (c) => c.notNull())
    .addColumn('created_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('released_at', 'bigint')
    .addColumn('released_by', 'varchar(64)')
    .addColumn('release_reason_sealed', 'text')
    .execute();
  await db.schema.createIndex('retention_holds_client').on('retention_holds').columns(['client_id', 'released_at']).execute();
  await db.schema
    .createTable('retention_hold_documents')
    .addColumn('hold_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('document_id', 'varchar(36)', (c) => c.notNull())
    .addPrimaryKeyConstraint('retention_hold_documents_pk', ['hold_id', 'document_id'])
    .execute();
  await db.schema.createIndex('retention_hold_documents_document').on('retention_hold_documents').column('document_id').execute();
  await db.schema
    .createTable('retention_hold_notices')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('hold_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('notified_at', 'bigint', (c) => c.notNull())
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('last_reminded_at', 'bigint')
    .addColumn('reminders', 'integer', (c) => c.notNull())
    .addUniqueConstraint('retention_hold_notices_once', ['hold_id', 'user_id'])
    .execute();
  await db.schema.createIndex('retention_hold_notices_user').on('retention_hold_notices').columns(['user_id', 'acknowledged_at']).execute();
  await db.schema
    .createTable('retention_dispositions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('matter_id', 'varchar(36)')
    .addColumn('item_type', 'varchar(20)', (c) => c.notNull())
    .addColumn('item_id', 'varchar(80)', (c) => c.notNull())
    .addColumn('schedule_id', 'varchar(36)')
    .addColumn('action', 'varchar(16)', (c) => c.notNull())
    .addColumn('decision', 'varchar(16)')
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('sensitive', 'integer', (c) => c.notNull())
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('snapshot_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('requested_by', 'varchar(64)')
    .addColumn('manifest', 'text')
    .addColumn('key_event_index', 'bigint')
    .addColumn('tombstone', 'text')
    .addColumn('certificate_id', 'varchar(36)')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('error_code', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('executed_at', 'bigint')
    .addUniqueConstraint('retention_dispositions_item', ['item_type', 'item_id'])
    .execute();
  await db.schema.createIndex('retention_dispositions_status').on('retention_dispositions').columns(['status', 'due_at']).execute();
  await db.schema.createIndex('retention_dispositions_client').on('retention_dispositions').columns(['client_id', 'status']).execute();
  await db.schema
    .createTable('retention_approvals')
    .addColumn('disposition_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('snapshot_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('retention_approvals_pk', ['disposition_id', 'user_id'])
    .execute();
  await db.schema
    .createTable('retention_certificates')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('disposition_id', 'varchar(36)', (c) => c.notNull().unique())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('matter_id', 'varchar(36)')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('retention_certificates_client').on('retention_certificates').columns(['client_id', 'created_at']).execute();
  await db.schema
    .createTable('retention_terminations')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull().unique())
    .addColumn('ended_at', 'bigint', (c) => c.notNull())
    .addColumn('anonymise', 'integer', (c) => c.notNull())
    .addColumn('requested_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['retention_terminations', 'retention_certificates', 'retention_approvals', 'retention_dispositions', 'retention_hold_notices', 'retention_hold_documents', 'retention_holds', 'retention_minimums', 'retention_schedules']) await db.schema.dropTable(table).execute();
}
