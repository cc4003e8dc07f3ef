/**
 * "Who could access this client or matter, on a date or over a range", computed from history
 * rows (team changes, grants, break-glass, walls) that are never overwritten. Gates and memo
 * acknowledgements are per-session conditions, not history, so the answer is an upper bound:
 * nobody outside it could have opened the data. "Who did" comes from the audit log
 * (GET /api/v1/audit/reports/access and /audit/reports/person-matter, with proofs).
 */
import type { ClientId, MatterId } from '../../common/ids.js';
import type { MatterRole } from '../../common/roles.js';
import type { RequestContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { findMatterIdsOfClient } from './facts.repository.js';
import { findBreakGlassRowsOfMatter } from './break-glass.repository.js';
import { findGrantRowsOfClient } from './grants.repository.js';
import { findTeamHistoryRows } from './team.repository.js';
import { findWallMemberRows, findWallRowsOfClient } from './walls.repository.js';
import { requireAccess, type Authorized } from './choke-point.js';
import type { ClientTarget, MatterTarget, ObjectTarget } from './targets.js';
import { describeTargets } from './labels.js';
import { clientRef, matterRef, nameOf, type ClientRef, type MatterRef } from './named.js';

const OPEN = Number.MAX_SAFE_INTEGER;

export interface AccessPeriod {
  from: number;
  /** null: still open at the end of the range asked about. */
  until: number | null;
  basis: 'team' | 'grant' | 'break_glass';
  role: MatterRole | null;
  matterId: string | null;
  /** The matter's number, when it is known. */
  matterNumber?: string;
}

export interface CouldAccessReport {
  clientId: string;
  client: ClientRef | null;
  matterId: string | null;
  matter: MatterRef | null;
  from: number;
  to: number;
  people: { userId: string; name: string | null; periods: AccessPeriod[] }[];
}

type Interval = [number, number];

interface Basis {
  userId: string;
  interval: Interval;
  basis: AccessPeriod['basis'];
  role: MatterRole | null;
  matterId: string | null;
}

interface WallSpan {
  kind: 'exclusionary' | 'inclusionary';
  matterId: string | null;
  interval: Interval;
  members: Set<string>;
}

/** Throws ACCESS_DENIED (unknown target or no access.report.read), VALIDATION_FAILED (range). */
export async function couldAccess(ctx: RequestContext, input: { clientId?: string | undefined; matterId?: string | undefined; from: number; to: number }): Promise<CouldAccessReport> {
  if ((input.clientId === undefined) === (input.matterId === undefined)) {
    throw new AppError('VALIDATION_FAILED', 'Give exactly one of clientId or matterId', [{ path: 'querystring.clientId', message: 'exactly one of clientId or matterId is required' }]);
  }
  if (input.to < input.from) throw new AppError('VALIDATION_FAILED', 'to must not be before from', [{ path: 'querystring.to', message: 'must not be before from' }]);
  const target = input.matterId
    ? await requireAccess(ctx, 'access.report.read', { kind: 'matter', matterId: input.matterId as MatterId }, { purpose: 'could-access report' })
    : await requireAccess(ctx, 'access.report.read', { kind: 'client', clientId: input.clientId as ClientId }, { purpose: 'could-access report' });
  return computeCouldAccess(ctx, target.clientId!, input.matterId ?? null, input.from, input.to);
}

/**
 * Who can open the authorized client's data right now (team seats, client-wide grants, walls
 * applied): the client's own portal asks it after deciding portal.read on the client. Screened
 * people are left out by the walls' cuts, as in the report.
 */
export async function couldAccessNow(ctx: RequestContext, auth: Authorized<ClientTarget | MatterTarget | ObjectTarget>): Promise<CouldAccessReport> {
  const now = ctx.app.clock.now();
  if (!auth.clientId) throw new AppError('ACCESS_DENIED', 'Not found');
  return computeCouldAccess(ctx, auth.clientId, null, now, now);
}

/** The ids of the authorized client's matters (access's own records). */
export async function matterIdsOfClient(ctx: RequestContext, auth: Authorized<ClientTarget>): Promise<string[]> {
  return findMatterIdsOfClient(ctx, auth.clientId);
}

async function computeCouldAccess(ctx: RequestContext, clientId: string, matterId: string | null, from: number, to: number): Promise<CouldAccessReport> {
  const input = { from, to };
  const bases: Basis[] = [];

  const history = await findTeamHistoryRows(ctx, { matterId, clientId });
  const byMember = new Map<string, typeof history>();
  for (const row of history) {
    const key = `${row.matter_id} ${row.user_id}`;
    byMember.set(key, [...(byMember.get(key) ?? []), row]);
  }
  for (const rows of byMember.values()) {
    rows.forEach((row, i) => {
      if (row.role === null) return;
      const next = rows[i + 1];
      const end = Math.min(next ? Number(next.at) : OPEN, row.expires_at === null ? OPEN : Number(row.expires_at));
      bases.push({ userId: row.user_id, interval: [Number(row.at), end], basis: 'team', role: row.role, matterId: row.matter_id });
    });
  }
  const grants = await findGrantRowsOfClient(ctx, clientId);
  for (const g of grants) {
    const end = Math.min(g.revoked_at === null ? OPEN : Number(g.revoked_at), g.expires_at === null ? OPEN : Number(g.expires_at));
    bases.push({ userId: g.user_id, interval: [Number(g.granted_at), end], basis: 'grant', role: g.role, matterId: null });
  }
  if (matterId) {
    const glass = await findBreakGlassRowsOfMatter(ctx, matterId);
    for (const b of glass) bases.push({ userId: b.user_id, interval: [Number(b.started_at), Number(b.expires_at)], basis: 'break_glass', role: null, matterId });
  }

  const wallRows = await findWallRowsOfClient(ctx, clientId);
  const members = await findWallMemberRows(ctx, wallRows.map((w) => w.id));
  const walls: WallSpan[] = wallRows
    .filter((w) => w.matter_id === null || matterId === null || w.matter_id === matterId)
    .map((w) => ({
      kind: w.kind,
      matterId: w.matter_id,
      interval: [Number(w.created_at), w.lifted_at === null ? OPEN : Number(w.lifted_at)],
      members: new Set(members.filter((m) => m.wall_id === w.id).map((m) => m.user_id)),
    }));

  const range: Interval = [input.from, input.to + 1];
  const people = new Map<string, AccessPeriod[]>();
  for (const basis of bases) {
    // Walls on another matter of the client do not touch a client-wide grant's other matters; on a
    // client report a team seat is cut by walls on that seat's matter and on the whole client.
    const applicable = walls.filter((w) => w.matterId === null || basis.matterId === null || w.matterId === basis.matterId);
    const cuts = applicable.filter((w) => (w.kind === 'exclusionary' ? w.members.has(basis.userId) : basis.basis !== 'break_glass' && !w.members.has(basis.userId))).map((w) => w.interval);
    for (const [from, until] of subtract(intersect(basis.interval, range), cuts)) {
      const periods = people.get(basis.userId) ?? [];
      periods.push({ from, until: until >= OPEN || until > input.to ? null : until, basis: basis.basis, role: basis.role, matterId: basis.matterId });
      people.set(basis.userId, periods);
    }
  }
  const periodMatters = [...people.values()].flatMap((periods) => periods.map((p) => p.matterId));
  const labels = await describeTargets(ctx, { userIds: [...people.keys()], matterIds: [matterId, ...periodMatters], clientIds: [clientId] });
  for (const periods of people.values()) {
    for (const period of periods) {
      const number = period.matterId ? labels.matters.get(period.matterId)?.number : undefined;
      if (number !== undefined) period.matterNumber = number;
    }
  }
  return {
    clientId,
    client: clientRef(labels, clientId),
    matterId,
    matter: matterRef(labels, matterId),
    from: input.from,
    to: input.to,
    people: [...people.entries()].map(([userId, periods]) => ({ userId, name: nameOf(labels, userId), periods: periods.sort((a, b) => a.from - b.from) })).sort((a, b) => a.userId.localeCompare(b.userId)),
  };
}

function intersect(a: Interval, b: Interval): Interval[] {
  const from = Math.max(a[0], b[0]);
  const until = Math.min(a[1], b[1]);
  return from < until ? [[from, until]] : [];
}

/** `pieces` minus every cut, as half-open intervals. */
export function subtract(pieces: Interval[], cuts: Interval[]): Interval[] {
  let result = pieces;
  for (const [cutFrom, cutUntil] of cuts) {
    const next: Interval[] = [];
    for (const [from, until] of result) {
      if (cutUntil <= from || cutFrom >= until) next.push([from, until]);
      else {
        if (cutFrom > from) next.push([from, cutFrom]);
        if (cutUntil < until) next.push([cutUntil, until]);
      }
    }
    result = next;
  }
  return result;
}
