/**
 * A client's own trail: who at the firm read or changed the client's data, from the log itself.
 * Each entry carries its index and leaf hash, so the client's browser checks its inclusion proof
 * against the signed checkpoint. The leaf bytes stay in the firm: they also hold the staff
 * member's address, device and session, which the client has no need of.
 */
import type { RequestContext } from '../platform/context.js';
import { findClientTrailRows } from './events.repository.js';

export interface ClientTrailEntry {
  index: number;
  at: number;
  actorId: string;
  action: string;
  matterId: string | null;
  documentId: string | null;
  leafHash: string;
}

/** Newest first, at most `limit`, below index `before` when given. The caller decided access to the client. */
export async function readClientTrail(ctx: RequestContext, clientId: string, options: { actions: readonly string[]; excludeActorIds: readonly string[]; limit: number; before?: number }): Promise<{ entries: ClientTrailEntry[]; next: number | null }> {
  const rows = await findClientTrailRows(ctx.db, clientId, options.actions, options.excludeActorIds, options.limit + 1, options.before);
  const page = rows.slice(0, options.limit);
  return {
    entries: page.map((r) => ({ index: Number(r.seq), at: Number(r.at), actorId: r.actor_id ?? '', action: r.action, matterId: r.matter_id, documentId: r.document_id, leafHash: Buffer.from(r.leaf_hash).toString('base64') })),
    next: rows.length > options.limit ? Number(page[page.length - 1]!.seq) : null,
  };
}
