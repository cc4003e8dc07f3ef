/**
 * Ethical walls. Exclusionary: the listed people are screened from a client or matter (deny wins
 * over every grant). Inclusionary: the client or matter is locked to the listed people. A wall
 * takes effect on the next request (policy version bump in the same transaction). Its memo must
 * be acknowledged by the listed people and by everyone whose access it affects before they open
 * anything behind it.
 */
import type { ClientId, MatterId } from '../../common/ids.js';
import { inTransaction, type RequestContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { AccessTables, WallKind } from './access.tables.js';
import { canAccess, requireAccess } from './choke-point.js';
import { actorFacts, bumpPolicyVersion, db, firmFacts, type ActorFacts, type WallFact } from './facts.js';
import { namesOf } from './team.service.js';
import { openText, sealText } from './sealing.js';
import { actorId, audit, auditedRefusal, checkStaff, staffActor } from './support.js';

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
  memo: string;
  createdAt: number;
  createdBy: string | null;
  liftedAt: number | null;
  liftedBy: string | null;
  members: { userId: string; name: string | null; acknowledgedAt: number | null }[];
  /** Everyone who acknowledged the memo (members and affected team), with when. */
  acknowledgements: { userId: string; name: string | null; acknowledgedAt: number }[];
}

type WallRow = AccessTables['access_walls'];

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
    const d = db(tx);
    await d
      .insertInto('access_walls')
      .values({ id, kind: input.kind, client_id: target.clientId!, matter_id: input.matterId ?? null, memo: await sealText(tx, 'access_walls', id, 'memo', input.memo), created_at: now, created_by: actorId(tx), lifted_at: null, lifted_by: null })
      .execute();
    await d.insertInto('access_wall_members').values(userIds.map((userId) => ({ wall_id: id, user_id: userId }))).execute();
    await audit(tx, { action: 'wall.create', reason: input.kind.toUpperCase(), resources: { clientId: target.clientId!, ...(input.matterId ? { matterId: input.matterId } : {}), other: { type: 'wall', id } } });
    return getWallView(tx, id);
  });
}

/** Lifts a wall (kept as history). Throws WALL_NOT_FOUND, ACCESS_DENIED, CONFLICT (already lifted). */
export async function liftWall(ctx: RequestContext, wallId: string): Promise<WallView> {
  return inTransaction(ctx, async (tx) => {
    const wall = await wallRow(tx, wallId, 'wall.lift');
    await requireWallManage(tx, wall, 'wall.lift');
    // Separation of duties: a person the wall screens out never lifts it, whatever their role.
    const screened = wall.kind === 'exclusionary' && (await db(tx).selectFrom('access_wall_members').select('user_id').where('wall_id', '=', wallId).where('user_id', '=', actorId(tx) ?? '').executeTakeFirst());
    if (screened) {
      throw await auditedRefusal(tx, new AppError('SEPARATION_OF_DUTIES', 'You are screened by this wall, so another compliance officer must lift it'), {
        action: 'wall.lift',
        reason: 'SEPARATION_OF_DUTIES',
        resources: { clientId: wall.client_id, ...(wall.matter_id ? { matterId: wall.matter_id } : {}), other: { type: 'wall', id: wallId } },
      });
    }
    if (wall.lifted_at !== null) throw new AppError('CONFLICT', 'This wall is already lifted');
    await bumpPolicyVersion(tx);
    await db(tx).updateTable('access_walls').set({ lifted_at: tx.app.clock.now(), lifted_by: actorId(tx) }).where('id', '=', wallId).where('lifted_at', 'is', null).execute();
    await audit(tx, { action: 'wall.lift', resources: { clientId: wall.client_id, ...(wall.matter_id ? { matterId: wall.matter_id } : {}), other: { type: 'wall', id: wallId } } });
    return getWallView(tx, wallId);
  });
}

/** Walls, newest first (wall.manage). */
export async function listWalls(ctx: RequestContext, filter: { clientId?: string | undefined; matterId?: string | undefined; active?: boolean | undefined }): Promise<WallView[]> {
  await requireAccess(ctx, 'wall.manage', { kind: 'firm' });
  let query = db(ctx).selectFrom('access_walls').select('id').orderBy('created_at', 'desc').limit(500);
  if (filter.clientId) query = query.where('client_id', '=', filter.clientId);
  if (filter.matterId) query = query.where('matter_id', '=', filter.matterId);
  if (filter.active === true) query = query.where('lifted_at', 'is', null);
  if (filter.active === false) query = query.where('lifted_at', 'is not', null);
  const ids = await query.execute();
  const views: WallView[] = [];
  for (const { id } of ids) views.push(await getWallView(ctx, id));
  return views;
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
    const members = await db(ctx).selectFrom('access_wall_members').select('user_id').where('wall_id', '=', wallId).execute();
    if (!members.some((m) => m.user_id === actor.userId) && !isAffected(facts, wall.client_id, wall.matter_id, ctx.app.clock.now())) throw await wallNotFound(ctx, wallId, 'wall.read', 'NOT_CONCERNED');
  }
  return getWallView(ctx, wallId);
}

/** Active walls whose memo the actor still has to acknowledge. */
export async function pendingAcknowledgements(ctx: RequestContext): Promise<WallView[]> {
  const actor = staffActor(ctx);
  const [firm, facts] = await Promise.all([firmFacts(ctx), actorFacts(ctx, actor.userId)]);
  const now = ctx.app.clock.now();
  const pending: WallView[] = [];
  for (const wall of allWalls(firm)) {
    if (wall.acknowledged.has(actor.userId)) continue;
    if (wall.members.has(actor.userId) || isAffected(facts, wall.clientId, wall.matterId, now)) pending.push(await getWallView(ctx, wall.id));
  }
  return pending;
}

/** Records that the actor read and accepts the wall's memo. Throws WALL_NOT_FOUND when it does not concern them. */
export async function acknowledgeWall(ctx: RequestContext, wallId: string): Promise<WallView> {
  const actor = staffActor(ctx);
  return inTransaction(ctx, async (tx) => {
    const wall = await wallRow(tx, wallId, 'wall.acknowledge');
    if (wall.lifted_at !== null) throw await wallNotFound(tx, wallId, 'wall.acknowledge', 'LIFTED');
    const facts = await actorFacts(tx, actor.userId);
    const isMember = await db(tx).selectFrom('access_wall_members').select('user_id').where('wall_id', '=', wallId).where('user_id', '=', actor.userId).executeTakeFirst();
    if (!isMember && !isAffected(facts, wall.client_id, wall.matter_id, tx.app.clock.now())) throw await wallNotFound(tx, wallId, 'wall.acknowledge', 'NOT_CONCERNED');
    const already = await db(tx).selectFrom('access_wall_acknowledgements').select('user_id').where('wall_id', '=', wallId).where('user_id', '=', actor.userId).executeTakeFirst();
    if (!already) {
      await bumpPolicyVersion(tx);
      await db(tx).insertInto('access_wall_acknowledgements').values({ wall_id: wallId, user_id: actor.userId, acknowledged_at: tx.app.clock.now() }).execute();
      await audit(tx, { action: 'wall.acknowledge', resources: { clientId: wall.client_id, ...(wall.matter_id ? { matterId: wall.matter_id } : {}), other: { type: 'wall', id: wallId } } });
    }
    return getWallView(tx, wallId);
  });
}

/** The wall, or WALL_NOT_FOUND (audited as a denied `action`, like any refusal). */
export async function wallRow(ctx: RequestContext, wallId: string, action: string): Promise<WallRow> {
  const wall = await db(ctx).selectFrom('access_walls').selectAll().where('id', '=', wallId).executeTakeFirst();
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

export async function getWallView(ctx: RequestContext, wallId: string): Promise<WallView> {
  const d = db(ctx);
  const wall = await db(ctx).selectFrom('access_walls').selectAll().where('id', '=', wallId).executeTakeFirstOrThrow();
  const members = await d.selectFrom('access_wall_members').select('user_id').where('wall_id', '=', wallId).orderBy('user_id').execute();
  const acks = await d.selectFrom('access_wall_acknowledgements').select(['user_id', 'acknowledged_at']).where('wall_id', '=', wallId).orderBy('acknowledged_at').execute();
  const names = await namesOf(ctx, [...members.map((m) => m.user_id), ...acks.map((a) => a.user_id)]);
  const ackAt = new Map(acks.map((a) => [a.user_id, Number(a.acknowledged_at)]));
  return {
    id: wall.id,
    kind: wall.kind,
    clientId: wall.client_id,
    matterId: wall.matter_id,
    memo: await openText(ctx, 'access_walls', wall.id, 'memo', wall.memo),
    createdAt: Number(wall.created_at),
    createdBy: wall.created_by,
    liftedAt: wall.lifted_at === null ? null : Number(wall.lifted_at),
    liftedBy: wall.lifted_by,
    members: members.map((m) => ({ userId: m.user_id, name: names.get(m.user_id) ?? null, acknowledgedAt: ackAt.get(m.user_id) ?? null })),
    acknowledgements: acks.map((a) => ({ userId: a.user_id, name: names.get(a.user_id) ?? null, acknowledgedAt: Number(a.acknowledged_at) })),
  };
}
