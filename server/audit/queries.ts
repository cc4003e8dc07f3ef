/**
 * Reading the log: filtered event lists, "who accessed X", "did P access M between dates" (with
 * the checkpoint and inclusion proofs that make the answer checkable), and the breach scope
 * "everything actor A touched between T1 and T2". Each filter maps onto one (column, at) index.
 */
import { DATA_PERMISSIONS } from '../../common/permissions.js';
import type { RequestContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import type { AccessSummary, BreachScope as BreachScopeAnswer, PresentedEvent, ProvenEvent } from './audit.schemas.js';
import { createCheckpoint, type Checkpoint } from './checkpoints.js';
import { activityTargets, countByActor, distinctTargets, findLeafRows, type ActivityFilter, type EventFilter, type LeafRow } from './events.repository.js';
import { decodeLeaf } from './leaf.js';
import { readTreeHead, TreeReader } from './log.js';

export type { EventFilter } from './events.repository.js';
export type { AccessSummary, PresentedEvent, ProvenEvent } from './audit.schemas.js';
/** The breach scope as the log holds it (the route adds names). */
export type BreachScope = Omit<BreachScopeAnswer, 'names'>;

export function presentEvent(row: LeafRow): PresentedEvent {
  const leaf = Buffer.from(row.leaf);
  return { index: Number(row.seq), leaf: leaf.toString('base64'), leafHash: Buffer.from(row.leaf_hash).toString('base64'), event: decodeLeaf(leaf) };
}

/** Events matching `filter` in index order, at most `limit`; `next` is the cursor for the next page. */
export async function findEvents(ctx: RequestContext, filter: EventFilter, limit: number): Promise<{ events: PresentedEvent[]; next: number | null }> {
  const rows = await findLeafRows(ctx.db, filter, limit + 1);
  const page = rows.slice(0, limit).map(presentEvent);
  return { events: page, next: rows.length > limit ? Number(rows[limit]!.seq) : null };
}

/** "Who accessed this client / matter / document": one line per actor, with counts and dates. */
export async function whoAccessed(ctx: RequestContext, target: { clientId?: string; matterId?: string; documentId?: string }, range: { since?: number; until?: number }): Promise<AccessSummary[]> {
  return countByActor(ctx.db, { ...target, ...range }, 1000);
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
  const rows = await findLeafRows(ctx.db, { actorId: userId, matterId, since, until }, limit + 1);
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

/** Everything actor A touched between T1 and T2: distinct clients, matters, documents; event count. */
export async function breachScope(ctx: RequestContext, actorId: string, since: number, until: number): Promise<BreachScope> {
  if (since > until) throw new AppError('AUDIT_RANGE_INVALID', 'since must not be after until');
  // One range scan of the (actor_id, at) index, aggregated in SQL.
  const scope = await distinctTargets(ctx.db, { actorId, since, until }, 10_000);
  return { actorId, since, until, events: scope.events, clients: scope.clients, matters: scope.matters, documents: scope.documents, firstIndex: scope.first, lastIndex: scope.last };
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

/**
 * What the given actors, or requests from an address range, touched (allowed) in a window — the
 * scope of an incident. No access decision here: for the incidents module after its own
 * (`incident.manage`); ids and counts only. Throws AUDIT_RANGE_INVALID.
 */
export async function activityScope(ctx: RequestContext, filter: ActivityFilter): Promise<{ events: number; firstIndex: number | null; lastIndex: number | null; clients: string[]; matters: string[]; documents: string[] }> {
  if (filter.since > filter.until) throw new AppError('AUDIT_RANGE_INVALID', 'since must not be after until');
  const scope = await activityTargets(ctx.db, filter, 10_000);
  return { events: scope.events, firstIndex: scope.first, lastIndex: scope.last, clients: scope.clients, matters: scope.matters, documents: scope.documents };
}
