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
import type { ApprovalStatus } from './access.tables.js';
import { decidePendingApproval, findApprovalRow, findApprovalRowsDecidableBy, findApprovalRowsFiledBy, findOwnApprovalRow, insertApprovalRow, type ApprovalRow } from './approvals.repository.js';
import { extensionsOf } from './extensions.js';
import { userDirectory } from './directory.js';
import { describeTargets } from './labels.js';
import { clientRef, matterRef, nameOf, type ClientRef, type MatterRef } from './named.js';
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
  client: ClientRef | null;
  /** The matter the change is about (a `matterId` in its payload), by number. */
  matter: MatterRef | null;
  status: ApprovalStatus;
  requestedBy: string;
  requestedByName: string | null;
  requestedAt: number;
  expiresAt: number;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: number | null;
}

type Row = ApprovalRow;

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
    await insertApprovalRow(tx, {
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
    });
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
    const approval = await findApprovalRow(tx, approvalId);
    const definition = approval ? kindsOf(tx).get(approval.kind) : undefined;
    const refuse = (code: 'APPROVAL_NOT_FOUND' | 'SEPARATION_OF_DUTIES', reason: string) =>
      auditedRefusal(tx, new AppError(code), { action: `approval.${decision}`, reason, resources: { other: { type: 'approval', id: approvalId } } });
    if (!approval || !definition || !definition.approverRoles.includes(actor.role)) throw await refuse('APPROVAL_NOT_FOUND', approval ? 'FIRM_ROLE' : 'NOT_FOUND');
    if (approval.requested_by === actor.userId || approval.subject_user_id === actor.userId) throw await refuse('SEPARATION_OF_DUTIES', 'SEPARATION_OF_DUTIES');
    const now = tx.app.clock.now();
    if (approval.status !== 'pending') throw new AppError('CONFLICT', 'This request is already decided');
    if (Number(approval.expires_at) <= now) throw new AppError('CONFLICT', 'This request has lapsed; file it again');
    // The conditional update makes two approvers racing for one request decide it once.
    if (!(await decidePendingApproval(tx, approvalId, { status: decision === 'approve' ? 'approved' : 'rejected', decided_by: actor.userId, decided_at: now }))) throw new AppError('CONFLICT', 'This request is already decided');
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
    const approval = await findOwnApprovalRow(tx, approvalId, actor.userId);
    if (!approval) throw new AppError('APPROVAL_NOT_FOUND');
    if (approval.status !== 'pending') throw new AppError('CONFLICT', 'This request is already decided');
    if (!(await decidePendingApproval(tx, approvalId, { status: 'cancelled', decided_by: actor.userId, decided_at: tx.app.clock.now() }))) throw new AppError('CONFLICT', 'This request is already decided');
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
  if (!filter.toDecide) return views(ctx, await findApprovalRowsFiledBy(ctx, actor.userId));
  const decidable = [...kindsOf(ctx).values()].filter((k) => k.approverRoles.includes(actor.role)).map((k) => k.kind);
  return views(ctx, await findApprovalRowsDecidableBy(ctx, actor.userId, decidable, ctx.app.clock.now()));
}

async function row(ctx: RequestContext, id: string): Promise<Row> {
  const found = await findApprovalRow(ctx, id);
  if (!found) throw new Error(`Approval ${id} vanished`);
  return found;
}

async function views(ctx: RequestContext, rows: Row[]): Promise<ApprovalView[]> {
  const now = ctx.app.clock.now();
  const payloads = new Map(rows.map((r) => [r.id, JSON.parse(r.payload) as Record<string, unknown>]));
  const matterOf = (r: Row): string | null => {
    const matterId = payloads.get(r.id)?.matterId;
    return typeof matterId === 'string' ? matterId : null;
  };
  const labels = await describeTargets(ctx, { userIds: rows.flatMap((r) => [r.requested_by, r.subject_user_id, r.decided_by]), clientIds: rows.map((r) => r.client_id), matterIds: rows.map(matterOf) });
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    payload: payloads.get(r.id)!,
    subjectUserId: r.subject_user_id,
    subjectName: nameOf(labels, r.subject_user_id),
    clientId: r.client_id,
    client: clientRef(labels, r.client_id),
    matter: matterRef(labels, matterOf(r)),
    status: r.status === 'pending' && Number(r.expires_at) <= now ? 'expired' : r.status,
    requestedBy: r.requested_by,
    requestedByName: nameOf(labels, r.requested_by),
    requestedAt: Number(r.requested_at),
    expiresAt: Number(r.expires_at),
    decidedBy: r.decided_by,
    decidedByName: nameOf(labels, r.decided_by),
    decidedAt: r.decided_at === null ? null : Number(r.decided_at),
  }));
}
