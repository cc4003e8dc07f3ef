import type { Kysely } from 'kysely';

// The letters of an incident's notifications: to a client (sealed under that client's key), to a
// regulator or to the people affected; drafted from a template, approved, sent by mail with its
// delivery status, kept with the incident.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('incident_notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text')
    .addColumn('key_version', 'integer')
    .addColumn('deadline', 'text')
    .addColumn('recipient_name', 'text', (c) => c.notNull())
    .addColumn('recipient_email', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('drafted_by', 'text', (c) => c.notNull())
    .addColumn('drafted_at', 'bigint', (c) => c.notNull())
    .addColumn('approved_by', 'text')
    .addColumn('approved_at', 'bigint')
    .addColumn('sent_at', 'bigint')
    .addColumn('error_code', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incident_notifications_incident').on('incident_notifications').columns(['incident_id', 'drafted_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('incident_notifications').execute();
}
