/** SQL of the alerts (`audit_alert`): raised by the monitor and verification, listed, acknowledged. */
import type { AnyDb } from '../platform/db/database.js';
import { tablesOf } from '../platform/db/database.js';
import type { AuditTables } from './audit.tables.js';

export type AlertRow = AuditTables['audit_alert'];

function alerts(db: AnyDb) {
  return tablesOf<AuditTables>(db);
}

export async function insertAlert(db: AnyDb, row: AlertRow): Promise<void> {
  await alerts(db).insertInto('audit_alert').values(row).execute();
}

export async function markAlertContained(db: AnyDb, id: string): Promise<void> {
  await alerts(db).updateTable('audit_alert').set({ contained: 1 }).where('id', '=', id).execute();
}

/** True when an alert for this rule and actor was raised at or after `since`. */
export async function existsAlertSince(db: AnyDb, rule: string, actorId: string | null, since: number): Promise<boolean> {
  let query = alerts(db).selectFrom('audit_alert').select('id').where('rule', '=', rule).where('created_at', '>=', since);
  query = actorId === null ? query.where('actor_id', 'is', null) : query.where('actor_id', '=', actorId);
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}

/** Newest first, at most `limit`. */
export async function findAlerts(db: AnyDb, filter: { status?: 'open' | 'acknowledged'; limit: number }): Promise<AlertRow[]> {
  let query = alerts(db).selectFrom('audit_alert').selectAll();
  if (filter.status) query = query.where('status', '=', filter.status);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

/** True when some alert has not gone out in a digest yet. */
export async function existsUnmailedAlert(db: AnyDb): Promise<boolean> {
  return (await alerts(db).selectFrom('audit_alert').select('id').where('mailed_at', 'is', null).limit(1).executeTakeFirst()) !== undefined;
}

/**
 * Claims every alert not yet mailed (sets `mailed_at`), oldest first, and returns them: an
 * UPDATE … RETURNING, so two nodes never mail the same alert.
 */
export async function claimUnmailedAlerts(db: AnyDb, now: number, limit: number): Promise<AlertRow[]> {
  const ids = (await alerts(db).selectFrom('audit_alert').select('id').where('mailed_at', 'is', null).orderBy('created_at').orderBy('id').limit(limit).execute()).map((r) => r.id);
  if (ids.length === 0) return [];
  const rows = await alerts(db).updateTable('audit_alert').set({ mailed_at: now }).where('id', 'in', ids).where('mailed_at', 'is', null).returningAll().execute();
  return rows.sort((a, b) => Number(a.created_at) - Number(b.created_at) || (a.id < b.id ? -1 : 1));
}

/** Gives claimed alerts back (their mail failed): the next digest tries them again. */
export async function releaseAlerts(db: AnyDb, ids: string[]): Promise<void> {
  if (ids.length > 0) await alerts(db).updateTable('audit_alert').set({ mailed_at: null }).where('id', 'in', ids).execute();
}

export async function findAlertById(db: AnyDb, id: string): Promise<AlertRow | undefined> {
  return alerts(db).selectFrom('audit_alert').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function markAlertAcknowledged(db: AnyDb, id: string, by: string, at: number): Promise<void> {
  await alerts(db).updateTable('audit_alert').set({ status: 'acknowledged', acknowledged_by: by, acknowledged_at: at }).where('id', '=', id).execute();
}
