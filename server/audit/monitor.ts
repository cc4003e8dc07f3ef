/**
 * Monitoring rules over the event stream, followed from a cursor by a periodic job (so a request
 * never waits for them). Thresholds come from `alertRules` in the configuration file.
 *
 * The counting rules (repeated denials, bulk download, many clients) keep a sliding window per
 * actor in memory for the length of a run: loaded once per actor and rule from the (actor_id, at)
 * index, then updated event by event. Counting the window again for every event was quadratic in
 * a busy actor's activity and, on SQLite, blocked the server for seconds at a time under load.
 */
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
  const windows = new Map<string, SlidingWindow>();
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
      if (row.actor_type === 'user' && row.actor_id) await evaluate(services, rules, row, leaving, windows);
      position = row.seq;
    }
    await writeCursor(services, CURSOR, position);
  }
});

type Narrow = 'denied' | 'downloads' | 'clients';

function matches(row: Pick<Row, 'action' | 'outcome' | 'client_id'>, narrow: Narrow): boolean {
  if (narrow === 'denied') return row.outcome === 'denied';
  if (narrow === 'downloads') return row.outcome === 'allowed' && DOWNLOAD_ACTIONS.includes(row.action);
  return row.client_id !== null;
}

/**
 * One actor's events of one kind within the last `windowMs` (by event time), in sequence order.
 * `size` counts events, or distinct clients for the many-clients rule.
 */
class SlidingWindow {
  private readonly times: number[] = [];
  private readonly clients: (string | null)[] = [];
  private head = 0;
  private readonly perClient = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly distinctClients: boolean,
  ) {}

  add(at: number, clientId: string | null): void {
    this.times.push(at);
    this.clients.push(clientId);
    if (clientId) this.perClient.set(clientId, (this.perClient.get(clientId) ?? 0) + 1);
  }

  /** Drops events older than the window ending at `now`; returns the count. */
  sizeAt(now: number): number {
    while (this.head < this.times.length && this.times[this.head]! < now - this.windowMs) {
      const clientId = this.clients[this.head];
      if (clientId) {
        const n = this.perClient.get(clientId)! - 1;
        if (n === 0) this.perClient.delete(clientId);
        else this.perClient.set(clientId, n);
      }
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.clients.splice(0, this.head);
      this.head = 0;
    }
    return this.distinctClients ? this.perClient.size : this.times.length - this.head;
  }
}

/**
 * The window for (actor, rule), loaded at the actor's first event in this run with the earlier
 * events still inside it; every later event of the run is added as it is processed.
 */
async function windowFor(services: AppServices, windows: Map<string, SlidingWindow>, row: Row, narrow: Narrow, windowMs: number): Promise<SlidingWindow> {
  const key = `${narrow}\u0000${row.actor_id!}`;
  let window = windows.get(key);
  if (!window) {
    window = new SlidingWindow(windowMs, narrow === 'clients');
    const db = tablesOf<AuditTables>(services.database.db);
    let query = db.selectFrom('audit_event').select(['at', 'client_id']).where('actor_id', '=', row.actor_id!).where('at', '>=', row.at - windowMs).where('seq', '<', row.seq);
    if (narrow === 'denied') query = query.where('outcome', '=', 'denied');
    else if (narrow === 'downloads') query = query.where('action', 'in', DOWNLOAD_ACTIONS).where('outcome', '=', 'allowed');
    else query = query.where('client_id', 'is not', null);
    for (const earlier of await query.orderBy('seq').execute()) window.add(Number(earlier.at), earlier.client_id);
    windows.set(key, window);
  }
  if (matches(row, narrow)) window.add(row.at, row.client_id);
  return window;
}

async function evaluate(services: AppServices, rules: ReturnType<typeof ruleSettings>, row: Row, leaving: Map<string, boolean>, windows: Map<string, SlidingWindow>): Promise<void> {
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
    const n = (await windowFor(services, windows, row, 'denied', r.windowMinutes * MINUTE)).sizeAt(row.at);
    if (n >= r.threshold) await raise('repeated_denials', r.windowMinutes * MINUTE, { denials: n, threshold: r.threshold, windowMinutes: r.windowMinutes }, r.contain, 'critical');
  }
  if (rules.bulk_download.enabled && row.outcome === 'allowed' && DOWNLOAD_ACTIONS.includes(row.action)) {
    const r = rules.bulk_download;
    const n = (await windowFor(services, windows, row, 'downloads', r.windowMinutes * MINUTE)).sizeAt(row.at);
    if (n >= r.threshold) await raise('bulk_download', r.windowMinutes * MINUTE, { documents: n, threshold: r.threshold, windowMinutes: r.windowMinutes }, r.contain, 'critical');
  }
  if (rules.many_clients.enabled && row.client_id) {
    const r = rules.many_clients;
    const n = (await windowFor(services, windows, row, 'clients', r.windowMinutes * MINUTE)).sizeAt(row.at);
    if (n >= r.threshold) await raise('many_clients', r.windowMinutes * MINUTE, { clients: n, threshold: r.threshold, windowMinutes: r.windowMinutes }, r.contain, 'warning');
  }
}
