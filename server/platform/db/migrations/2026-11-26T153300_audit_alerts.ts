import type { Kysely } from 'kysely';

// Alerts raised by the monitoring rules, and the cursors with which rules, sinks and the
// scheduled verification follow the event stream. Detail holds counts and opaque ids only.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_alert')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('rule', 'varchar(50)', (c) => c.notNull())
    .addColumn('actor_id', 'varchar(100)')
    .addColumn('severity', 'varchar(16)', (c) => c.notNull())
    .addColumn('first_seq', 'bigint')
    .addColumn('last_seq', 'bigint')
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('contained', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('acknowledged_by', 'varchar(100)')
    .addColumn('acknowledged_at', 'bigint')
    .execute();
  await db.schema.createIndex('audit_alert_status_created').on('audit_alert').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('audit_alert_rule_actor').on('audit_alert').columns(['rule', 'actor_id', 'created_at']).execute();
  await db.schema
    .createTable('audit_cursor')
    .addColumn('name', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_cursor').execute();
  await db.schema.dropTable('audit_alert').execute();
}
