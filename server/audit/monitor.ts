/**
 * Monitoring rules over the event stream, followed from a cursor by a periodic job (so a request
 * never waits for them). Thresholds come from `alertRules` in the configuration file.
 * Counting queries use the (actor_id, at) index.
 */
import { sql } from 'kysely';
import type { AppServices } from '../platform/context.js';
import { tablesOf } from '../platform/db/database.js';
import { hasRecentAlert, raiseAlert } from './alerts.js';
import type { AuditEventRow, AuditTables } from './audit.tables.js';
import { readCursor, serialized, writeCursor } from './cursors.js';
import { identityHooks } from './hooks.js';
import { ruleSettings } from './settings.js';

const CURSOR = 'monitor';
const BATCH = 1000;
const MINUTE = 60_000;
/** Actions that hand document content to the actor. */
export const DOWNLOAD_ACTIONS = ['document.read', 'document.download', 'document.export', 'client.export'];

type Row = Pick<AuditEventRow, 'seq' | 'at' | 'actor_type' | 'actor_id' | 'action' | 'outcome' | 'reason' | 'client_id'>;

/** Processes every event after the cursor; safe to call any time (runs are serialized). */
export const runMonitor = serialized(async (services: AppServices) => {
  const rules = ruleSettings(services.config);
  const db = tablesOf<AuditTables>(services.database.db);
  let { position } = await readCursor(services, CURSOR);
  const leaving = new Map<string, boolean>();
  for (;;) {
    const rows: Row[] = (
      await db
        .selectFrom('audit_event')
        .select(['seq', 'at', 'actor_type', 'actor_id', 'action', 'outcome', 'reason', 'client_id'])
        .where('seq', '>', position)
        .orderBy('seq')
        .limit(BATCH)
        .execute()
    ).map((r) => ({ ...r, seq: Number(r.seq), at: Number(r.at) }));
    if (rows.length === 0) return;
    for (const row of rows) {
      if (row.actor_type === 'user' && row.actor_id) await evaluate(services, rules, row, leaving);
      position = row.seq;
    }
    await writeCursor(services, CURSOR, position);
  }
});

async function countSince(services: AppServices, actorId: string, since: number, until: number, narrow: 'denied' | 'downloads' | 'clients'): Promise<number> {
  const db = tablesOf<AuditTables>(services.database.db);
  const base = db.selectFrom('audit_event').where('actor_id', '=', actorId).where('at', '>=', since).where('at', '<=', until);
  if (narrow === 'clients') {
    const row = await base.where('client_id', 'is not', null).select(sql<number>`count(distinct client_id)`.as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }
  const filtered = narrow === 'denied' ? base.where('outcome', '=', 'denied') : base.where('action', 'in', DOWNLOAD_ACTIONS).where('outcome', '=', 'allowed');
  const row = await filtered.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function evaluate(services: AppServices, rules: ReturnType<typeof ruleSettings>, row: Row, leaving: Map<string, boolean>): Promise<void> {
  const actorId = row.actor_id!;
  const raise = async (rule: Parameters<typeof raiseAlert>[1]['rule'], windowMs: number, detail: Record<string, number | string>, contain: boolean, severity: 'warning' | 'critical') => {
    if (await hasRecentAlert(services, rule, actorId, services.clock.now() - windowMs)) return;
    await raiseAlert(services, { rule, actorId, severity, firstIndex: row.seq, lastIndex: row.seq, detail, contain });
  };

  // Immediate rules: one event is enough.
  const raiseNow = (rule: 'break_glass' | 'integrity_failure', contain: boolean, severity: 'warning' | 'critical') =>
    raiseAlert(services, { rule, actorId, severity, firstIndex: row.seq, lastIndex: row.seq, detail: { action: row.action }, contain });
  // One wall alert per person per 10 minutes: further probes count toward repeated_denials.
  if (rules.wall_crossing.enabled && row.outcome === 'denied' && row.reason === 'WALL') await raise('wall_crossing', 10 * MINUTE, { action: row.action }, rules.wall_crossing.contain, 'critical');
  if (rules.break_glass.enabled && row.outcome === 'allowed' && row.action === 'access.break_glass') await raiseNow('break_glass', rules.break_glass.contain, 'warning');
  if (rules.integrity_failure.enabled && row.action === 'document.integrity_failure') await raiseNow('integrity_failure', rules.integrity_failure.contain, 'critical');

  if (rules.after_leaving.enabled && row.outcome === 'allowed') {
    const hooks = identityHooks();
    if (hooks) {
      let isLeaving = leaving.get(actorId);
      if (isLeaving === undefined) {
        isLeaving = await hooks.isLeaving(actorId).catch(() => false);
        leaving.set(actorId, isLeaving);
      }
      if (isLeaving) await raise('after_leaving', 60 * MINUTE, { action: row.action }, rules.after_leaving.contain, 'critical');
    }
  }
  if (rules.out_of_hours.enabled) {
    const r = rules.out_of_hours;
    const local = new Date(row.at + r.utcOffsetMinutes * MINUTE);
    const hour = local.getUTCHours();
    const weekend = local.getUTCDay() === 0 || local.getUTCDay() === 6;
    if (hour < r.startHour || hour >= r.endHour || (r.weekends && weekend)) {
      await raise('out_of_hours', 8 * 60 * MINUTE, { hour, weekend: weekend ? 1 : 0 }, r.contain, 'warning');
    }
  }
  if (rules.repeated_denials.enabled && row.outcome === 'denied') {
    const r = rules.repeated_denials;
    const n = await countSince(services, actorId, row.at - r.windowMinutes * MINUTE, row.at, 'denied');
    if (n >= r.threshold) await raise('repeated_denials', r.windowMinutes * MINUTE, { denials: n, threshold: r.threshold, windowMinutes: r.windowMinutes }, r.contain, 'critical');
  }
  if (rules.bulk_download.enabled && row.outcome === 'allowed' && DOWNLOAD_ACTIONS.includes(row.action)) {
    const r = rules.bulk_download;
    const n = await countSince(services, actorId, row.at - r.windowMinutes * MINUTE, row.at, 'downloads');
    if (n >= r.threshold) await raise('bulk_download', r.windowMinutes * MINUTE, { documents: n, threshold: r.threshold, windowMinutes: r.windowMinutes }, r.contain, 'critical');
  }
  if (rules.many_clients.enabled && row.client_id) {
    const r = rules.many_clients;
    const n = await countSince(services, actorId, row.at - r.windowMinutes * MINUTE, row.at, 'clients');
    if (n >= r.threshold) await raise('many_clients', r.windowMinutes * MINUTE, { clients: n, threshold: r.threshold, windowMinutes: r.windowMinutes }, r.contain, 'warning');
  }
}
