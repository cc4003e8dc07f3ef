/**
 * `scopeFor` as SQL: a filter of the form `column IN (candidates) AND column NOT IN (excluded)`
 * built from uncorrelated subqueries over access's own tables, so the database plans them once
 * and no id list is ever loaded into memory. Kept equivalent to `decide` (the leak tests and the
 * decision matrix check both against each other).
 */
import { sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Permission } from '../../common/permissions.js';
import type { RequestContext } from '../platform/context.js';
import { db, firmFacts, actorFacts } from './facts.js';
import { listGates } from './gates.js';
import { BREAK_GLASS_PERMISSIONS, FIRM_ROLE_PERMISSIONS, isFirmPermission, matterRolesWith } from './policy.js';

export type ScopeBy = 'matter' | 'client';

/** Builds the WHERE expression for one column; `null` means everything is in scope. */
export type ScopeFilter = ((eb: ExpressionBuilder<any, any>, column: string, by: ScopeBy) => Expression<SqlBool>) | null; // eslint-disable-line @typescript-eslint/no-explicit-any

const NOTHING: ScopeFilter = () => sql<SqlBool>`1 = 0`;

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

  const d = db(ctx);
  const userId = actor.userId;
  const roles = matterRolesWith(permission);
  if (roles.length === 0) return NOTHING;
  const activeWalls = () => d.selectFrom('access_walls as w').where('w.lifted_at', 'is', null);
  const isMember = (eb: ExpressionBuilder<any, any>) => // eslint-disable-line @typescript-eslint/no-explicit-any
    eb.exists(d.selectFrom('access_wall_members as wm').select('wm.user_id').where('wm.wall_id', '=', sql.ref<string>('w.id')).where('wm.user_id', '=', userId));
  const hasAcknowledged = (eb: ExpressionBuilder<any, any>) => // eslint-disable-line @typescript-eslint/no-explicit-any
    eb.exists(d.selectFrom('access_wall_acknowledgements as wa').select('wa.user_id').where('wa.wall_id', '=', sql.ref<string>('w.id')).where('wa.user_id', '=', userId));
  // Walls that hide their target from this user: screened (exclusionary), not listed
  // (inclusionary), or memo not yet acknowledged. `strict` = only exclusionary walls (break-glass).
  const hiding = (strict: boolean) => (eb: ExpressionBuilder<any, any>) => // eslint-disable-line @typescript-eslint/no-explicit-any
    strict
      ? eb.and([eb('w.kind', '=', 'exclusionary'), isMember(eb)])
      : eb.or([eb.and([eb('w.kind', '=', 'exclusionary'), isMember(eb)]), eb.and([eb('w.kind', '=', 'inclusionary'), eb.not(isMember(eb))]), eb.not(hasAcknowledged(eb))]);
  const excludedMatters = (strict: boolean) =>
    activeWalls()
      .select('w.matter_id as id')
      .where('w.matter_id', 'is not', null)
      .where(hiding(strict))
      .union(
        activeWalls()
          .innerJoin('access_matters as xm', 'xm.client_id', 'w.client_id')
          .select('xm.matter_id as id')
          .where('w.matter_id', 'is', null)
          .where(hiding(strict)),
      );
  const grantedClients = () =>
    d
      .selectFrom('access_client_grants as g')
      .select('g.client_id as id')
      .where('g.user_id', '=', userId)
      .where('g.role', 'in', roles)
      .where('g.revoked_at', 'is', null)
      .where((eb) => eb.or([eb('g.expires_at', 'is', null), eb('g.expires_at', '>', now)]));

  return (eb, column, by) => {
    const ref = eb.ref(column);
    if (by === 'matter') {
      const candidates = d
        .selectFrom('access_team_members as t')
        .select('t.matter_id as id')
        .where('t.user_id', '=', userId)
        .where('t.role', 'in', roles)
        .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', now)]))
        .union(d.selectFrom('access_matters as gm').select('gm.matter_id as id').where('gm.client_id', 'in', grantedClients()));
      const normal = eb.and([eb(ref, 'in', candidates), eb(ref, 'not in', excludedMatters(false))]);
      if (!BREAK_GLASS_PERMISSIONS.has(permission)) return normal;
      const breakGlass = d.selectFrom('access_break_glass as b').select('b.matter_id as id').where('b.user_id', '=', userId).where('b.expires_at', '>', now);
      return eb.or([normal, eb.and([eb(ref, 'in', breakGlass), eb(ref, 'not in', excludedMatters(true))])]);
    }
    const teamClients = d
      .selectFrom('access_team_members as t')
      .innerJoin('access_matters as tm', 'tm.matter_id', 't.matter_id')
      .select('tm.client_id as id')
      .where('t.user_id', '=', userId)
      .where('t.role', 'in', roles)
      .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', now)]))
      .where('t.matter_id', 'not in', activeWalls().select('w.matter_id as id').where('w.matter_id', 'is not', null).where(hiding(true)));
    const excludedClients = activeWalls().select('w.client_id as id').where('w.matter_id', 'is', null).where(hiding(false));
    return eb.and([eb(ref, 'in', grantedClients().union(teamClients)), eb(ref, 'not in', excludedClients)]);
  };
}

/** Applies a filter to any select. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function applyScope<QB extends SelectQueryBuilder<any, any, any>>(filter: ScopeFilter, query: QB, column: string, by: ScopeBy): QB {
  if (filter === null) return query;
  return query.where((eb) => filter(eb, column, by)) as QB;
}
