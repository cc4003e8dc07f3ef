/** Access requests: a person asks to join a matter with a reason; a lead attorney approves or refuses. */
import type { MatterId } from '../../common/ids.js';
import type { MatterRole } from '../../common/roles.js';
import { inTransaction, type RequestContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { AccessRequestStatus, AccessTables } from './access.tables.js';
import { clientOfMatter, db, firmFacts } from './facts.js';
import { wallsCovering } from './decide.js';
import { requireAccess, scopeFor } from './choke-point.js';
import { namesOf, upsertTeamMember } from './team.service.js';
import { openText, sealText } from './sealing.js';
import { actorId, audit, auditedRefusal, notifyCompliance, staffActor } from './support.js';

export interface AccessRequestView {
  id: string;
  matterId: string;
  userId: string;
  name: string | null;
  role: MatterRole;
  reason: string;
  /** As the requester and deciders see it: a withheld request shows as pending. */
  status: Exclude<AccessRequestStatus, 'withheld'>;
  requestedAt: number;
  decidedAt: number | null;
  decidedBy: string | null;
  expiresAt: number | null;
}

type Row = AccessTables['access_requests'];

/**
 * Files a request to join a matter. The answer is the same whether the matter exists, does not,
 * or screens the person (so a request is no way to learn that a matter exists): an unknown or
 * screened matter gets a request that is kept but can never be decided ("withheld", shown to its
 * requester as pending); the screened attempt is audited as denied and compliance is told.
 * Firm administrators hold no client data and may not ask (VALIDATION_FAILED is not used: they
 * get ACCESS_DENIED, audited).
 */
export async function createAccessRequest(ctx: RequestContext, input: { matterId: string; role: MatterRole; reason: string }): Promise<AccessRequestView> {
  const actor = staffActor(ctx);
  return inTransaction(ctx, async (tx) => {
    if (actor.role === 'firm_admin') {
      throw await auditedRefusal(tx, new AppError('ACCESS_DENIED', 'Not found'), { action: 'access.request.create', reason: 'FIRM_ROLE', resources: { matterId: input.matterId } });
    }
    const clientId = await clientOfMatter(tx, input.matterId);
    const screenedBy = clientId ? wallsCovering(await firmFacts(tx), clientId, input.matterId as MatterId).find((w) => w.kind === 'exclusionary' && w.members.has(actor.userId)) : undefined;
    const withheld = !clientId || screenedBy !== undefined;
    const id = newId();
    await db(tx)
      .insertInto('access_requests')
      .values({
        id,
        matter_id: input.matterId,
        client_id: withheld ? '' : clientId,
        user_id: actor.userId,
        role: input.role,
        reason: await sealText(tx, 'access_requests', id, 'reason', input.reason),
        status: withheld ? 'withheld' : 'pending',
        requested_at: tx.app.clock.now(),
        decided_at: null,
        decided_by: null,
        expires_at: null,
      })
      .execute();
    if (withheld) {
      await audit(tx, {
        action: 'access.request.create',
        outcome: 'denied',
        reason: screenedBy ? 'WALL' : 'NOT_FOUND',
        resources: { matterId: input.matterId, ...(screenedBy ? { clientId: clientId!, other: { type: 'wall', id: screenedBy.id } } : { other: { type: 'access_request', id } }) },
      });
      if (screenedBy) notifyCompliance(tx, 'Ethical wall: access request by a screened person', [`User ${actor.userId} asked to join matter ${input.matterId}, behind wall ${screenedBy.id}.`]);
    } else {
      await audit(tx, { action: 'access.request.create', resources: { matterId: input.matterId, clientId: clientId, other: { type: 'access_request', id } } });
    }
    return (await views(tx, [await row(tx, id)]))[0]!;
  });
}

/** The actor's own requests, or (`toDecide`) pending requests on matters they may decide for. */
export async function listAccessRequests(ctx: RequestContext, filter: { toDecide: boolean }): Promise<AccessRequestView[]> {
  const actor = staffActor(ctx);
  let query = db(ctx).selectFrom('access_requests').selectAll().orderBy('requested_at', 'desc').limit(500);
  if (filter.toDecide) {
    query = (await scopeFor(ctx, 'access.request.decide')).apply(query.where('status', '=', 'pending'), 'matter_id', 'matter');
  } else {
    query = query.where('user_id', '=', actor.userId);
  }
  return views(ctx, await query.execute());
}

/**
 * Approves (joining the requester to the team, optionally until `expiresAt`) or refuses a pending
 * request. Throws ACCESS_REQUEST_NOT_FOUND (also when the actor may not decide it), CONFLICT.
 */
export async function decideAccessRequest(ctx: RequestContext, requestId: string, input: { decision: 'approve' | 'refuse'; expiresAt?: number | null | undefined }): Promise<AccessRequestView> {
  return inTransaction(ctx, async (tx) => {
    const request = await db(tx).selectFrom('access_requests').selectAll().where('id', '=', requestId).executeTakeFirst();
    if (!request) throw new AppError('ACCESS_REQUEST_NOT_FOUND');
    await requireAccess(tx, 'access.request.decide', { kind: 'matter', matterId: request.matter_id as MatterId }, { other: { type: 'access_request', id: requestId } });
    if (request.status !== 'pending') throw new AppError('CONFLICT', 'This request is already decided');
    const expiresAt = input.expiresAt ?? null;
    if (input.decision === 'approve') await upsertTeamMember(tx, request.matter_id, request.client_id, request.user_id, request.role, expiresAt);
    await db(tx)
      .updateTable('access_requests')
      .set({ status: input.decision === 'approve' ? 'approved' : 'refused', decided_at: tx.app.clock.now(), decided_by: actorId(tx), expires_at: input.decision === 'approve' ? expiresAt : null })
      .where('id', '=', requestId)
      .execute();
    await audit(tx, { action: input.decision === 'approve' ? 'access.request.approve' : 'access.request.refuse', resources: { matterId: request.matter_id, clientId: request.client_id, userId: request.user_id, other: { type: 'access_request', id: requestId } } });
    return (await views(tx, [await row(tx, requestId)]))[0]!;
  });
}

async function row(ctx: RequestContext, id: string): Promise<Row> {
  return db(ctx).selectFrom('access_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function views(ctx: RequestContext, rows: Row[]): Promise<AccessRequestView[]> {
  const names = await namesOf(ctx, rows.map((r) => r.user_id));
  return Promise.all(
    rows.map(async (r) => ({
    id: r.id,
    matterId: r.matter_id,
    userId: r.user_id,
    name: names.get(r.user_id) ?? null,
    role: r.role,
    reason: await openText(ctx, 'access_requests', r.id, 'reason', r.reason),
    // A withheld request looks pending to its requester: it must not tell them the matter is unknown.
    status: r.status === 'withheld' ? 'pending' : r.status,
    requestedAt: Number(r.requested_at),
    decidedAt: r.decided_at === null ? null : Number(r.decided_at),
    decidedBy: r.decided_by,
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
    })),
  );
}
