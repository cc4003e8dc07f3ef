/**
 * `scopeFor` as SQL: `column IN (candidates) AND column NOT IN (hidden)`. The candidates (the
 * actor's team seats, the matters of clients they hold grants on, break-glass sessions) are
 * subqueries over access's tables — never loaded into memory, however many there are. The hidden
 * part comes from the walls the decision engine already holds in memory (at most one entry per
 * wall, and only walls touching the actor's own seats and grants), so the database does no
 * per-wall work. A single AND, no OR, lets the planner drive the query from the candidates.
 * Kept equivalent to `decide`: the decision-matrix test checks both against the same table.
 */
import { sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Permission } from '../../common/permissions.js';
import type { RequestContext } from '../platform/context.js';
import { db, firmFacts, actorFacts, type ActorFacts, type FirmFacts } from './facts.js';
import { listGates } from './gates.js';
import { BREAK_GLASS_PERMISSIONS, FIRM_ROLE_PERMISSIONS, isFirmPermission, matterRolesWith } from './policy.js';

export type ScopeBy = 'matter' | 'client';

/** Builds the WHERE expression for one column; `null` means everything is in scope. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ScopeFilter = ((eb: ExpressionBuilder<any, any>, column: string, by: ScopeBy) => Expression<SqlBool>) | null;

const NOTHING: ScopeFilter = () => sql<SqlBool>`1 = 0`;

interface Hidden {
  /** Matters behind an exclusionary wall naming the actor (nothing opens them). */
  strictMatters: string[];
  strictClients: string[];
  /** Matters and clients withheld by a lock the actor is not on, or an unacknowledged memo. */
  looseMatters: string[];
  looseClients: string[];
}

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

function isLoose(wall: { kind: string; members: ReadonlySet<string>; acknowledged: ReadonlySet<string> }, userId: string): boolean {
  return (wall.kind === 'inclusionary' && !wall.members.has(userId)) || !wall.acknowledged.has(userId);
}

export async function scopeFilter(ctx: RequestContext, permission: Permission): Promise<ScopeFilter> {
  const actor = ctx.actor;
  if (actor.kind === 'anonymous') return NOTHING;
  if (actor.kind === 'system') return null;
  if (isFirmPermission(permission)) return FIRM_ROLE_PERMISSIONS[actor.role].has(permission) ? null : NOTHING;
  if (actor.role === 'client') return NOTHING;
  if (permission === 'matter.create' && !FIRM_ROLE_PERMISSIONS[actor.role].has(permission)) return NOTHING;

  const [firm, facts] = await Promise.all([firmFacts(ctx), actorFacts(ctx, actor.userId)]);
  const now = ctx.app.clock.now();
  for (const gate of listGates()) {
    const enabled = firm.gates.get(gate.key) ?? gate.defaultEnabled;
    if (enabled && !(await gate.isSatisfied({ ctx, actor, facts, now }))) return NOTHING;
  }
  const roles = matterRolesWith(permission);
  if (roles.length === 0) return NOTHING;

  const d = db(ctx);
  const userId = actor.userId;
  const hidden = hiddenFor(firm, facts, userId);
  const withBreakGlass = BREAK_GLASS_PERMISSIONS.has(permission);
  const breakGlassIds = withBreakGlass ? [...facts.breakGlass.entries()].filter(([, ends]) => ends.some((e) => e > now)).map(([id]) => id) : [];
  const grantedClients = () =>
    d
      .selectFrom('access_client_grants as g')
      .select('g.client_id as id')
      .where('g.user_id', '=', userId)
      .where('g.role', 'in', roles)
      .where('g.revoked_at', 'is', null)
      .where((eb) => eb.or([eb('g.expires_at', 'is', null), eb('g.expires_at', '>', now)]));
  const currentSeat = (eb: ExpressionBuilder<{ t: { expires_at: number | null } }, 't'>) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', now)]);

  return (eb, column, by) => {
    const ref = eb.ref(column);
    const conditions: Expression<SqlBool>[] = [];
    if (by === 'matter') {
      let candidates = d
        .selectFrom('access_team_members as t')
        .select('t.matter_id as id')
        .where('t.user_id', '=', userId)
        .where('t.role', 'in', roles)
        .where(currentSeat)
        // UNION ALL: duplicates are harmless inside IN and skip a sort.
        .unionAll(d.selectFrom('access_matters as gm').select('gm.matter_id as id').where('gm.client_id', 'in', grantedClients()));
      if (withBreakGlass) candidates = candidates.unionAll(d.selectFrom('access_break_glass as b').select('b.matter_id as id').where('b.user_id', '=', userId).where('b.expires_at', '>', now));
      conditions.push(eb(ref, 'in', candidates));
      if (hidden.strictMatters.length) conditions.push(eb(ref, 'not in', hidden.strictMatters));
      if (hidden.strictClients.length) conditions.push(eb(ref, 'not in', d.selectFrom('access_matters as sm').select('sm.matter_id').where('sm.client_id', 'in', hidden.strictClients)));
      // Break-glass passes locks and unacknowledged memos, so its matters are spared here.
      const looseMatters = hidden.looseMatters.filter((id) => !breakGlassIds.includes(id));
      if (looseMatters.length) conditions.push(eb(ref, 'not in', looseMatters));
      if (hidden.looseClients.length) {
        let looseClientMatters = d.selectFrom('access_matters as lm').select('lm.matter_id').where('lm.client_id', 'in', hidden.looseClients);
        if (breakGlassIds.length) looseClientMatters = looseClientMatters.where('lm.matter_id', 'not in', breakGlassIds);
        conditions.push(eb(ref, 'not in', looseClientMatters));
      }
      return eb.and(conditions);
    }
    let teamClients = d.selectFrom('access_team_members as t').innerJoin('access_matters as tm', 'tm.matter_id', 't.matter_id').select('tm.client_id as id').where('t.user_id', '=', userId).where('t.role', 'in', roles).where(currentSeat);
    // A seat on a matter the actor is screened from never counts for the client's own data.
    if (hidden.strictMatters.length) teamClients = teamClients.where('t.matter_id', 'not in', hidden.strictMatters);
    conditions.push(eb(ref, 'in', grantedClients().unionAll(teamClients)));
    const hiddenClients = [...hidden.strictClients, ...hidden.looseClients];
    if (hiddenClients.length) conditions.push(eb(ref, 'not in', hiddenClients));
    return eb.and(conditions);
  };
}

/** Applies a filter to any select. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function applyScope<QB extends SelectQueryBuilder<any, any, any>>(filter: ScopeFilter, query: QB, column: string, by: ScopeBy): QB {
  if (filter === null) return query;
  return query.where((eb) => filter(eb, column, by)) as QB;
}
