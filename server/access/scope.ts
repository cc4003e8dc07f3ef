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
import { MATTER_ROLES } from '../../common/roles.js';
import type { Permission } from '../../common/permissions.js';
import type { RequestContext } from '../platform/context.js';
import { firmFacts, actorFacts, type ActorFacts, type FirmFacts } from './facts.js';
import { listGates } from './gates.js';
import { BREAK_GLASS_PERMISSIONS, FIRM_ROLE_PERMISSIONS, SEAT_CLIENT_PERMISSIONS, isFirmPermission, matterRolesWith } from './policy.js';

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
  const hidden = hiddenFor(firm, facts, userId);
  const withBreakGlass = BREAK_GLASS_PERMISSIONS.has(permission);
  const breakGlassIds = withBreakGlass ? [...facts.breakGlass.entries()].filter(([, ends]) => ends.some((e) => e > now)).map(([id]) => id) : [];
  // The filter is one SQL fragment (a single Kysely node): building and compiling dozens of
  // builder nodes per list call cost more than running the query. Values are all parameters.
  const list = (values: readonly string[]) => sql.join(values.map((v) => sql`${v}`));
  const roleFilter = (alias: string) => (roles.length === MATTER_ROLES.length ? sql`` : sql` and ${sql.ref(`${alias}.role`)} in (${list(roles)})`);
  const current = (alias: string) => sql`(${sql.ref(`${alias}.expires_at`)} is null or ${sql.ref(`${alias}.expires_at`)} > ${now})`;
  const grantedClients = sql`select g.client_id from access_client_grants g where g.user_id = ${userId}${roleFilter('g')} and g.revoked_at is null and ${current('g')}`;
  const teamSeats = sql`select t.matter_id from access_team_members t where t.user_id = ${userId}${roleFilter('t')} and ${current('t')}`;

  return (_eb, column, by) => {
    const ref = sql.ref(column);
    const parts = [];
    if (by === 'matter') {
      const breakGlass = withBreakGlass ? sql` union all select b.matter_id from access_break_glass b where b.user_id = ${userId} and b.expires_at > ${now}` : sql``;
      parts.push(sql`${ref} in (${teamSeats} union all select gm.matter_id from access_matters gm where gm.client_id in (${grantedClients})${breakGlass})`);
      if (hidden.strictMatters.length) parts.push(sql`${ref} not in (${list(hidden.strictMatters)})`);
      if (hidden.strictClients.length) parts.push(sql`${ref} not in (select sm.matter_id from access_matters sm where sm.client_id in (${list(hidden.strictClients)}))`);
      // Break-glass passes locks and unacknowledged memos, so its matters are spared here.
      const looseMatters = hidden.looseMatters.filter((id) => !breakGlassIds.includes(id));
      if (looseMatters.length) parts.push(sql`${ref} not in (${list(looseMatters)})`);
      if (hidden.looseClients.length) {
        const spare = breakGlassIds.length ? sql` and lm.matter_id not in (${list(breakGlassIds)})` : sql``;
        parts.push(sql`${ref} not in (select lm.matter_id from access_matters lm where lm.client_id in (${list(hidden.looseClients)})${spare})`);
      }
    } else {
      // A seat on a matter a wall withholds from the actor (screened, or locked to others) never
      // counts for the client's own data; and only some client permissions follow from a seat.
      const withheld = withheldMatters(firm, userId);
      const screened = withheld.length ? sql` and t.matter_id not in (${list(withheld)})` : sql``;
      const seats = SEAT_CLIENT_PERMISSIONS.has(permission)
        ? sql` union all select tm.client_id from access_team_members t join access_matters tm on tm.matter_id = t.matter_id where t.user_id = ${userId}${roleFilter('t')} and ${current('t')}${screened}`
        : sql``;
      parts.push(sql`${ref} in (${grantedClients}${seats})`);
      const hiddenClients = [...hidden.strictClients, ...hidden.looseClients];
      if (hiddenClients.length) parts.push(sql`${ref} not in (${list(hiddenClients)})`);
    }
    return sql<SqlBool>`(${sql.join(parts, sql` and `)})`;
  };
}

/** Applies a filter to any select. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function applyScope<QB extends SelectQueryBuilder<any, any, any>>(filter: ScopeFilter, query: QB, column: string, by: ScopeBy): QB {
  if (filter === null) return query;
  return query.where((eb) => filter(eb, column, by)) as QB;
}
