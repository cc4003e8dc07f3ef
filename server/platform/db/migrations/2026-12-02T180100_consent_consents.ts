import type { Kysely } from 'kysely';

// A client's consent to disclosure (issue 15, point 2). Codes (purposes, data categories,
// recipient categories, channels) and ids in clear, so the disclosure gate can match them; the
// named recipients and the purpose's own words sealed under the client's key. Evidence: the
// published notice shown (id and SHA-256) and the affirmative act (a signed form uploaded as a
// vault document). Never deleted: a withdrawal is recorded on the row.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('consent_consents')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('purposes', 'text', (c) => c.notNull())
    .addColumn('purpose_text_sealed', 'text', (c) => c.notNull())
    .addColumn('data_categories', 'text', (c) => c.notNull())
    .addColumn('recipients_sealed', 'text', (c) => c.notNull())
    .addColumn('recipient_categories', 'text', (c) => c.notNull())
    .addColumn('channels', 'text', (c) => c.notNull())
    .addColumn('matter_scope', 'varchar(10)', (c) => c.notNull())
    .addColumn('matter_ids', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'bigint', (c) => c.notNull())
    .addColumn('valid_until', 'bigint')
    .addColumn('notice_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('notice_sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('evidence_kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('evidence_document_id', 'varchar(36)')
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('recorded_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('recorded_at', 'bigint', (c) => c.notNull())
    .addColumn('recorded_ip', 'varchar(64)')
    .addColumn('withdrawn_by', 'varchar(36)')
    .addColumn('withdrawn_at', 'bigint')
    .execute();
  await db.schema.createIndex('consent_consents_client').on('consent_consents').columns(['client_id', 'id']).execute();
  await db.schema.createIndex('consent_consents_expiry').on('consent_consents').columns(['status', 'valid_until']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('consent_consents').execute();
}
