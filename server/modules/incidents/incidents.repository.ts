/** The SQL of the incidents module. */
import { sql } from 'kysely';
import type { RequestContext } from '../../platform/context.js';
import { tablesOf } from '../../platform/db/database.js';
import type { IncidentActionsTable, IncidentContainmentsTable, IncidentNotificationsTable, IncidentStatus, IncidentStepsTable, IncidentsTable, IncidentTables, NotificationStatus } from './incidents.tables.js';

const db = (ctx: RequestContext) => tablesOf<IncidentTables>(ctx.db);
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

const incident = (r: IncidentsTable): IncidentsTable => ({ ...r, reported_at: Number(r.reported_at), aware_at: Number(r.aware_at), occurred_at: num(r.occurred_at), scope_frozen_at: num(r.scope_frozen_at), closed_at: num(r.closed_at), updated_at: Number(r.updated_at) });

export async function insertIncident(ctx: RequestContext, row: IncidentsTable): Promise<void> {
  await db(ctx).insertInto('incidents').values(row).execute();
}

/** How many incidents were numbered in a year (the next number is one more). */
export async function countIncidentsNumbered(ctx: RequestContext, prefix: string): Promise<number> {
  const row = await db(ctx).selectFrom('incidents').select(sql<number>`count(*)`.as('n')).where('number', 'like', `${prefix}%`).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function getIncidentRow(ctx: RequestContext, id: string): Promise<IncidentsTable | undefined> {
  const row = await db(ctx).selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? incident(row) : undefined;
}

export async function findIncidentByAlert(ctx: RequestContext, alertId: string): Promise<IncidentsTable | undefined> {
  const row = await db(ctx).selectFrom('incidents').selectAll().where('alert_id', '=', alertId).executeTakeFirst();
  return row ? incident(row) : undefined;
}

/** Newest first; only the reporter's own when `reportedBy` is given. */
export async function findIncidentRows(ctx: RequestContext, filter: { reportedBy?: string; status?: IncidentStatus; open?: boolean }): Promise<IncidentsTable[]> {
  let q = db(ctx).selectFrom('incidents').selectAll();
  if (filter.reportedBy !== undefined) q = q.where('reported_by', '=', filter.reportedBy);
  if (filter.status !== undefined) q = q.where('status', '=', filter.status);
  if (filter.open) q = q.where('status', '!=', 'closed');
  return (await q.orderBy('reported_at', 'desc').orderBy('id').limit(500).execute()).map(incident);
}

/** Compare-and-set on the status: false when someone moved it first. */
export async function updateIncidentRow(ctx: RequestContext, id: string, expected: IncidentStatus, changes: Partial<IncidentsTable>): Promise<boolean> {
  const result = await db(ctx).updateTable('incidents').set(changes).where('id', '=', id).where('status', '=', expected).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertStep(ctx: RequestContext, row: IncidentStepsTable): Promise<void> {
  await db(ctx).insertInto('incident_steps').values(row).execute();
}

export async function findSteps(ctx: RequestContext, incidentId: string): Promise<IncidentStepsTable[]> {
  return (await db(ctx).selectFrom('incident_steps').selectAll().where('incident_id', '=', incidentId).orderBy('at').orderBy('id').execute()).map((r) => ({ ...r, at: Number(r.at) }));
}

export async function insertContainment(ctx: RequestContext, row: IncidentContainmentsTable): Promise<void> {
  await db(ctx).insertInto('incident_containments').values(row).execute();
}

export async function findContainments(ctx: RequestContext, incidentId: string): Promise<IncidentContainmentsTable[]> {
  return (await db(ctx).selectFrom('incident_containments').selectAll().where('incident_id', '=', incidentId).orderBy('executed_at').orderBy('id').execute()).map((r) => ({ ...r, executed_at: Number(r.executed_at), reversed_at: num(r.reversed_at) }));
}

/** Marks a containment reversed, once: false when it already was. */
export async function markContainmentReversed(ctx: RequestContext, id: string, by: string, at: number): Promise<boolean> {
  const result = await db(ctx).updateTable('incident_containments').set({ reversed_by: by, reversed_at: at }).where('id', '=', id).where('reversed_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertAction(ctx: RequestContext, row: IncidentActionsTable): Promise<void> {
  await db(ctx).insertInto('incident_actions').values(row).execute();
}

export async function findActions(ctx: RequestContext, incidentId: string): Promise<IncidentActionsTable[]> {
  return (await db(ctx).selectFrom('incident_actions').selectAll().where('incident_id', '=', incidentId).orderBy('due_on').orderBy('id').execute()).map((r) => ({ ...r, due_on: Number(r.due_on), done_at: num(r.done_at), created_at: Number(r.created_at) }));
}

export async function markActionDone(ctx: RequestContext, incidentId: string, id: string, by: string, at: number): Promise<boolean> {
  const result = await db(ctx).updateTable('incident_actions').set({ done_by: by, done_at: at }).where('id', '=', id).where('incident_id', '=', incidentId).where('done_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Claims one reminder (incident, deadline, stage): false when it was sent already. */
export async function claimReminder(ctx: RequestContext, incidentId: string, deadline: string, stage: 'due_soon' | 'overdue', at: number): Promise<boolean> {
  const inserted = await db(ctx).insertInto('incident_reminders').values({ incident_id: incidentId, deadline, stage, sent_at: at }).onConflict((oc) => oc.columns(['incident_id', 'deadline', 'stage']).doNothing()).returning('incident_id').executeTakeFirst();
  return inserted !== undefined;
}

export async function releaseReminder(ctx: RequestContext, incidentId: string, deadline: string, stage: 'due_soon' | 'overdue'): Promise<void> {
  await db(ctx).deleteFrom('incident_reminders').where('incident_id', '=', incidentId).where('deadline', '=', deadline).where('stage', '=', stage).execute();
}

const notification = (r: IncidentNotificationsTable): IncidentNotificationsTable => ({ ...r, key_version: r.key_version === null ? null : Number(r.key_version), drafted_at: Number(r.drafted_at), approved_at: num(r.approved_at), sent_at: num(r.sent_at), updated_at: Number(r.updated_at) });

export async function insertNotification(ctx: RequestContext, row: IncidentNotificationsTable): Promise<void> {
  await db(ctx).insertInto('incident_notifications').values(row).execute();
}

export async function findNotifications(ctx: RequestContext, incidentId: string): Promise<IncidentNotificationsTable[]> {
  return (await db(ctx).selectFrom('incident_notifications').selectAll().where('incident_id', '=', incidentId).orderBy('drafted_at').orderBy('id').execute()).map(notification);
}

export async function getNotification(ctx: RequestContext, incidentId: string, id: string): Promise<IncidentNotificationsTable | undefined> {
  const row = await db(ctx).selectFrom('incident_notifications').selectAll().where('incident_id', '=', incidentId).where('id', '=', id).executeTakeFirst();
  return row ? notification(row) : undefined;
}

/** Compare-and-set on the status: false when it moved meanwhile. */
export async function updateNotification(ctx: RequestContext, id: string, from: NotificationStatus[], changes: Partial<IncidentNotificationsTable>): Promise<boolean> {
  const result = await db(ctx).updateTable('incident_notifications').set(changes).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
