/** Access requests: a person asks to join a matter with a reason; a lead attorney approves or refuses. */
import type { MatterId } from '../../common/ids.js';
import type { MatterRole } from '../../common/roles.js';
import { inTransaction, type RequestContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { AccessRequestStatus } from './access.tables.js';
import { clientOfMatter, firmFacts } from './facts.js';
import { findPendingRequestRows, findRequestRow, findRequestRowsOf, insertRequestRow, updateRequestDecision, type AccessRequestRow } from './requests.repository.js';
import { wallsCovering } from './decide.js';
import { requireAccess, scopeFor } from './choke-point.js';
import { upsertTeamMember } from './team.service.js';
import { describeTargets } from './labels.js';
import { matterRef, nameOf, type MatterRef } from './named.js';
import { openText, sealText } from './sealing.js';
import { actorId, audit, auditedRefusal, notifyCompliance, staffActor } from './support.js';

export interface AccessRequestView {
  id: string;
  matterId: string;
  /** Null on a request still pending (its requester must not learn whether the matter exists). */
  matter: MatterRef | null;
  userId: string;
  name: string | null;
  role: MatterRole;
  reason: string;
  /** As the requester and deciders see it: a withheld request shows as pending. */
  status: Exclude<AccessRequestStatus, 'withheld'>;
  requestedAt: number;
  decidedAt: number | null;
  decidedBy: string | null;
  decidedByName: string | null;
  expiresAt: number | null;
}

type Row = AccessRequestRow;

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
    await insertRequestRow(tx, {
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
    });
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
  if (filter.toDecide) return views(ctx, await findPendingRequestRows(ctx, await scopeFor(ctx, 'access.request.decide')), { labelPending: true });
  return views(ctx, await findRequestRowsOf(ctx, actor.userId));
}

/**
 * Approves (joining the requester to the team, optionally until `expiresAt`) or refuses a pending
 * request. Throws ACCESS_REQUEST_NOT_FOUND (also when the actor may not decide it), CONFLICT.
 */
export async function decideAccessRequest(ctx: RequestContext, requestId: string, input: { decision: 'approve' | 'refuse'; expiresAt?: number | null | undefined }): Promise<AccessRequestView> {
  return inTransaction(ctx, async (tx) => {
    const request = await findRequestRow(tx, requestId);
    if (!request) throw new AppError('ACCESS_REQUEST_NOT_FOUND');
    await requireAccess(tx, 'access.request.decide', { kind: 'matter', matterId: request.matter_id as MatterId }, { other: { type: 'access_request', id: requestId } });
    if (request.status !== 'pending') throw new AppError('CONFLICT', 'This request is already decided');
    const expiresAt = input.expiresAt ?? null;
    if (input.decision === 'approve') await upsertTeamMember(tx, request.matter_id, request.client_id, request.user_id, request.role, expiresAt);
    await updateRequestDecision(tx, requestId, { status: input.decision === 'approve' ? 'approved' : 'refused', decided_at: tx.app.clock.now(), decided_by: actorId(tx), expires_at: input.decision === 'approve' ? expiresAt : null });
    await audit(tx, { action: input.decision === 'approve' ? 'access.request.approve' : 'access.request.refuse', resources: { matterId: request.matter_id, clientId: request.client_id, userId: request.user_id, other: { type: 'access_request', id: requestId } } });
    return (await views(tx, [await row(tx, requestId)]))[0]!;
  });
}

async function row(ctx: RequestContext, id: string): Promise<Row> {
  const found = await findRequestRow(ctx, id);
  if (!found) throw new Error(`Access request ${id} vanished`);
  return found;
}

/** `labelPending`: the rows are requests the actor may decide (scoped by access.request.decide), never withheld ones. */
async function views(ctx: RequestContext, rows: Row[], options: { labelPending?: boolean } = {}): Promise<AccessRequestView[]> {
  // A withheld request (unknown or screening matter) looks exactly like a pending one to its
  // requester, so their pending requests are not labelled: a number on some would tell which matters exist.
  const labelled = rows.filter((r) => r.status === 'approved' || r.status === 'refused' || (options.labelPending === true && r.status === 'pending'));
  const labels = await describeTargets(ctx, { userIds: rows.flatMap((r) => [r.user_id, r.decided_by]), matterIds: labelled.map((r) => r.matter_id) });
  const decided = new Set(labelled.map((r) => r.id));
  return Promise.all(
    rows.map(async (r) => ({
    id: r.id,
    matterId: r.matter_id,
    matter: decided.has(r.id) ? matterRef(labels, r.matter_id) : null,
    userId: r.user_id,
    name: nameOf(labels, r.user_id),
    role: r.role,
    reason: await openText(ctx, 'access_requests', r.id, 'reason', r.reason),
    // A withheld request looks pending to its requester: it must not tell them the matter is unknown.
    status: r.status === 'withheld' ? 'pending' : r.status,
    requestedAt: Number(r.requested_at),
    decidedAt: r.decided_at === null ? null : Number(r.decided_at),
    decidedBy: r.decided_by,
    decidedByName: nameOf(labels, r.decided_by),
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
    })),
  );
}
