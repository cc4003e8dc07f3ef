import type { Kysely } from 'kysely';

// The compliance module (issue 19): policies with versions, acknowledgement campaigns and
// acknowledgements; confidentiality agreements; training courses and completions; and the
// reminders already sent (one per person per subject per cycle). Firm records about staff: no
// client data. PDFs are bounded bytes kept as base64 text (dialect-neutral).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('compliance_policies')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('owner_user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('required', 'integer', (c) => c.notNull())
    .addColumn('review_cycle_days', 'integer', (c) => c.notNull())
    .addColumn('current_version', 'integer', (c) => c.notNull())
    .addColumn('next_review_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('compliance_policy_versions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('policy_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('format', 'varchar(16)', (c) => c.notNull())
    .addColumn('body_text', 'text')
    .addColumn('pdf_base64', 'text')
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('change_note', 'varchar(500)')
    .addColumn('published_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('published_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('compliance_policy_versions_version', ['policy_id', 'version'])
    .execute();
  await db.schema
    .createTable('compliance_ack_campaigns')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('policy_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('roles', 'varchar(200)', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('compliance_ack_requests')
    .addColumn('campaign_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('compliance_ack_requests_pk', ['campaign_id', 'user_id'])
    .execute();
  await db.schema
    .createTable('compliance_acknowledgements')
    .addColumn('policy_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('acknowledged_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('compliance_acknowledgements_pk', ['policy_id', 'version', 'user_id'])
    .execute();
  await db.schema.createIndex('compliance_acknowledgements_user').on('compliance_acknowledgements').column('user_id').execute();
  await db.schema
    .createTable('compliance_agreements')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('party', 'varchar(16)', (c) => c.notNull())
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('signed_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('document_name', 'varchar(200)')
    .addColumn('document_base64', 'text')
    .addColumn('document_sha256', 'varchar(64)')
    .addColumn('revoked_at', 'bigint')
    .addColumn('recorded_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('compliance_agreements_user').on('compliance_agreements').column('user_id').execute();
  await db.schema
    .createTable('compliance_courses')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('description', 'varchar(2000)')
    .addColumn('roles', 'varchar(200)', (c) => c.notNull())
    .addColumn('pass_mark', 'integer', (c) => c.notNull())
    .addColumn('refresher_days', 'integer')
    .addColumn('due_within_days', 'integer', (c) => c.notNull())
    .addColumn('confidentiality', 'integer', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('compliance_completions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('course_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('completed_at', 'bigint', (c) => c.notNull())
    .addColumn('score', 'integer')
    .addColumn('passed', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('source', 'varchar(16)', (c) => c.notNull())
    .addColumn('recorded_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('compliance_completions_user').on('compliance_completions').columns(['user_id', 'course_id']).execute();
  await db.schema
    .createTable('compliance_reminders')
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('cycle', 'varchar(64)', (c) => c.notNull())
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('compliance_reminders_pk', ['kind', 'subject_id', 'user_id', 'cycle'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['compliance_reminders', 'compliance_completions', 'compliance_courses', 'compliance_agreements', 'compliance_acknowledgements', 'compliance_ack_requests', 'compliance_ack_campaigns', 'compliance_policy_versions', 'compliance_policies']) {
    await db.schema.dropTable(table).execute();
  }
}
