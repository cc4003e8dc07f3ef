/** Matter teams: who works on a matter and in which role (need-to-know comes from here). */
import type { MatterId } from '../../common/ids.js';
import type { MatterRole } from '../../common/roles.js';
import { inTransaction, type RequestContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { bumpPolicyVersion, firmFacts } from './facts.js';
import { countLeads, deleteSeat, findSeatRole, findTeamRows, insertSeat, insertTeamHistory, updateSeat } from './team.repository.js';
import { wallsCovering } from './decide.js';
import { requireAccess } from './choke-point.js';
import { actorId, audit, checkStaff } from './support.js';
import { describeTargets } from './labels.js';
import { emailOf, nameOf } from './named.js';

export interface TeamMember {
  userId: string;
  name: string | null;
  email: string | null;
  role: MatterRole;
  addedAt: number;
  expiresAt: number | null;
}

/** The matter's team. Throws ACCESS_DENIED unless the actor may read the matter. */
export async function listTeam(ctx: RequestContext, matterId: MatterId): Promise<TeamMember[]> {
  await requireAccess(ctx, 'matter.read', { kind: 'matter', matterId }, { purpose: 'team' });
  const rows = await findTeamRows(ctx, matterId);
  const labels = await describeTargets(ctx, { userIds: rows.map((r) => r.user_id) });
  return rows.map((r) => ({ userId: r.user_id, name: nameOf(labels, r.user_id), email: emailOf(labels, r.user_id), role: r.role, addedAt: Number(r.added_at), expiresAt: r.expires_at === null ? null : Number(r.expires_at) }));
}

/**
 * Adds a person to the matter's team or changes their role (lead attorney only). Refuses people
 * screened from the matter (CONFLICT), since a screen must be lifted deliberately, not bypassed.
 * Throws ACCESS_DENIED, VALIDATION_FAILED (userId), CONFLICT.
 */
export async function setTeamMember(ctx: RequestContext, matterId: MatterId, userId: string, role: MatterRole, expiresAt: number | null = null): Promise<TeamMember> {
  return inTransaction(ctx, async (tx) => {
    const target = await requireAccess(tx, 'matter.team.manage', { kind: 'matter', matterId });
    await checkStaff(tx, [userId], 'params.userId', { toHoldClientData: true });
    await upsertTeamMember(tx, target.matterId, target.clientId!, userId, role, expiresAt);
    const labels = await describeTargets(tx, { userIds: [userId] });
    return { userId, name: nameOf(labels, userId), email: emailOf(labels, userId), role, addedAt: tx.app.clock.now(), expiresAt };
  });
}

/** Writes a team membership and its history row; shared with access-request approval. */
export async function upsertTeamMember(tx: RequestContext, matterId: string, clientId: string, userId: string, role: MatterRole, expiresAt: number | null): Promise<void> {
  const firm = await firmFacts(tx);
  if (wallsCovering(firm, clientId as never, matterId as never).some((w) => w.kind === 'exclusionary' && w.members.has(userId))) {
    throw new AppError('CONFLICT', 'This person is screened from this matter by an ethical wall');
  }
  if (expiresAt !== null && expiresAt <= tx.app.clock.now()) throw new AppError('VALIDATION_FAILED', 'expiresAt must be in the future', [{ path: 'body.expiresAt', message: 'must be in the future' }]);
  await bumpPolicyVersion(tx);
  const now = tx.app.clock.now();
  const existing = await findSeatRole(tx, matterId, userId);
  if (existing === 'lead_attorney' && role !== 'lead_attorney') await refuseRemovingLastLead(tx, matterId);
  if (existing) await updateSeat(tx, matterId, userId, { role, expires_at: expiresAt });
  else await insertSeat(tx, { matter_id: matterId, user_id: userId, role, added_at: now, added_by: actorId(tx) ?? 'system', expires_at: expiresAt });
  await insertTeamHistory(tx, { matter_id: matterId, user_id: userId, role, at: now, by_user_id: actorId(tx), expires_at: expiresAt });
  await audit(tx, { action: 'matter.team.set', reason: role.toUpperCase(), resources: { matterId, clientId, userId } });
}

/** Removes a person from the matter's team (lead attorney only). Throws ACCESS_DENIED, CONFLICT (last lead). */
export async function removeTeamMember(ctx: RequestContext, matterId: MatterId, userId: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const target = await requireAccess(tx, 'matter.team.manage', { kind: 'matter', matterId });
    const existing = await findSeatRole(tx, matterId, userId);
    if (!existing) return;
    if (existing === 'lead_attorney') await refuseRemovingLastLead(tx, matterId);
    await bumpPolicyVersion(tx);
    await deleteSeat(tx, matterId, userId);
    await insertTeamHistory(tx, { matter_id: matterId, user_id: userId, role: null, at: tx.app.clock.now(), by_user_id: actorId(tx), expires_at: null });
    await audit(tx, { action: 'matter.team.remove', resources: { matterId, clientId: target.clientId!, userId } });
  });
}

async function refuseRemovingLastLead(tx: RequestContext, matterId: string): Promise<void> {
  if ((await countLeads(tx, matterId)) <= 1) throw new AppError('CONFLICT', 'A matter keeps at least one lead attorney');
}
