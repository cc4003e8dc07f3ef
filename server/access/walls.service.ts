/**
 * Ethical walls. Exclusionary: the listed people are screened from a client or matter (deny wins
 * over every grant). Inclusionary: the client or matter is locked to the listed people. A wall
 * takes effect on the next request (policy version bump in the same transaction). Its memo must
 * be acknowledged by the listed people and by everyone whose access it affects before they open
 * anything behind it. Lifting one is a two-person change (`access.wall.lift`): a second
 * compliance officer approves it, unless the firm has nobody else who could (then the waiver is audited).
 */
import type { ClientId, MatterId } from '../../common/ids.js';
import { inTransaction, type RequestContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { WallKind } from './access.tables.js';
import { canAccess, requireAccess } from './choke-point.js';
import { actorFacts, bumpPolicyVersion, firmFacts, type ActorFacts, type WallFact } from './facts.js';
import { hasSecondApprover, requestApproval, type ApprovalKind, type ApprovalView } from './approvals.service.js';
import { findPendingApprovalRowsOfKind } from './approvals.repository.js';
import { findCurrentGrantHolderIds } from './grants.repository.js';
import { describeTargets, findMattersByNumber } from './labels.js';
import { clientRef, emailOf, matterRef, nameOf, type ClientRef, type MatterRef } from './named.js';
import { openText, sealText } from './sealing.js';
import { actorId, audit, auditedRefusal, checkStaff, staffActor } from './support.js';
import { findCurrentSeatHolderIds } from './team.repository.js';
import { findAcknowledgementRows, findWallIds, findWallMemberRows, findWallRow, findWallRows, hasAcknowledged, insertAcknowledgement, insertWall, isWallMember, markWallLifted, type WallRow } from './walls.repository.js';

export interface WallInput {
  kind: WallKind;
  clientId?: string | undefined;
  matterId?: string | undefined;
  userIds: string[];
  memo: string;
}

export interface WallView {
  id: string;
  kind: WallKind;
  clientId: string;
  matterId: string | null;
  matter: MatterRef | null;
  client: ClientRef | null;
  memo: string;
  createdAt: number;
  createdBy: string | null;
  createdByName: string | null;
  liftedAt: number | null;
  liftedBy: string | null;
  liftedByName: string | null;
  members: { userId: string; name: string | null; email: string | null; acknowledgedAt: number | null }[];
  /**
   * Who acknowledged the memo (members and affected team), with when: everyone, for compliance;
   * only the viewer's own, for a person the wall concerns (a screened person does not learn the team).
   */
  acknowledgements: { userId: string; name: string | null; acknowledgedAt: number }[];
  /** Compliance only: the people the wall concerns who have not acknowledged its memo yet. */
  awaiting?: { userId: string; name: string | null; email: string | null }[];
  /** Compliance only: a request to lift the wall that waits for a second person (null: none). */
  liftApproval?: { id: string; requestedBy: string; requestedByName: string | null; requestedAt: number } | null;
}

/** A wall lifted now, or (two-person rule) the request waiting for a second compliance officer. */
export type LiftOutcome = { wall: WallView; approval?: undefined } | { approval: ApprovalView; wall?: undefined };

export const WALL_LIFT_APPROVAL_KIND = 'access.wall.lift';

/** Creates a wall (wall.manage: compliance). Throws VALIDATION_FAILED, ACCESS_DENIED (unknown target). */
export async function createWall(ctx: RequestContext, input: WallInput): Promise<WallView> {
  if ((input.clientId === undefined) === (input.matterId === undefined)) {
    throw new AppError('VALIDATION_FAILED', 'Give exactly one of clientId or matterId', [{ path: 'body.clientId', message: 'exactly one of clientId or matterId is required' }]);
  }
  const userIds = [...new Set(input.userIds)];
  return inTransaction(ctx, async (tx) => {
    const target = input.matterId
      ? await requireAccess(tx, 'wall.manage', { kind: 'matter', matterId: input.matterId as MatterId })
      : await requireAccess(tx, 'wall.manage', { kind: 'client', clientId: input.clientId as ClientId });
    await checkStaff(tx, userIds, 'body.userIds');
    await bumpPolicyVersion(tx);
    const id = newId();
    const now = tx.app.clock.now();
    const memo = await sealText(tx, 'access_walls', id, 'memo', input.memo);
    await insertWall(tx, { id, kind: input.kind, client_id: target.clientId!, matter_id: input.matterId ?? null, memo, created_at: now, created_by: actorId(tx), lifted_at: null, lifted_by: null }, userIds);
    await audit(tx, { action: 'wall.create', reason: input.kind.toUpperCase(), resources: { clientId: target.clientId!, ...(input.matterId ? { matterId: input.matterId } : {}), other: { type: 'wall', id } } });
    return getWallView(tx, id);
  });
}

/**
 * Asks to lift a wall (wall.manage). A second compliance officer approves it (`access.wall.lift`);
 * while the firm has nobody else who could, it is lifted now and the waiver audited. Throws
 * WALL_NOT_FOUND, ACCESS_DENIED, SEPARATION_OF_DUTIES (screened by it), CONFLICT (already lifted,
 * or a request to lift it already waits).
 */
export async function liftWall(ctx: RequestContext, wallId: string): Promise<LiftOutcome> {
  return inTransaction(ctx, async (tx) => {
    const wall = await checkLift(tx, wallId);
    if (await pendingLiftOf(tx, wallId)) throw new AppError('CONFLICT', 'A request to lift this wall already waits for a second compliance officer');
    if (await hasSecondApprover(tx, WALL_LIFT_APPROVAL_KIND, null)) {
      const approval = await requestApproval(tx, { kind: WALL_LIFT_APPROVAL_KIND, payload: { wallId, ...(wall.matter_id ? { matterId: wall.matter_id } : {}) }, clientId: wall.client_id });
      return { approval };
    }
    await audit(tx, { action: 'approval.waived', reason: WALL_LIFT_APPROVAL_KIND, purpose: 'no second person could approve', resources: wallResources(wall) });
    return { wall: await liftNow(tx, wall, actorId(tx)) };
  });
}

/** The wall, if the actor may lift it: they manage walls, it is active, and it does not screen them. */
async function checkLift(tx: RequestContext, wallId: string): Promise<WallRow> {
  const wall = await wallRow(tx, wallId, 'wall.lift');
  await requireWallManage(tx, wall, 'wall.lift');
  // Separation of duties: a person the wall screens out never lifts it (nor approves lifting it), whatever their role.
  const screened = wall.kind === 'exclusionary' && (await isWallMember(tx, wallId, actorId(tx) ?? ''));
  if (screened) {
    throw await auditedRefusal(tx, new AppError('SEPARATION_OF_DUTIES', 'You are screened by this wall, so another compliance officer must lift it'), { action: 'wall.lift', reason: 'SEPARATION_OF_DUTIES', resources: wallResources(wall) });
  }
  if (wall.lifted_at !== null) throw new AppError('CONFLICT', 'This wall is already lifted');
  return wall;
}

async function liftNow(tx: RequestContext, wall: WallRow, liftedBy: string | null, approvalId?: string): Promise<WallView> {
  await bumpPolicyVersion(tx);
  await markWallLifted(tx, wall.id, tx.app.clock.now(), liftedBy);
  await audit(tx, { action: 'wall.lift', ...(approvalId ? { purpose: `approval ${approvalId}` } : {}), resources: wallResources(wall) });
  return getWallView(tx, wall.id);
}

/** The two-person rule for lifting a wall (access's own `provides.access.approvalKinds`). */
export const WALL_LIFT_APPROVAL: ApprovalKind = {
  kind: WALL_LIFT_APPROVAL_KIND,
  approverRoles: ['compliance_officer'],
  // Checked again for the approver: they manage walls, the wall is still up, and it does not screen them.
  execute: async (tx, payload, approval) => {
    const wall = await checkLift(tx, String(payload.wallId));
    await liftNow(tx, wall, approval.requestedBy, approval.id);
  },
};

async function pendingLiftOf(ctx: RequestContext, wallId: string): Promise<{ id: string; requestedBy: string; requestedAt: number } | null> {
  const rows = await findPendingApprovalRowsOfKind(ctx, WALL_LIFT_APPROVAL_KIND, ctx.app.clock.now());
  const row = rows.find((r) => (JSON.parse(r.payload) as { wallId?: unknown }).wallId === wallId);
  return row ? { id: row.id, requestedBy: row.requested_by, requestedAt: Number(row.requested_at) } : null;
}

function wallResources(wall: WallRow) {
  return { clientId: wall.client_id, ...(wall.matter_id ? { matterId: wall.matter_id } : {}), other: { type: 'wall', id: wall.id } };
}

/**
 * What a wall about to be put up would cover, by number (and title or name where the officer may
 * open it), for a form opened from a link (wall.manage on that target, audited). Throws
 * VALIDATION_FAILED, ACCESS_DENIED (unknown target, like a forbidden one).
 */
export async function describeWallTarget(ctx: RequestContext, input: { clientId?: string | undefined; matterId?: string | undefined }): Promise<{ matter: MatterRef | null; client: ClientRef | null }> {
  if ((input.clientId === undefined) === (input.matterId === undefined)) {
    throw new AppError('VALIDATION_FAILED', 'Give exactly one of clientId or matterId', [{ path: 'querystring.clientId', message: 'exactly one of clientId or matterId is required' }]);
  }
  const target = input.matterId
    ? await requireAccess(ctx, 'wall.manage', { kind: 'matter', matterId: input.matterId as MatterId }, { purpose: 'wall target' })
    : await requireAccess(ctx, 'wall.manage', { kind: 'client', clientId: input.clientId as ClientId }, { purpose: 'wall target' });
  const labels = await describeTargets(ctx, { matterIds: [input.matterId], clientIds: [target.clientId] });
  return { matter: matterRef(labels, input.matterId), client: clientRef(labels, target.clientId) };
}

/**
 * Matters a wall could be put on, found by the start of their number — for compliance, who walls
 * matters they may not open (so the vault's search by title finds nothing for them). Numbers
 * only, titles where the officer may open the matter; audited as a `wall.manage` decision, the
 * query not recorded. Throws ACCESS_DENIED (not a wall manager).
 */
export async function searchWallTargets(ctx: RequestContext, input: { query: string; limit?: number | undefined }): Promise<MatterRef[]> {
  await requireAccess(ctx, 'wall.manage', { kind: 'firm' }, { purpose: 'wall target search' });
  const found = await findMattersByNumber(ctx, input.query.trim(), input.limit ?? 10);
  return found.map(({ id, label }) => ({ id, number: label.number, title: label.title, clientId: label.clientId, clientName: label.clientName }));
}

/**
 * Walls, newest first: all of them for compliance (wall.manage); for anyone else, on a client or
 * matter they may open (`clientId` / `matterId`: its page's Walls tab), the walls there that
 * concern them — each one they could also read by its id. Throws ACCESS_DENIED (also without a
 * client or matter, for anyone but compliance), ACKNOWLEDGEMENT_REQUIRED.
 */
export async function listWalls(ctx: RequestContext, filter: { clientId?: string | undefined; matterId?: string | undefined; active?: boolean | undefined }): Promise<WallView[]> {
  if ((!filter.clientId && !filter.matterId) || (await canAccess(ctx, 'wall.manage', { kind: 'firm' }))) {
    await requireAccess(ctx, 'wall.manage', { kind: 'firm' });
    return wallViews(ctx, await findWallIds(ctx, filter), { manager: true });
  }
  if (filter.matterId) await requireAccess(ctx, 'matter.read', { kind: 'matter', matterId: filter.matterId as MatterId }, { purpose: 'walls' });
  else await requireAccess(ctx, 'client.read', { kind: 'client', clientId: filter.clientId as ClientId }, { purpose: 'walls' });
  const actor = staffActor(ctx);
  const facts = await actorFacts(ctx, actor.userId);
  const now = ctx.app.clock.now();
  const ids = await findWallIds(ctx, filter);
  const walls = new Map((await findWallRows(ctx, ids)).map((w) => [w.id, w]));
  const members = await findWallMemberRows(ctx, ids);
  const concerns = (w: WallRow) => members.some((m) => m.wall_id === w.id && m.user_id === actor.userId) || isAffected(facts, w.client_id, w.matter_id, now);
  const shown = ids.filter((id) => {
    const wall = walls.get(id);
    return wall !== undefined && concerns(wall);
  });
  return wallViews(ctx, shown, { manager: false });
}

/**
 * One wall, for compliance (wall.manage) or for a person who must acknowledge it; anyone else
 * gets WALL_NOT_FOUND, like a missing wall.
 */
export async function getWall(ctx: RequestContext, wallId: string): Promise<WallView> {
  const wall = await wallRow(ctx, wallId, 'wall.read');
  if (!(await canAccess(ctx, 'wall.manage', { kind: 'firm' }))) {
    const actor = staffActor(ctx);
    const facts = await actorFacts(ctx, actor.userId);
    if (!(await isWallMember(ctx, wallId, actor.userId)) && !isAffected(facts, wall.client_id, wall.matter_id, ctx.app.clock.now())) throw await wallNotFound(ctx, wallId, 'wall.read', 'NOT_CONCERNED');
    return getWallView(ctx, wallId, { manager: false });
  }
  return getWallView(ctx, wallId, { manager: true });
}

/** Active walls whose memo the actor still has to acknowledge. */
export async function pendingAcknowledgements(ctx: RequestContext): Promise<WallView[]> {
  const actor = staffActor(ctx);
  const [firm, facts] = await Promise.all([firmFacts(ctx), actorFacts(ctx, actor.userId)]);
  const now = ctx.app.clock.now();
  const pending: string[] = [];
  for (const wall of allWalls(firm)) {
    if (wall.acknowledged.has(actor.userId)) continue;
    if (wall.members.has(actor.userId) || isAffected(facts, wall.clientId, wall.matterId, now)) pending.push(wall.id);
  }
  return wallViews(ctx, pending, { manager: false });
}

/** Records that the actor read and accepts the wall's memo. Throws WALL_NOT_FOUND when it does not concern them. */
export async function acknowledgeWall(ctx: RequestContext, wallId: string): Promise<WallView> {
  const actor = staffActor(ctx);
  return inTransaction(ctx, async (tx) => {
    const wall = await wallRow(tx, wallId, 'wall.acknowledge');
    if (wall.lifted_at !== null) throw await wallNotFound(tx, wallId, 'wall.acknowledge', 'LIFTED');
    const facts = await actorFacts(tx, actor.userId);
    if (!(await isWallMember(tx, wallId, actor.userId)) && !isAffected(facts, wall.client_id, wall.matter_id, tx.app.clock.now())) throw await wallNotFound(tx, wallId, 'wall.acknowledge', 'NOT_CONCERNED');
    if (!(await hasAcknowledged(tx, wallId, actor.userId))) {
      await bumpPolicyVersion(tx);
      await insertAcknowledgement(tx, { wall_id: wallId, user_id: actor.userId, acknowledged_at: tx.app.clock.now() });
      await audit(tx, { action: 'wall.acknowledge', resources: { clientId: wall.client_id, ...(wall.matter_id ? { matterId: wall.matter_id } : {}), other: { type: 'wall', id: wallId } } });
    }
    return getWallView(tx, wallId, { manager: await canAccess(tx, 'wall.manage', { kind: 'firm' }) });
  });
}

/** The wall, or WALL_NOT_FOUND (audited as a denied `action`, like any refusal). */
export async function wallRow(ctx: RequestContext, wallId: string, action: string): Promise<WallRow> {
  const wall = await findWallRow(ctx, wallId);
  if (!wall) throw await wallNotFound(ctx, wallId, action, 'NOT_FOUND');
  return wall;
}

function wallNotFound(ctx: RequestContext, wallId: string, action: string, reason: string): Promise<AppError> {
  return auditedRefusal(ctx, new AppError('WALL_NOT_FOUND'), { action, reason, resources: { other: { type: 'wall', id: wallId } } });
}

async function requireWallManage(ctx: RequestContext, wall: WallRow, action: string): Promise<void> {
  if (!(await canAccess(ctx, 'wall.manage', { kind: 'firm' }))) throw await wallNotFound(ctx, wall.id, action, 'FIRM_ROLE');
  await requireAccess(ctx, 'wall.manage', wall.matter_id ? { kind: 'matter', matterId: wall.matter_id as MatterId } : { kind: 'client', clientId: wall.client_id as ClientId }, { other: { type: 'wall', id: wall.id } });
}

/** True when the person's team memberships or grants reach what the wall covers. */
function isAffected(facts: ActorFacts, clientId: string, matterId: string | null, now: number): boolean {
  if (facts.grants.get(clientId)?.some((g) => g.expiresAt === null || g.expiresAt > now)) return true;
  if (matterId) return facts.team.has(matterId);
  for (const member of facts.team.values()) if (member.clientId === clientId) return true;
  return false;
}

function allWalls(firm: { clientWalls: ReadonlyMap<string, WallFact[]>; matterWalls: ReadonlyMap<string, WallFact[]> }): WallFact[] {
  return [...[...firm.clientWalls.values()].flat(), ...[...firm.matterWalls.values()].flat()];
}

/** One wall as compliance sees it (`manager`, the default) or as a person it concerns sees it. */
export async function getWallView(ctx: RequestContext, wallId: string, options: { manager: boolean } = { manager: true }): Promise<WallView> {
  const [view] = await wallViews(ctx, [wallId], options);
  if (!view) throw new Error(`Wall ${wallId} vanished`);
  return view;
}

/** Views of walls, in the order of `wallIds`, with people's names and the matter's number (see `named.ts`). */
async function wallViews(ctx: RequestContext, wallIds: string[], options: { manager: boolean }): Promise<WallView[]> {
  const rows = new Map((await findWallRows(ctx, wallIds)).map((w) => [w.id, w]));
  const members = await findWallMemberRows(ctx, wallIds);
  const acks = await findAcknowledgementRows(ctx, wallIds);
  const now = ctx.app.clock.now();
  const viewer = actorId(ctx);
  // Compliance also sees who still has to acknowledge, and any request to lift the wall.
  const awaiting = new Map<string, string[]>();
  const lifts = new Map<string, Awaited<ReturnType<typeof pendingLiftOf>>>();
  if (options.manager) {
    for (const wall of rows.values()) {
      if (wall.lifted_at !== null) continue;
      const concerned = new Set([
        ...members.filter((m) => m.wall_id === wall.id).map((m) => m.user_id),
        ...(await findCurrentSeatHolderIds(ctx, { matterId: wall.matter_id, clientId: wall.client_id }, now)),
        ...(await findCurrentGrantHolderIds(ctx, wall.client_id, now)),
      ]);
      for (const a of acks) if (a.wall_id === wall.id) concerned.delete(a.user_id);
      awaiting.set(wall.id, [...concerned].sort());
      lifts.set(wall.id, await pendingLiftOf(ctx, wall.id));
    }
  }
  const labels = await describeTargets(ctx, {
    userIds: [...members.map((m) => m.user_id), ...acks.map((a) => a.user_id), ...[...rows.values()].flatMap((w) => [w.created_by, w.lifted_by]), ...[...awaiting.values()].flat(), ...[...lifts.values()].map((l) => l?.requestedBy)],
    matterIds: [...rows.values()].map((w) => w.matter_id),
    clientIds: [...rows.values()].map((w) => w.client_id),
  });
  const views: WallView[] = [];
  for (const id of wallIds) {
    const wall = rows.get(id);
    if (!wall) continue;
    const ackAt = new Map(acks.filter((a) => a.wall_id === id).map((a) => [a.user_id, Number(a.acknowledged_at)]));
    const lift = lifts.get(id);
    views.push({
      id: wall.id,
      kind: wall.kind,
      clientId: wall.client_id,
      matterId: wall.matter_id,
      matter: matterRef(labels, wall.matter_id),
      client: clientRef(labels, wall.client_id),
      memo: await openText(ctx, 'access_walls', wall.id, 'memo', wall.memo),
      createdAt: Number(wall.created_at),
      createdBy: wall.created_by,
      createdByName: nameOf(labels, wall.created_by),
      liftedAt: wall.lifted_at === null ? null : Number(wall.lifted_at),
      liftedBy: wall.lifted_by,
      liftedByName: nameOf(labels, wall.lifted_by),
      members: members.filter((m) => m.wall_id === id).map((m) => ({ userId: m.user_id, name: nameOf(labels, m.user_id), email: emailOf(labels, m.user_id), acknowledgedAt: ackAt.get(m.user_id) ?? null })),
      acknowledgements: acks
        .filter((a) => a.wall_id === id && (options.manager || a.user_id === viewer))
        .map((a) => ({ userId: a.user_id, name: nameOf(labels, a.user_id), acknowledgedAt: Number(a.acknowledged_at) })),
      ...(options.manager
        ? {
            awaiting: (awaiting.get(id) ?? []).map((userId) => ({ userId, name: nameOf(labels, userId), email: emailOf(labels, userId) })),
            liftApproval: lift ? { ...lift, requestedByName: nameOf(labels, lift.requestedBy) } : null,
          }
        : {}),
    });
  }
  return views;
}
