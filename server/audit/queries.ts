/**
 * Reading the log: filtered event lists, "who accessed X", "did P access M between dates" (with
 * the checkpoint and inclusion proofs that make the answer checkable), and the breach scope
 * "everything actor A touched between T1 and T2". Each filter maps onto one (column, at) index.
 */
import { DATA_PERMISSIONS } from '../../common/permissions.js';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { sql } from 'kysely';
import type { RequestContext } from '../platform/context.js';
import { tablesOf } from '../platform/db/database.js';
import { AppError } from '../platform/errors.js';
import type { AuditEventRow, AuditTables } from './audit.tables.js';
import { createCheckpoint, type Checkpoint } from './checkpoints.js';
import { decodeLeaf, type AuditLeaf } from './leaf.js';
import { readTreeHead, TreeReader } from './log.js';

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

export interface PresentedEvent {
  index: number;
  /** The exact canonical leaf bytes, base64. */
  leaf: string;
  /** SHA-256(0x00 || leaf), base64. */
  leafHash: string;
  event: AuditLeaf;
}

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

export function presentEvent(row: Pick<AuditEventRow, 'seq' | 'leaf' | 'leaf_hash'>): PresentedEvent {
  const leaf = Buffer.from(row.leaf);
  return { index: Number(row.seq), leaf: leaf.toString('base64'), leafHash: Buffer.from(row.leaf_hash).toString('base64'), event: decodeLeaf(leaf) };
}

function events(ctx: RequestContext): Kysely<AuditTables> {
  return tablesOf<AuditTables>(ctx.db);
}

/** Events matching `filter` in index order, at most `limit`; `next` is the cursor for the next page. */
export async function findEvents(ctx: RequestContext, filter: EventFilter, limit: number): Promise<{ events: PresentedEvent[]; next: number | null }> {
  const rows = await applyFilter(events(ctx).selectFrom('audit_event'), filter)
    .select(['seq', 'leaf', 'leaf_hash'])
    .orderBy('seq')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit).map(presentEvent);
  return { events: page, next: rows.length > limit ? Number(rows[limit]!.seq) : null };
}

export interface AccessSummary {
  actorId: string | null;
  actorType: string;
  allowed: number;
  denied: number;
  firstAt: number;
  lastAt: number;
}

/** "Who accessed this client / matter / document": one line per actor, with counts and dates. */
export async function whoAccessed(ctx: RequestContext, target: { clientId?: string; matterId?: string; documentId?: string }, range: { since?: number; until?: number }): Promise<AccessSummary[]> {
  const rows = await applyFilter(events(ctx).selectFrom('audit_event'), { ...target, ...range })
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
    .limit(1000)
    .execute();
  return rows.map((r) => ({ actorId: r.actor_id, actorType: r.actor_type, allowed: Number(r.allowed), denied: Number(r.denied), firstAt: Number(r.first_at), lastAt: Number(r.last_at) }));
}

export interface ProvenEvent extends PresentedEvent {
  /** Inclusion proof of this leaf in the cited checkpoint's tree, base64 hashes. */
  inclusionProof: string[];
}

export interface PersonMatterReport {
  userId: string;
  matterId: string;
  since: number;
  until: number;
  accessed: boolean;
  events: ProvenEvent[];
  /** The signed checkpoint the proofs lead to. */
  checkpoint: { size: number; root: string; note: string };
  truncated: boolean;
}

/**
 * "Did person P access matter M between these dates": the matching events, each with an
 * inclusion proof into a signed checkpoint (made now if none covers them), so the answer can be
 * checked without trusting us. An empty answer is backed by the same checkpoint.
 */
export async function personMatterReport(ctx: RequestContext, userId: string, matterId: string, since: number, until: number): Promise<PersonMatterReport> {
  if (since > until) throw new AppError('AUDIT_RANGE_INVALID', 'since must not be after until');
  const limit = 200;
  const rows = await applyFilter(events(ctx).selectFrom('audit_event'), { actorId: userId, matterId, since, until })
    .select(['seq', 'leaf', 'leaf_hash'])
    .orderBy('seq')
    .limit(limit + 1)
    .execute();
  const checkpoint: Checkpoint = await createCheckpoint(ctx.app);
  const reader = new TreeReader(ctx.db);
  const proven: ProvenEvent[] = [];
  for (const row of rows.slice(0, limit)) {
    const index = Number(row.seq);
    if (index >= checkpoint.size) break;
    proven.push({ ...presentEvent(row), inclusionProof: (await reader.inclusionProof(index, checkpoint.size)).map((h) => h.toString('base64')) });
  }
  return {
    userId,
    matterId,
    since,
    until,
    // Only real reads and writes count: not a decision query, a request to join or an acknowledgement.
    accessed: proven.some((e) => e.event.outcome === 'allowed' && (DATA_PERMISSIONS as readonly string[]).includes(e.event.action)),
    events: proven,
    checkpoint: { size: checkpoint.size, root: checkpoint.root.toString('base64'), note: checkpoint.note },
    truncated: rows.length > limit,
  };
}

export interface BreachScope {
  actorId: string;
  since: number;
  until: number;
  events: number;
  clients: string[];
  matters: string[];
  documents: string[];
  firstIndex: number | null;
  lastIndex: number | null;
}

/** Everything actor A touched between T1 and T2: distinct clients, matters, documents; event count. */
export async function breachScope(ctx: RequestContext, actorId: string, since: number, until: number): Promise<BreachScope> {
  if (since > until) throw new AppError('AUDIT_RANGE_INVALID', 'since must not be after until');
  // One range scan of the (actor_id, at) index, aggregated in SQL.
  const base = () => applyFilter(events(ctx).selectFrom('audit_event'), { actorId, since, until });
  const [totals, clients, matters, documents] = await Promise.all([
    base().select([sql<number>`count(*)`.as('n'), sql<number>`min(seq)`.as('first'), sql<number>`max(seq)`.as('last')]).executeTakeFirstOrThrow(),
    base().where('client_id', 'is not', null).select('client_id').distinct().orderBy('client_id').limit(10_000).execute(),
    base().where('matter_id', 'is not', null).select('matter_id').distinct().orderBy('matter_id').limit(10_000).execute(),
    base().where('document_id', 'is not', null).select('document_id').distinct().orderBy('document_id').limit(10_000).execute(),
  ]);
  return {
    actorId,
    since,
    until,
    events: Number(totals.n),
    clients: clients.map((r) => r.client_id!),
    matters: matters.map((r) => r.matter_id!),
    documents: documents.map((r) => r.document_id!),
    firstIndex: totals.first === null ? null : Number(totals.first),
    lastIndex: totals.last === null ? null : Number(totals.last),
  };
}

/** Inclusion proof for `index` in the tree of `treeSize` (default: current). Throws AUDIT_RANGE_INVALID. */
export async function inclusionProof(ctx: RequestContext, index: number, treeSize?: number): Promise<{ index: number; treeSize: number; leafHash: string; rootHash: string; proof: string[] }> {
  const head = await readTreeHead(ctx.db);
  const size = treeSize ?? head.size;
  if (size > head.size) throw new AppError('AUDIT_RANGE_INVALID', 'treeSize is larger than the log');
  if (index >= size) throw new AppError('AUDIT_RANGE_INVALID', 'index must be below treeSize');
  const reader = new TreeReader(ctx.db);
  const proof = await reader.inclusionProof(index, size);
  const root = size === head.size ? head.root : await reader.rootAt(size);
  return { index, treeSize: size, leafHash: (await reader.leafHash(index)).toString('base64'), rootHash: root.toString('base64'), proof: proof.map((h) => h.toString('base64')) };
}

/** Consistency proof between tree sizes. Throws AUDIT_RANGE_INVALID. */
export async function consistencyProof(ctx: RequestContext, from: number, to?: number): Promise<{ from: number; to: number; fromRoot: string; toRoot: string; proof: string[] }> {
  const head = await readTreeHead(ctx.db);
  const second = to ?? head.size;
  if (second > head.size) throw new AppError('AUDIT_RANGE_INVALID', 'to is larger than the log');
  if (from < 1 || from > second) throw new AppError('AUDIT_RANGE_INVALID', 'from must be between 1 and to');
  const reader = new TreeReader(ctx.db);
  const proof = await reader.consistencyProof(from, second);
  const toRoot = second === head.size ? head.root : await reader.rootAt(second);
  return { from, to: second, fromRoot: (await reader.rootAt(from)).toString('base64'), toRoot: toRoot.toString('base64'), proof: proof.map((h) => h.toString('base64')) };
}
