/**
 * The two-person rule. A change that could let one insider reach or destroy client data alone
 * (granting a data-bearing role, a client-wide grant where the firm requires it, destroying a
 * client's keys, …) is filed as a pending approval; it is made only when a second, eligible person
 * approves it, inside the approving transaction. Nobody approves their own request or one about
 * themselves. Owning modules register what each kind does when approved.
 */
import type { FirmRole } from '../../common/roles.js';
import { inTransaction, type RequestContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { AccessTables, ApprovalStatus } from './access.tables.js';
import { extensionsOf } from './extensions.js';
import { db } from './facts.js';
import { userDirectory } from './directory.js';
import { namesOf } from './team.service.js';
import { audit, auditedRefusal, notifyCompliance, staffActor } from './support.js';

/** How long a request waits for its second person before it lapses. */
export const APPROVAL_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

export interface ApprovalKind {
  /** Stable name, `<module>.<change>` (recorded in audit events). */
  kind: string;
  /** Firm roles whose holders may approve (never the requester or the person it concerns). */
  approverRoles: readonly FirmRole[];
  /** Makes the approved change, in the approving transaction; `ctx.actor` is the approver. */
  execute(ctx: RequestContext, payload: Record<string, unknown>, approval: { id: string; requestedBy: string }): Promise<void>;
}

/** The kinds the modules provide (`provides.access.approvalKinds`), for this instance. */
function kindsOf(ctx: RequestContext): ReadonlyMap<string, ApprovalKind> {
  return extensionsOf(ctx.app).approvalKinds;
}

function kindOf(ctx: RequestContext, name: string): ApprovalKind {
  const definition = kindsOf(ctx).get(name);
  if (!definition) throw new Error(`No module provides the approval kind ${name}`);
  return definition;
}

export interface ApprovalView {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  subjectUserId: string | null;
  subjectName: string | null;
  clientId: string | null;
  status: ApprovalStatus;
  requestedBy: string;
  requestedByName: string | null;
  requestedAt: number;
  expiresAt: number;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: number | null;
}

type Row = AccessTables['access_approvals'];

/**
 * Whether anyone other than the requester and the subject could approve `kind` (active holders of
 * an approver role). False means a lone operator: the caller decides whether to proceed alone.
 */
export async function hasSecondApprover(ctx: RequestContext, kind: string, subjectUserId: string | null): Promise<boolean> {
  const directory = userDirectory(ctx);
  if (!directory) return false;
  const roles = kindOf(ctx, kind).approverRoles;
  const requester = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
  return (await directory.unsafeListAllUsers(ctx)).some((u) => u.status === 'active' && roles.includes(u.role) && u.id !== requester && u.id !== subjectUserId);
}

/**
 * Files a change for a second person's approval. Throws SECOND_APPROVER_REQUIRED when nobody
 * else could approve it. The payload holds what the approver must see and nothing of any
 * client's content: ids, roles, times, and for an invitation the invitee's name and address.
 */
export async function requestApproval(
  ctx: RequestContext,
  input: { kind: string; payload: Record<string, unknown>; subjectUserId?: string | null; clientId?: string | null },
): Promise<ApprovalView> {
  const actor = staffActor(ctx);
  const subjectUserId = input.subjectUserId ?? null;
  if (!(await hasSecondApprover(ctx, input.kind, subjectUserId))) {
    throw new AppError('SECOND_APPROVER_REQUIRED', `A second person (${kindOf(ctx, input.kind).approverRoles.join(' or ').replace(/_/g, ' ')}) must approve this, and none is available`);
  }
  return inTransaction(ctx, async (tx) => {
    const now = tx.app.clock.now();
    const id = newId();
    await db(tx)
      .insertInto('access_approvals')
      .values({
        id,
        kind: input.kind,
        payload: JSON.stringify(input.payload),
        subject_user_id: subjectUserId,
        client_id: input.clientId ?? null,
        status: 'pending',
        requested_by: actor.userId,
        requested_at: now,
        expires_at: now + APPROVAL_LIFETIME_MS,
        decided_by: null,
        decided_at: null,
      })
      .execute();
    await audit(tx, { action: 'approval.request', reason: input.kind, resources: { ...(subjectUserId ? { userId: subjectUserId } : {}), ...(input.clientId ? { clientId: input.clientId } : {}), other: { type: 'approval', id } } });
    notifyCompliance(tx, 'A change waits for a second approval', [`User ${actor.userId} asked for ${input.kind} (approval ${id}).`, 'Review it in Confidant: Approvals.']);
    return (await views(tx, [await row(tx, id)]))[0]!;
  });
}

/**
 * Approves (making the change now) or rejects a pending request. Throws APPROVAL_NOT_FOUND (also
 * when the actor may not decide it), SEPARATION_OF_DUTIES (their own request, or one about them),
 * CONFLICT (already decided or lapsed).
 */
export async function decideApproval(ctx: RequestContext, approvalId: string, decision: 'approve' | 'reject'): Promise<ApprovalView> {
  const actor = staffActor(ctx);
  return inTransaction(ctx, async (tx) => {
    const approval = await db(tx).selectFrom('access_approvals').selectAll().where('id', '=', approvalId).executeTakeFirst();
    const definition = approval ? kindsOf(tx).get(approval.kind) : undefined;
    const refuse = (code: 'APPROVAL_NOT_FOUND' | 'SEPARATION_OF_DUTIES', reason: string) =>
      auditedRefusal(tx, new AppError(code), { action: `approval.${decision}`, reason, resources: { other: { type: 'approval', id: approvalId } } });
    if (!approval || !definition || !definition.approverRoles.includes(actor.role)) throw await refuse('APPROVAL_NOT_FOUND', approval ? 'FIRM_ROLE' : 'NOT_FOUND');
    if (approval.requested_by === actor.userId || approval.subject_user_id === actor.userId) throw await refuse('SEPARATION_OF_DUTIES', 'SEPARATION_OF_DUTIES');
    const now = tx.app.clock.now();
    if (approval.status !== 'pending') throw new AppError('CONFLICT', 'This request is already decided');
    if (Number(approval.expires_at) <= now) throw new AppError('CONFLICT', 'This request has lapsed; file it again');
    // The conditional update makes two approvers racing for one request decide it once.
    const updated = await db(tx)
      .updateTable('access_approvals')
      .set({ status: decision === 'approve' ? 'approved' : 'rejected', decided_by: actor.userId, decided_at: now })
      .where('id', '=', approvalId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new AppError('CONFLICT', 'This request is already decided');
    await audit(tx, {
      action: decision === 'approve' ? 'approval.approve' : 'approval.reject',
      reason: approval.kind,
      resources: { ...(approval.subject_user_id ? { userId: approval.subject_user_id } : {}), ...(approval.client_id ? { clientId: approval.client_id } : {}), other: { type: 'approval', id: approvalId } },
    });
    if (decision === 'approve') await definition.execute(tx, JSON.parse(approval.payload) as Record<string, unknown>, { id: approvalId, requestedBy: approval.requested_by });
    return (await views(tx, [await row(tx, approvalId)]))[0]!;
  });
}

/** Withdraws the actor's own pending request. Throws APPROVAL_NOT_FOUND, CONFLICT. */
export async function cancelApproval(ctx: RequestContext, approvalId: string): Promise<ApprovalView> {
  const actor = staffActor(ctx);
  return inTransaction(ctx, async (tx) => {
    const approval = await db(tx).selectFrom('access_approvals').selectAll().where('id', '=', approvalId).where('requested_by', '=', actor.userId).executeTakeFirst();
    if (!approval) throw new AppError('APPROVAL_NOT_FOUND');
    if (approval.status !== 'pending') throw new AppError('CONFLICT', 'This request is already decided');
    await db(tx).updateTable('access_approvals').set({ status: 'cancelled', decided_by: actor.userId, decided_at: tx.app.clock.now() }).where('id', '=', approvalId).execute();
    await audit(tx, { action: 'approval.cancel', reason: approval.kind, resources: { other: { type: 'approval', id: approvalId } } });
    return (await views(tx, [await row(tx, approvalId)]))[0]!;
  });
}

/**
 * The actor's own requests, or (`toDecide`) pending ones they may decide: of a kind their role
 * approves, filed by someone else and not about them.
 */
export async function listApprovals(ctx: RequestContext, filter: { toDecide: boolean }): Promise<ApprovalView[]> {
  const actor = staffActor(ctx);
  let query = db(ctx).selectFrom('access_approvals').selectAll().orderBy('requested_at', 'desc').limit(500);
  if (filter.toDecide) {
    const decidable = [...kindsOf(ctx).values()].filter((k) => k.approverRoles.includes(actor.role)).map((k) => k.kind);
    if (decidable.length === 0) return [];
    query = query
      .where('status', '=', 'pending')
      .where('expires_at', '>', ctx.app.clock.now())
      .where('kind', 'in', decidable)
      .where('requested_by', '!=', actor.userId)
      .where((eb) => eb.or([eb('subject_user_id', 'is', null), eb('subject_user_id', '!=', actor.userId)]));
  } else {
    query = query.where('requested_by', '=', actor.userId);
  }
  return views(ctx, await query.execute());
}

async function row(ctx: RequestContext, id: string): Promise<Row> {
  return db(ctx).selectFrom('access_approvals').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function views(ctx: RequestContext, rows: Row[]): Promise<ApprovalView[]> {
  const now = ctx.app.clock.now();
  const names = await namesOf(ctx, rows.flatMap((r) => [r.requested_by, r.subject_user_id, r.decided_by].filter((id): id is string => id !== null)));
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
    subjectUserId: r.subject_user_id,
    subjectName: r.subject_user_id ? (names.get(r.subject_user_id) ?? null) : null,
    clientId: r.client_id,
    status: r.status === 'pending' && Number(r.expires_at) <= now ? 'expired' : r.status,
    requestedBy: r.requested_by,
    requestedByName: names.get(r.requested_by) ?? null,
    requestedAt: Number(r.requested_at),
    expiresAt: Number(r.expires_at),
    decidedBy: r.decided_by,
    decidedByName: r.decided_by ? (names.get(r.decided_by) ?? null) : null,
    decidedAt: r.decided_at === null ? null : Number(r.decided_at),
  }));
}
