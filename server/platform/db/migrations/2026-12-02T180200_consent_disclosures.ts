import type { Kysely } from 'kysely';

// The disclosure gate and register (issue 15, points 3 and 5): every release of client data
// outside the firm, with its basis (a consent, or a legal exception approved by a second person),
// its items (ids), recipient, purpose and channel. Recipient, purpose text, exception reference
// and privilege-waiver risk are sealed under the client's key; codes and ids are in clear.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('consent_disclosures')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('matter_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('recipient_sealed', 'text', (c) => c.notNull())
    .addColumn('recipient_category', 'varchar(40)')
    .addColumn('items', 'text', (c) => c.notNull())
    .addColumn('purpose', 'varchar(40)', (c) => c.notNull())
    .addColumn('purpose_text_sealed', 'text', (c) => c.notNull())
    .addColumn('channel', 'varchar(40)', (c) => c.notNull())
    .addColumn('basis', 'varchar(20)', (c) => c.notNull())
    .addColumn('consent_id', 'varchar(36)')
    .addColumn('exception_kind', 'varchar(40)')
    .addColumn('exception_reference_sealed', 'text')
    .addColumn('exception_document_id', 'varchar(36)')
    .addColumn('gag_order', 'integer', (c) => c.notNull())
    .addColumn('privilege_waived', 'integer', (c) => c.notNull())
    .addColumn('waiver_risk_sealed', 'text')
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('requested_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addColumn('approved_by', 'varchar(36)')
    .addColumn('approved_at', 'bigint')
    .addColumn('executed_by', 'varchar(36)')
    .addColumn('executed_at', 'bigint')
    .addColumn('ended_by', 'varchar(36)')
    .addColumn('ended_at', 'bigint')
    .execute();
  await db.schema.createIndex('consent_disclosures_client').on('consent_disclosures').columns(['client_id', 'id']).execute();
  await db.schema.createIndex('consent_disclosures_matter').on('consent_disclosures').columns(['matter_id', 'id']).execute();
  await db.schema.createIndex('consent_disclosures_consent').on('consent_disclosures').columns(['consent_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('consent_disclosures').execute();
}
