/**
 * `scopeFor`'s decision in memory: the gates, the roles that hold the permission, and what the
 * walls hide from the actor — at most one entry per wall, and only walls touching the actor's own
 * seats and grants. scope.repository.ts turns that into one SQL filter. Kept equivalent to
 * `decide`: the decision-matrix test checks both against the same table.
 */
import { MATTER_ROLES } from '../../common/roles.js';
import type { Permission } from '../../common/permissions.js';
import type { RequestContext } from '../platform/context.js';
import { firmFacts, actorFacts, type ActorFacts, type FirmFacts } from './facts.js';
import { listGates } from './gates.js';
import { BREAK_GLASS_PERMISSIONS, FIRM_ROLE_PERMISSIONS, SEAT_CLIENT_PERMISSIONS, isFirmPermission, matterRolesWith } from './policy.js';
import { NOTHING, scopeSql, type Hidden, type ScopeFilter } from './scope.repository.js';

/** Walls that touch the actor: they are named on it, or it covers one of their seats or grants. */
function hiddenFor(firm: FirmFacts, facts: ActorFacts, userId: string): Hidden {
  const teamClients = new Set<string>();
  for (const member of facts.team.values()) teamClients.add(member.clientId);
  const hidden: Hidden = { strictMatters: [], strictClients: [], looseMatters: [], looseClients: [] };
  for (const [matterId, walls] of firm.matterWalls) {
    for (const wall of walls) {
      if (wall.kind === 'exclusionary' && wall.members.has(userId)) hidden.strictMatters.push(matterId);
      else if ((facts.team.has(matterId) || facts.grants.has(wall.clientId) || facts.breakGlass.has(matterId)) && isLoose(wall, userId)) hidden.looseMatters.push(matterId);
    }
  }
  for (const [clientId, walls] of firm.clientWalls) {
    for (const wall of walls) {
      if (wall.kind === 'exclusionary' && wall.members.has(userId)) hidden.strictClients.push(clientId);
      else if ((teamClients.has(clientId) || facts.grants.has(clientId) || [...facts.breakGlass.keys()].length > 0) && isLoose(wall, userId)) hidden.looseClients.push(clientId);
    }
  }
  return hidden;
}

/** Matters whose seat does not count for client-level data: screened, or locked to a group without the actor. */
function withheldMatters(firm: FirmFacts, userId: string): string[] {
  const ids: string[] = [];
  for (const [matterId, walls] of firm.matterWalls) if (walls.some((w) => w.members.has(userId) === (w.kind === 'exclusionary'))) ids.push(matterId);
  return ids;
}

function isLoose(wall: { kind: string; members: ReadonlySet<string>; acknowledged: ReadonlySet<string> }, userId: string): boolean {
  return (wall.kind === 'inclusionary' && !wall.members.has(userId)) || !wall.acknowledged.has(userId);
}

export async function scopeFilter(ctx: RequestContext, permission: Permission): Promise<ScopeFilter> {
  const actor = ctx.actor;
  if (actor.kind === 'anonymous') return NOTHING;
  if (actor.kind === 'system') return null;
  if (isFirmPermission(permission)) return FIRM_ROLE_PERMISSIONS[actor.role].has(permission) ? null : NOTHING;
  if (actor.role === 'client' || actor.role === 'firm_admin') return NOTHING;
  if (permission === 'matter.create' && !FIRM_ROLE_PERMISSIONS[actor.role].has(permission)) return NOTHING;

  const [firm, facts] = await Promise.all([firmFacts(ctx), actorFacts(ctx, actor.userId)]);
  const now = ctx.app.clock.now();
  for (const gate of listGates(ctx)) {
    const enabled = firm.gates.get(gate.key) ?? gate.defaultEnabled;
    if (enabled && !(await gate.isSatisfied({ ctx, actor, facts, now }))) return NOTHING;
  }
  const roles = matterRolesWith(permission);
  if (roles.length === 0) return NOTHING;

  const userId = actor.userId;
  const withBreakGlass = BREAK_GLASS_PERMISSIONS.has(permission);
  return scopeSql({
    userId,
    roles: roles.length === MATTER_ROLES.length ? null : roles,
    now,
    withBreakGlass,
    breakGlassIds: withBreakGlass ? [...facts.breakGlass.entries()].filter(([, ends]) => ends.some((e) => e > now)).map(([id]) => id) : [],
    hidden: hiddenFor(firm, facts, userId),
    seatsCount: SEAT_CLIENT_PERMISSIONS.has(permission),
    withheldMatters: () => withheldMatters(firm, userId),
  });
}
