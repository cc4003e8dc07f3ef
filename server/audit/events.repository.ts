/**
 * SQL that reads events by their indexed columns: filtered pages, "who accessed", the rows of a
 * "did P access M" report, the breach scope, and the monitor's stream and sliding-window loads.
 * Each filter maps onto one (column, at) index.
 */
import type { SelectQueryBuilder } from 'kysely';
import { sql } from 'kysely';
import type { AnyDb } from '../platform/db/database.js';
import { tablesOf } from '../platform/db/database.js';
import type { AuditEventRow, AuditTables } from './audit.tables.js';

export interface EventFilter {
  /** Events with index ≥ from (cursor paging). */
  from?: number;
  actorId?: string;
  clientId?: string;
  matterId?: string;
  documentId?: string;
  action?: string;
  outcome?: 'allowed' | 'denied';
  /** Time range, epoch ms, inclusive. */
  since?: number;
  until?: number;
}

export type LeafRow = Pick<AuditEventRow, 'seq' | 'leaf' | 'leaf_hash'>;
type EventQuery = SelectQueryBuilder<AuditTables, 'audit_event', object>;

function applyFilter(query: EventQuery, filter: EventFilter): EventQuery {
  let q = query;
  if (filter.from !== undefined) q = q.where('seq', '>=', filter.from);
  if (filter.actorId !== undefined) q = q.where('actor_id', '=', filter.actorId);
  if (filter.clientId !== undefined) q = q.where('client_id', '=', filter.clientId);
  if (filter.matterId !== undefined) q = q.where('matter_id', '=', filter.matterId);
  if (filter.documentId !== undefined) q = q.where('document_id', '=', filter.documentId);
  if (filter.action !== undefined) q = q.where('action', '=', filter.action);
  if (filter.outcome !== undefined) q = q.where('outcome', '=', filter.outcome);
  if (filter.since !== undefined) q = q.where('at', '>=', filter.since);
  if (filter.until !== undefined) q = q.where('at', '<=', filter.until);
  return q;
}

function matching(db: AnyDb, filter: EventFilter): EventQuery {
  return applyFilter(tablesOf<AuditTables>(db).selectFrom('audit_event'), filter);
}

/** Events matching `filter` in index order: index, leaf bytes, leaf hash; at most `limit`. */
export async function findLeafRows(db: AnyDb, filter: EventFilter, limit: number): Promise<LeafRow[]> {
  return matching(db, filter).select(['seq', 'leaf', 'leaf_hash']).orderBy('seq').limit(limit).execute();
}

/**
 * Allowed events about one client by people (not jobs), of the given actions, newest first, below
 * `before` when given: a client's "who handled my data" page.
 */
export async function findClientTrailRows(db: AnyDb, clientId: string, actions: readonly string[], excludeActorIds: readonly string[], limit: number, before?: number): Promise<(LeafRow & Pick<AuditEventRow, 'at' | 'actor_id' | 'action' | 'matter_id' | 'document_id'>)[]> {
  let q = tablesOf<AuditTables>(db).selectFrom('audit_event').select(['seq', 'leaf', 'leaf_hash', 'at', 'actor_id', 'action', 'matter_id', 'document_id']).where('client_id', '=', clientId).where('outcome', '=', 'allowed').where('actor_type', '=', 'user').where('action', 'in', [...actions]);
  if (excludeActorIds.length > 0) q = q.where('actor_id', 'not in', [...excludeActorIds]);
  if (before !== undefined) q = q.where('seq', '<', before);
  return q.orderBy('seq', 'desc').limit(limit).execute();
}

export interface ActorCounts {
  actorId: string | null;
  actorType: string;
  allowed: number;
  denied: number;
  firstAt: number;
  lastAt: number;
}

/** Per actor: allowed and denied counts, first and last time (one grouped scan), latest first. */
export async function countByActor(db: AnyDb, filter: EventFilter, limit: number): Promise<ActorCounts[]> {
  const rows = await matching(db, filter)
    .select([
      'actor_id',
      'actor_type',
      sql<number>`sum(case when outcome = 'allowed' then 1 else 0 end)`.as('allowed'),
      sql<number>`sum(case when outcome = 'denied' then 1 else 0 end)`.as('denied'),
      sql<number>`min(at)`.as('first_at'),
      sql<number>`max(at)`.as('last_at'),
    ])
    .groupBy(['actor_id', 'actor_type'])
    .orderBy('last_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ actorId: r.actor_id, actorType: r.actor_type, allowed: Number(r.allowed), denied: Number(r.denied), firstAt: Number(r.first_at), lastAt: Number(r.last_at) }));
}

export interface ScopeRows {
  events: number;
  first: number | null;
  last: number | null;
  clients: string[];
  matters: string[];
  documents: string[];
}

/** Distinct clients, matters and documents of the matching events (at most `limit` each), their count and index range. */
export async function distinctTargets(db: AnyDb, filter: EventFilter, limit: number): Promise<ScopeRows> {
  const base = () => matching(db, filter);
  const [totals, clients, matters, documents] = await Promise.all([
    base().select([sql<number>`count(*)`.as('n'), sql<number>`min(seq)`.as('first'), sql<number>`max(seq)`.as('last')]).executeTakeFirstOrThrow(),
    base().where('client_id', 'is not', null).select('client_id').distinct().orderBy('client_id').limit(limit).execute(),
    base().where('matter_id', 'is not', null).select('matter_id').distinct().orderBy('matter_id').limit(limit).execute(),
    base().where('document_id', 'is not', null).select('document_id').distinct().orderBy('document_id').limit(limit).execute(),
  ]);
  return {
    events: Number(totals.n),
    first: totals.first === null ? null : Number(totals.first),
    last: totals.last === null ? null : Number(totals.last),
    clients: clients.map((r) => r.client_id!),
    matters: matters.map((r) => r.matter_id!),
    documents: documents.map((r) => r.document_id!),
  };
}

/** The client, matter and document named by the events at these indexes (alerts show what raised them). */
export async function findEventTargets(db: AnyDb, seqs: number[]): Promise<Map<number, { clientId: string | null; matterId: string | null; documentId: string | null }>> {
  const targets = new Map<number, { clientId: string | null; matterId: string | null; documentId: string | null }>();
  const wanted = [...new Set(seqs)];
  if (wanted.length === 0) return targets;
  const rows = await tablesOf<AuditTables>(db).selectFrom('audit_event').select(['seq', 'client_id', 'matter_id', 'document_id']).where('seq', 'in', wanted).execute();
  for (const r of rows) targets.set(Number(r.seq), { clientId: r.client_id, matterId: r.matter_id, documentId: r.document_id });
  return targets;
}

/** What the monitoring rules read of each event. */
export type MonitorRow = Pick<AuditEventRow, 'seq' | 'at' | 'actor_type' | 'actor_id' | 'action' | 'outcome' | 'reason' | 'client_id' | 'other_type' | 'other_id'>;
const MONITOR_COLUMNS = ['seq', 'at', 'actor_type', 'actor_id', 'action', 'outcome', 'reason', 'client_id', 'other_type', 'other_id'] as const;

/** The next `limit` events after `after`, in index order. */
export async function readMonitorRows(db: AnyDb, after: number, limit: number): Promise<MonitorRow[]> {
  const rows = await tablesOf<AuditTables>(db).selectFrom('audit_event').select(MONITOR_COLUMNS).where('seq', '>', after).orderBy('seq').limit(limit).execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq), at: Number(r.at) }));
}

export type WindowRow = Pick<AuditEventRow, 'at' | 'action' | 'outcome' | 'client_id' | 'other_type' | 'other_id'>;

/**
 * One actor's earlier events still inside a sliding window (before index `beforeSeq`, at or after
 * `since`), narrowed to what the rule counts: denials, documents handed over, or events naming a client.
 */
export async function readWindowRows(db: AnyDb, actorId: string, since: number, beforeSeq: number, narrow: { kind: 'denied' } | { kind: 'downloads'; actions: readonly string[] } | { kind: 'clients' }): Promise<WindowRow[]> {
  let query = tablesOf<AuditTables>(db)
    .selectFrom('audit_event')
    .select(['at', 'action', 'outcome', 'client_id', 'other_type', 'other_id'])
    .where('actor_id', '=', actorId)
    .where('at', '>=', since)
    .where('seq', '<', beforeSeq);
  if (narrow.kind === 'denied') query = query.where('outcome', '=', 'denied');
  else if (narrow.kind === 'downloads') query = query.where('action', 'in', [...narrow.actions]).where('outcome', '=', 'allowed');
  else query = query.where('client_id', 'is not', null);
  return (await query.orderBy('seq').execute()).map((r) => ({ ...r, at: Number(r.at) }));
}

/**
 * Runs `work` only while holding a PostgreSQL session advisory lock (on one pinned connection);
 * skips it, resolving false, when another node holds the lock.
 */
export async function withAdvisoryLock(db: AnyDb, key: string, work: () => Promise<void>): Promise<boolean> {
  return db.connection().execute(async (connection) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${key}::bigint) as locked`.execute(connection);
    if (!rows[0]?.locked) return false;
    try {
      await work();
    } finally {
      await sql`select pg_advisory_unlock(${key}::bigint)`.execute(connection);
    }
    return true;
  });
}

/** Who or where to look for in an incident's window: actors, and an address or an address prefix (`10.1.2.`). */
export interface ActivityFilter {
  actorIds: string[];
  /** An exact address, or an IPv4 prefix ending in `.` (from an octet-aligned range). */
  ipPrefix: string | null;
  since: number;
  until: number;
}

/**
 * Every client, matter and document the given actors (or requests from the given addresses)
 * touched, allowed, in the window: one indexed range scan per actor (`actor_id, at`), and one of
 * the window (`at`) for an address range; at most `limit` ids of each kind per scan.
 */
export async function activityTargets(db: AnyDb, filter: ActivityFilter, limit: number): Promise<ScopeRows> {
  const scans: ScopeRows[] = [];
  for (const actorId of filter.actorIds) scans.push(await distinctTargets(db, { actorId, outcome: 'allowed', since: filter.since, until: filter.until }, limit));
  if (filter.ipPrefix !== null) {
    const prefix = filter.ipPrefix;
    const byIp = (q: EventQuery) => (prefix.endsWith('.') ? q.where('ip', 'like', `${prefix.replace(/[%_\\]/g, '')}%`) : q.where('ip', '=', prefix));
    const base = () => byIp(matching(db, { outcome: 'allowed', since: filter.since, until: filter.until }));
    const [totals, clients, matters, documents] = await Promise.all([
      base().select([sql<number>`count(*)`.as('n'), sql<number>`min(seq)`.as('first'), sql<number>`max(seq)`.as('last')]).executeTakeFirstOrThrow(),
      base().where('client_id', 'is not', null).select('client_id').distinct().orderBy('client_id').limit(limit).execute(),
      base().where('matter_id', 'is not', null).select('matter_id').distinct().orderBy('matter_id').limit(limit).execute(),
      base().where('document_id', 'is not', null).select('document_id').distinct().orderBy('document_id').limit(limit).execute(),
    ]);
    scans.push({ events: Number(totals.n), first: totals.first === null ? null : Number(totals.first), last: totals.last === null ? null : Number(totals.last), clients: clients.map((r) => r.client_id!), matters: matters.map((r) => r.matter_id!), documents: documents.map((r) => r.document_id!) });
  }
  const union = (key: 'clients' | 'matters' | 'documents') => [...new Set(scans.flatMap((s) => s[key]))].sort();
  const firsts = scans.flatMap((s) => (s.first === null ? [] : [s.first]));
  const lasts = scans.flatMap((s) => (s.last === null ? [] : [s.last]));
  return { events: scans.reduce((n, s) => n + s.events, 0), first: firsts.length ? Math.min(...firsts) : null, last: lasts.length ? Math.max(...lasts) : null, clients: union('clients'), matters: union('matters'), documents: union('documents') };
}
