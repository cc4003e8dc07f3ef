/** Client-level grants: explicit, expiring access to all of one client's matters. */
import type { ClientId } from '../../common/ids.js';
import type { MatterRole } from '../../common/roles.js';
import { inTransaction, type RequestContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { bumpPolicyVersion, firmFacts } from './facts.js';
import { findGrantRow, findGrantRowsOfClient, insertGrantRow, markGrantRevoked, type GrantRow } from './grants.repository.js';
import { requireAccess } from './choke-point.js';
import { describeTargets } from './labels.js';
import { clientRef, emailOf, nameOf, type ClientRef } from './named.js';
import { requestApproval, type ApprovalKind, type ApprovalView } from './approvals.service.js';
import { actorId, audit, auditedRefusal, checkStaff, staffActor } from './support.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface GrantView {
  id: string;
  clientId: string;
  client: ClientRef | null;
  userId: string;
  name: string | null;
  email: string | null;
  role: MatterRole;
  grantedAt: number;
  grantedBy: string | null;
  grantedByName: string | null;
  expiresAt: number | null;
  revokedAt: number | null;
  reason: string;
}

/** A grant made now, or (where the firm requires a second person) the request waiting for one. */
export type GrantOutcome = { grant: GrantView; approval?: undefined } | { approval: ApprovalView; grant?: undefined };

export const GRANT_APPROVAL_KIND = 'access.grant';

/**
 * Grants `userId` the role on every matter of the client until `expiresAt` (required, in the
 * future, at most ACCESS_GRANT_MAX_DAYS ahead). Needs matter.team.manage on the client, which
 * only a client-wide lead-attorney grant gives (never a seat on one matter). Nobody grants
 * themselves; firm administrators receive none. With ACCESS_GRANT_APPROVAL the grant waits for a
 * compliance officer's approval. Throws ACCESS_DENIED, SEPARATION_OF_DUTIES, VALIDATION_FAILED
 * (expiresAt, userId), CONFLICT (person screened from the client), SECOND_APPROVER_REQUIRED.
 */
export async function grantClientAccess(ctx: RequestContext, clientId: ClientId, input: { userId: string; role: MatterRole; expiresAt: number }): Promise<GrantOutcome> {
  return inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'matter.team.manage', { kind: 'client', clientId });
    const actor = staffActor(tx);
    if (input.userId === actor.userId) {
      throw await auditedRefusal(tx, new AppError('SEPARATION_OF_DUTIES', 'Nobody can grant access to themselves; ask another lead attorney of this client'), {
        action: 'access.grant',
        reason: 'SELF_GRANT',
        resources: { clientId, userId: input.userId },
      });
    }
    await checkGrant(tx, clientId, input);
    if (tx.app.config.access.grantApproval) {
      const approval = await requestApproval(tx, { kind: GRANT_APPROVAL_KIND, payload: { clientId, userId: input.userId, role: input.role, expiresAt: input.expiresAt }, subjectUserId: input.userId, clientId });
      return { approval };
    }
    return { grant: await insertGrant(tx, clientId, input, actorId(tx)) };
  });
}

async function checkGrant(tx: RequestContext, clientId: ClientId, input: { userId: string; expiresAt: number }): Promise<void> {
  const now = tx.app.clock.now();
  if (input.expiresAt <= now) throw new AppError('VALIDATION_FAILED', 'expiresAt must be in the future', [{ path: 'body.expiresAt', message: 'must be in the future' }]);
  const maxDays = tx.app.config.access.grantMaxDays;
  if (input.expiresAt > now + maxDays * DAY_MS) throw new AppError('VALIDATION_FAILED', `expiresAt may be at most ${maxDays} days ahead`, [{ path: 'body.expiresAt', message: `must be within ${maxDays} days` }]);
  await checkStaff(tx, [input.userId], 'body.userId', { toHoldClientData: true });
  const firm = await firmFacts(tx);
  if (firm.clientWalls.get(clientId)?.some((w) => w.kind === 'exclusionary' && w.members.has(input.userId))) throw new AppError('CONFLICT', 'This person is screened from this client by an ethical wall');
}

async function insertGrant(tx: RequestContext, clientId: ClientId, input: { userId: string; role: MatterRole; expiresAt: number }, grantedBy: string | null, approvalId?: string): Promise<GrantView> {
  await bumpPolicyVersion(tx);
  const id = newId();
  await insertGrantRow(tx, { id, client_id: clientId, user_id: input.userId, role: input.role, granted_at: tx.app.clock.now(), granted_by: grantedBy, expires_at: input.expiresAt, revoked_at: null, revoked_by: null, reason: 'grant' });
  await audit(tx, { action: 'access.grant', reason: input.role.toUpperCase(), ...(approvalId ? { purpose: `approval ${approvalId}` } : {}), resources: { clientId, userId: input.userId, other: { type: 'grant', id } } });
  return (await grantViews(tx, [await grantRow(tx, id)]))[0]!;
}

/** The two-person rule for client-wide grants (access's own `provides.access.approvalKinds`). */
export const GRANT_APPROVAL: ApprovalKind = {
  kind: GRANT_APPROVAL_KIND,
  approverRoles: ['compliance_officer'],
  // Everything is checked again when the grant is made: walls and accounts may have changed.
  execute: async (tx, payload, approval) => {
    const input = { userId: String(payload.userId), role: payload.role as MatterRole, expiresAt: Number(payload.expiresAt) };
    const clientId = String(payload.clientId) as ClientId;
    await checkGrant(tx, clientId, input);
    await insertGrant(tx, clientId, input, approval.requestedBy, approval.id);
  },
};

/** Ends a grant now (the row stays, as history). Throws ACCESS_DENIED (also for an unknown grant). */
export async function revokeClientGrant(ctx: RequestContext, grantId: string): Promise<GrantView> {
  return inTransaction(ctx, async (tx) => {
    const grant = await findGrantRow(tx, grantId);
    if (!grant) throw new AppError('ACCESS_DENIED', 'Not found');
    await requireAccess(tx, 'matter.team.manage', { kind: 'client', clientId: grant.client_id as ClientId }, { other: { type: 'grant', id: grantId } });
    if (grant.revoked_at === null) {
      await bumpPolicyVersion(tx);
      await markGrantRevoked(tx, grantId, tx.app.clock.now(), actorId(tx));
      await audit(tx, { action: 'access.grant.revoke', resources: { clientId: grant.client_id, userId: grant.user_id, other: { type: 'grant', id: grantId } } });
    }
    return (await grantViews(tx, [await grantRow(tx, grantId)]))[0]!;
  });
}

/** Grants on a client, current and past (matter.team.manage on the client). */
export async function listClientGrants(ctx: RequestContext, clientId: ClientId): Promise<GrantView[]> {
  await requireAccess(ctx, 'matter.team.manage', { kind: 'client', clientId }, { purpose: 'grants' });
  return grantViews(ctx, await findGrantRowsOfClient(ctx, clientId));
}

async function grantRow(ctx: RequestContext, id: string): Promise<GrantRow> {
  const row = await findGrantRow(ctx, id);
  if (!row) throw new Error(`Grant ${id} vanished`);
  return row;
}

async function grantViews(ctx: RequestContext, rows: GrantRow[]): Promise<GrantView[]> {
  const labels = await describeTargets(ctx, { userIds: rows.flatMap((r) => [r.user_id, r.granted_by]), clientIds: rows.map((r) => r.client_id) });
  return rows.map((r) => ({
    id: r.id,
    clientId: r.client_id,
    client: clientRef(labels, r.client_id),
    userId: r.user_id,
    name: nameOf(labels, r.user_id),
    email: emailOf(labels, r.user_id),
    role: r.role,
    grantedAt: Number(r.granted_at),
    grantedBy: r.granted_by,
    grantedByName: nameOf(labels, r.granted_by),
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
    reason: r.reason,
  }));
}
