/**
 * Monitoring rules over the event stream, followed from a cursor by a frequent background job
 * (`audit.monitorIntervalSeconds`, 1 s by default), so a request never waits for them and a
 * "contain" rule acts within seconds, not minutes. Thresholds come from `alertRules` in the
 * configuration file.
 *
 * The counting rules (repeated denials, bulk download, many clients) keep a sliding window per
 * actor in memory: loaded once per actor and rule from the (actor_id, at) index, then updated event
 * by event, and kept from one run to the next while this node's state matches the stored cursor
 * (so a run every second costs the new events only, not a reload of every busy actor's window).
 * Counting the window again for every event was quadratic in a busy actor's activity and, on
 * SQLite, blocked the server for seconds at a time under load.
 *
 * On PostgreSQL several nodes may run the job at once: a session advisory lock lets one of them
 * run the rules and the others skip, so an event never raises its alert twice.
 */
import type { AppServices } from '../platform/context.js';
import { hasRecentAlert, raiseAlert } from './alerts.js';
import { readCursor, writeCursor } from './cursors.js';
import { readMonitorRows, readWindowRows, withAdvisoryLock, type MonitorRow } from './events.repository.js';
import { identityHooks } from './hooks.js';
import { ruleSettings } from './settings.js';

export const MONITOR_CURSOR = 'monitor';
/** Events per query and per cursor write: bounded, so a run after a burst never holds much memory. */
const BATCH = 1000;
const MINUTE = 60_000;
/** Any fixed 64-bit number that no other advisory lock of the product uses ("cnfd" + "mon"). */
const POSTGRES_LOCK_KEY = '7164779133415246';
/** Actions that hand document content to the actor. */
export const DOWNLOAD_ACTIONS = ['document.read', 'document.download', 'document.export', 'client.export'];
/** The `other` type with which vault's export event records how many documents it holds. */
export const EXPORT_DOCUMENTS_TYPE = 'export_documents';

type Row = MonitorRow;

/**
 * How many documents an event handed to the actor, for the bulk-download rule: one per document
 * read or download; a whole-client export as many as it contained (vault's `client.export` event
 * carries `other: { type: 'export_documents', id: '<count>' }`). A `client.export` without a count
 * (the access decision that precedes the archive) counts one, so an export counts its documents
 * plus one: never fewer than it handed over.
 */
export function documentsHandedOver(row: Pick<Row, 'action' | 'outcome' | 'other_type' | 'other_id'>): number {
  if (row.outcome !== 'allowed' || !DOWNLOAD_ACTIONS.includes(row.action)) return 0;
  if (row.action === 'client.export' && row.other_type === EXPORT_DOCUMENTS_TYPE && row.other_id !== null && /^\d{1,9}$/.test(row.other_id)) return Number(row.other_id);
  return 1;
}

/** What this node remembers between runs: valid only while the stored cursor is where it left it. */
interface MonitorState {
  position: number;
  windows: Map<string, SlidingWindow>;
}
const states = new WeakMap<AppServices, MonitorState>();

/**
 * Processes every event after the cursor; safe to call any time and from any node. Runs are
 * serialized per services instance, and calls made while one runs share the next run (the queue
 * never grows when the job fires faster than a run takes).
 */
export const runMonitor = coalesced(async (services: AppServices) => {
  await withNodeLock(services, async () => {
    const rules = ruleSettings(services.config);
    const stored = (await readCursor(services, MONITOR_CURSOR)).position;
    let state = states.get(services);
    // Another node (or a restore) moved the cursor: windows built here may miss events, start afresh.
    if (!state || state.position !== stored) state = { position: stored, windows: new Map() };
    states.delete(services);
    const leaving = new Map<string, boolean>();
    let position = stored;
    let latestAt = 0;
    for (;;) {
      const rows = await readMonitorRows(services.database.db, position, BATCH);
      if (rows.length === 0) break;
      for (const row of rows) {
        if (row.actor_type === 'user' && row.actor_id) await evaluate(services, rules, row, leaving, state.windows);
        position = row.seq;
        latestAt = Math.max(latestAt, row.at);
      }
      await writeCursor(services, MONITOR_CURSOR, position);
      state.position = position;
    }
    // Kept only after a complete run (a failure mid-batch leaves windows ahead of the cursor).
    if (latestAt > 0) dropIdleWindows(state.windows, latestAt);
    states.set(services, state);
  });
});

/**
 * At most one run in progress and one waiting per services instance: a call made while one runs
 * joins the waiting one (which starts after it and so sees every event appended before the call).
 */
function coalesced(fn: (services: AppServices) => Promise<void>): (services: AppServices) => Promise<void> {
  const slots = new WeakMap<AppServices, { running: Promise<void> | null; waiting: Promise<void> | null }>();
  const start = (services: AppServices, slot: { running: Promise<void> | null }) => {
    const run: Promise<void> = fn(services).finally(() => {
      if (slot.running === run) slot.running = null;
    });
    slot.running = run;
    return run;
  };
  return (services) => {
    let slot = slots.get(services);
    if (!slot) slots.set(services, (slot = { running: null, waiting: null }));
    if (slot.waiting) return slot.waiting;
    if (!slot.running) return start(services, slot);
    const current = slot;
    const waiting = current
      .running!.catch(() => undefined)
      .then(() => {
        current.waiting = null;
        return start(services, current);
      });
    current.waiting = waiting;
    return waiting;
  };
}

/**
 * On PostgreSQL, runs `work` only while holding the monitor's session advisory lock (on one pinned
 * connection), and skips it when another node holds it. SQLite has one node.
 */
async function withNodeLock(services: AppServices, work: () => Promise<void>): Promise<void> {
  if (services.database.kind !== 'postgres') return work();
  await withAdvisoryLock(services.database.db, POSTGRES_LOCK_KEY, work);
}

type Narrow = 'denied' | 'downloads' | 'clients';

/** How much the event adds to the window: 1 or 0, or the documents handed over for downloads. */
function weightOf(row: Pick<Row, 'action' | 'outcome' | 'client_id' | 'other_type' | 'other_id'>, narrow: Narrow): number {
  if (narrow === 'denied') return row.outcome === 'denied' ? 1 : 0;
  if (narrow === 'downloads') return documentsHandedOver(row);
  return row.client_id !== null ? 1 : 0;
}

function dropIdleWindows(windows: Map<string, SlidingWindow>, now: number): void {
  for (const [key, window] of windows) if (window.sizeAt(now) === 0) windows.delete(key);
}

/**
 * One actor's events of one kind within the last `windowMs` (by event time), in sequence order.
 * `size` sums the events' weights (documents handed over, for downloads), or counts distinct
 * clients for the many-clients rule.
 */
class SlidingWindow {
  private readonly times: number[] = [];
  private readonly clients: (string | null)[] = [];
  private readonly weights: number[] = [];
  private head = 0;
  private total = 0;
  private readonly perClient = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly distinctClients: boolean,
  ) {}

  add(at: number, clientId: string | null, weight: number): void {
    this.times.push(at);
    this.clients.push(clientId);
    this.weights.push(weight);
    this.total += weight;
    if (clientId) this.perClient.set(clientId, (this.perClient.get(clientId) ?? 0) + 1);
  }

  /** Drops events older than the window ending at `now`; returns the size. */
  sizeAt(now: number): number {
    while (this.head < this.times.length && this.times[this.head]! < now - this.windowMs) {
      const clientId = this.clients[this.head];
      if (clientId) {
        const n = this.perClient.get(clientId)! - 1;
        if (n === 0) this.perClient.delete(clientId);
        else this.perClient.set(clientId, n);
      }
      this.total -= this.weights[this.head]!;
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.clients.splice(0, this.head);
      this.weights.splice(0, this.head);
      this.head = 0;
    }
    return this.distinctClients ? this.perClient.size : this.total;
  }
}

/**
 * The window for (actor, rule), loaded at the actor's first event seen by this node's state with
 * the earlier events still inside it; every later event is added as it is processed.
 */
async function windowFor(services: AppServices, windows: Map<string, SlidingWindow>, row: Row, narrow: Narrow, windowMs: number): Promise<SlidingWindow> {
  // The window length is part of the key: a changed threshold window starts a fresh one.
  const key = `${narrow}\u0000${windowMs}\u0000${row.actor_id!}`;
  let window = windows.get(key);
  if (!window) {
    window = new SlidingWindow(windowMs, narrow === 'clients');
    const earlier = await readWindowRows(services.database.db, row.actor_id!, row.at - windowMs, row.seq, narrow === 'downloads' ? { kind: 'downloads', actions: DOWNLOAD_ACTIONS } : { kind: narrow });
    for (const e of earlier) window.add(e.at, e.client_id, weightOf(e, narrow));
    windows.set(key, window);
  }
  const weight = weightOf(row, narrow);
  if (weight > 0) window.add(row.at, row.client_id, weight);
  return window;
}

async function evaluate(services: AppServices, rules: ReturnType<typeof ruleSettings>, row: Row, leaving: Map<string, boolean>, windows: Map<string, SlidingWindow>): Promise<void> {
  const actorId = row.actor_id!;
  const raise = async (rule: Parameters<typeof raiseAlert>[1]['rule'], windowMs: number, detail: Record<string, number | string>, contain: boolean, severity: 'warning' | 'critical') => {
    if (await hasRecentAlert(services, rule, actorId, services.clock.now() - windowMs)) return;
    await raiseAlert(services, {
      rule,
      actorId,
      severity,
      firstIndex: row.seq,
      lastIndex: row.seq,
      detail,
      contain,
    });
  };

  // Immediate rules: one event is enough.
  const raiseNow = (rule: 'break_glass' | 'integrity_failure', contain: boolean, severity: 'warning' | 'critical') =>
    raiseAlert(services, {
      rule,
      actorId,
      severity,
      firstIndex: row.seq,
      lastIndex: row.seq,
      detail: { action: row.action },
      contain,
    });
  // One wall alert per person per 10 minutes: further probes count toward repeated_denials.
  if (rules.wall_crossing.enabled && row.outcome === 'denied' && row.reason === 'WALL') await raise('wall_crossing', 10 * MINUTE, { action: row.action }, rules.wall_crossing.contain, 'critical');
  if (rules.break_glass.enabled && row.outcome === 'allowed' && row.action === 'access.break_glass') await raiseNow('break_glass', rules.break_glass.contain, 'warning');
  if (rules.integrity_failure.enabled && row.action === 'document.integrity_failure') await raiseNow('integrity_failure', rules.integrity_failure.contain, 'critical');

  if (rules.after_leaving.enabled && row.outcome === 'allowed') {
    const hooks = identityHooks(services);
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
    if (n >= r.threshold)
      await raise(
        'bulk_download',
        r.windowMinutes * MINUTE,
        {
          documents: n,
          threshold: r.threshold,
          windowMinutes: r.windowMinutes,
        },
        r.contain,
        'critical',
      );
  }
  if (rules.many_clients.enabled && row.client_id) {
    const r = rules.many_clients;
    const n = (await windowFor(services, windows, row, 'clients', r.windowMinutes * MINUTE)).sizeAt(row.at);
    if (n >= r.threshold) await raise('many_clients', r.windowMinutes * MINUTE, { clients: n, threshold: r.threshold, windowMinutes: r.windowMinutes }, r.contain, 'warning');
  }
}
