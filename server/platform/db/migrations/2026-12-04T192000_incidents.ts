import type { Kysely } from 'kysely';

// Incidents and breach response: the incident, its timeline (every step, note, containment and
// scope with who and when), containment actions (reversible), the regimes whose deadlines apply,
// and the corrective actions of the post-incident review. Firm records: ids, counts and the
// reporter's words; a scope lists ids and counts, titles are resolved for each viewer.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('alert_id', 'text')
    .addColumn('reported_by', 'text', (c) => c.notNull())
    .addColumn('reported_at', 'bigint', (c) => c.notNull())
    .addColumn('aware_at', 'bigint', (c) => c.notNull())
    .addColumn('occurred_at', 'bigint')
    .addColumn('regimes', 'text', (c) => c.notNull())
    .addColumn('scope', 'text')
    .addColumn('scope_frozen_at', 'bigint')
    .addColumn('closed_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incidents_status').on('incidents').columns(['status', 'reported_at']).execute();
  await db.schema.createIndex('incidents_reported_by').on('incidents').columns(['reported_by', 'reported_at']).execute();
  await db.schema
    .createTable('incident_steps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text')
    .addColumn('note', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incident_steps_incident').on('incident_steps').columns(['incident_id', 'at']).execute();
  await db.schema
    .createTable('incident_containments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('executed_by', 'text', (c) => c.notNull())
    .addColumn('executed_at', 'bigint', (c) => c.notNull())
    .addColumn('reversed_by', 'text')
    .addColumn('reversed_at', 'bigint')
    .execute();
  await db.schema
    .createTable('incident_actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('assignee_id', 'text', (c) => c.notNull())
    .addColumn('due_on', 'bigint', (c) => c.notNull())
    .addColumn('done_at', 'bigint')
    .addColumn('done_by', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('incident_reminders')
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('deadline', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_reminders_pk', ['incident_id', 'deadline', 'stage'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['incident_reminders', 'incident_actions', 'incident_containments', 'incident_steps', 'incidents']) await db.schema.dropTable(table).execute();
}
