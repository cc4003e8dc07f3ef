/**
 * `scopeFor` as SQL: `column IN (candidates) AND column NOT IN (hidden)`. The candidates (the
 * actor's team seats, the matters of clients they hold grants on, break-glass sessions) are
 * subqueries over access's tables — never loaded into memory, however many there are. What is
 * hidden (scope.ts works it out from the walls the decision engine holds in memory) arrives as
 * id lists, so the database does no per-wall work. A single AND, no OR, lets the planner drive the
 * query from the candidates.
 */
import { sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { MatterRole } from '../../common/roles.js';

export type ScopeBy = 'matter' | 'client';

/** Builds the WHERE expression for one column; `null` means everything is in scope. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ScopeFilter = ((eb: ExpressionBuilder<any, any>, column: string, by: ScopeBy) => Expression<SqlBool>) | null;

/** The empty scope. */
export const NOTHING: ScopeFilter = () => sql<SqlBool>`1 = 0`;

export interface Hidden {
  /** Matters behind an exclusionary wall naming the actor (nothing opens them). */
  strictMatters: string[];
  strictClients: string[];
  /** Matters and clients withheld by a lock the actor is not on, or an unacknowledged memo. */
  looseMatters: string[];
  looseClients: string[];
}

/** What the filter is built from (all decided in memory by scope.ts). */
export interface ScopeInput {
  userId: string;
  /** The matter roles holding the permission; null when every role does (no role condition). */
  roles: readonly MatterRole[] | null;
  now: number;
  /** Whether running break-glass sessions count, and which matters they are on. */
  withBreakGlass: boolean;
  breakGlassIds: string[];
  hidden: Hidden;
  /** For client rows: whether a seat on one of the client's matters counts, and the matters whose seat never does (worked out only for client rows). */
  seatsCount: boolean;
  withheldMatters: () => string[];
}

/** The SQL filter for one actor and permission. Values are all parameters. */
export function scopeSql(input: ScopeInput): ScopeFilter {
  const { userId, roles, now, withBreakGlass, breakGlassIds, hidden } = input;
  // The filter is one SQL fragment (a single Kysely node): building and compiling dozens of
  // builder nodes per list call cost more than running the query.
  const list = (values: readonly string[]) => sql.join(values.map((v) => sql`${v}`));
  const roleFilter = (alias: string) => (roles === null ? sql`` : sql` and ${sql.ref(`${alias}.role`)} in (${list(roles)})`);
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
      const withheld = input.withheldMatters();
      const screened = withheld.length ? sql` and t.matter_id not in (${list(withheld)})` : sql``;
      const seats = input.seatsCount
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
