import type { Kysely } from 'kysely';

// When an alert went out in a digest mail (null: not yet). Alerts raised before this change are
// marked as sent with their own time, so the first digest after the upgrade does not resend them.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_alert').addColumn('mailed_at', 'bigint').execute();
  await db.updateTable('audit_alert').set((eb: any) => ({ mailed_at: eb.ref('created_at') })).execute();
  await db.schema.createIndex('audit_alert_mailed').on('audit_alert').columns(['mailed_at', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_alert_mailed').execute();
  await db.schema.alterTable('audit_alert').dropColumn('mailed_at').execute();
}
