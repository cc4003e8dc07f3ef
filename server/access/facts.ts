/**
 * What a decision needs, loaded once and cached in memory: firm-wide facts (walls with their
 * members and acknowledgements, gate settings) and each actor's facts (teams, grants, break-glass,
 * agreements). Both caches are keyed by the policy version token; every request reads the token
 * once (one indexed row), so a change committed by any app node is seen on the next request.
 * Every policy mutation calls `bumpPolicyVersion` FIRST in its transaction, so nothing read after
 * it can be cached under the old token; the token is random so a rolled-back bump is never reused;
 * and facts read inside a transaction are used by it but never cached for others.
 */
import type { Kysely } from 'kysely';
import type { ClientId, MatterId, UserId } from '../../common/ids.js';
import type { MatterRole } from '../../common/roles.js';
import type { RequestContext } from '../platform/context.js';
import { tablesOf } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';
import type { AccessTables, AgreementKind, WallKind } from './access.tables.js';

export interface WallFact {
  id: string;
  kind: WallKind;
  clientId: ClientId;
  matterId: MatterId | null;
  members: ReadonlySet<string>;
  acknowledged: ReadonlySet<string>;
}

export interface FirmFacts {
  version: string;
  /** Active walls on a whole client. */
  clientWalls: ReadonlyMap<string, WallFact[]>;
  /** Active walls on one matter. */
  matterWalls: ReadonlyMap<string, WallFact[]>;
  /** Gate key → enabled, for gates with a stored setting. */
  gates: ReadonlyMap<string, boolean>;
}

export interface TimedRole {
  role: MatterRole;
  expiresAt: number | null;
}

export interface ActorFacts {
  version: string;
  userId: UserId;
  /** matter → role and owning client. */
  team: ReadonlyMap<string, { role: MatterRole; clientId: ClientId; expiresAt: number | null }>;
  /** client → roles held on the whole client through grants (expiry checked per decision). */
  grants: ReadonlyMap<string, TimedRole[]>;
  /** matter → break-glass expiry times. */
  breakGlass: ReadonlyMap<string, number[]>;
  agreements: { kind: AgreementKind; expiresAt: number | null }[];
}

const versionByRequest = new Map<string, string>();
let firmCache: FirmFacts | null = null;
const actorCache = new Map<string, ActorFacts>();
// A matter's client never changes, so this map never goes stale; it is only bounded.
const matterClient = new Map<string, ClientId>();
const MAX_MATTERS_CACHED = 250_000;
const MAX_REQUESTS_REMEMBERED = 10_000;

export function db(ctx: RequestContext): Kysely<AccessTables> {
  return tablesOf<AccessTables>(ctx.db);
}

/** The policy version this request decides under (read once per request id). */
export async function policyVersion(ctx: RequestContext): Promise<string> {
  const known = versionByRequest.get(ctx.requestId);
  if (known !== undefined) return known;
  const row = readVersionFast(ctx) ?? (await db(ctx).selectFrom('access_policy_version').select('version').where('id', '=', 1).executeTakeFirstOrThrow());
  if (versionByRequest.size >= MAX_REQUESTS_REMEMBERED) versionByRequest.clear();
  versionByRequest.set(ctx.requestId, row.version);
  return row.version;
}

const versionStatements = new WeakMap<object, { get(): unknown }>();

/**
 * On SQLite, one prepared statement on the raw handle (Kysely prepares per query, ~50 µs). It runs
 * on the same single connection, so inside a transaction it sees that transaction's bump; outside
 * one it may see another request's not-yet-committed bump, which is harmless: facts built inside a
 * transaction are never cached, so that token only causes a rebuild.
 */
function readVersionFast(ctx: RequestContext): { version: string } | null {
  const sqlite = ctx.app.database.sqlite;
  if (!sqlite) return null;
  let statement = versionStatements.get(sqlite);
  if (!statement) {
    statement = sqlite.prepare('select version from access_policy_version where id = 1');
    versionStatements.set(sqlite, statement);
  }
  return statement.get() as { version: string };
}

/** Marks the policy changed; call first in the mutating transaction. */
export async function bumpPolicyVersion(ctx: RequestContext): Promise<void> {
  const version = newId();
  await db(ctx).updateTable('access_policy_version').set({ version }).where('id', '=', 1).execute();
  versionByRequest.set(ctx.requestId, version);
}

/** Forgets everything cached in this process (tests, and after a restore). */
export function clearAccessCaches(): void {
  versionByRequest.clear();
  firmCache = null;
  actorCache.clear();
  matterClient.clear();
  knownClients.clear();
}

export async function firmFacts(ctx: RequestContext): Promise<FirmFacts> {
  const version = await policyVersion(ctx);
  if (firmCache && firmCache.version === version) return firmCache;
  const d = db(ctx);
  const walls = await d.selectFrom('access_walls').select(['id', 'kind', 'client_id', 'matter_id']).where('lifted_at', 'is', null).execute();
  const members = walls.length
    ? await d.selectFrom('access_wall_members').innerJoin('access_walls', 'access_walls.id', 'access_wall_members.wall_id').select(['wall_id', 'user_id']).where('access_walls.lifted_at', 'is', null).execute()
    : [];
  const acks = walls.length
    ? await d
        .selectFrom('access_wall_acknowledgements')
        .innerJoin('access_walls', 'access_walls.id', 'access_wall_acknowledgements.wall_id')
        .select(['wall_id', 'user_id'])
        .where('access_walls.lifted_at', 'is', null)
        .execute()
    : [];
  const membersByWall = groupSets(members);
  const acksByWall = groupSets(acks);
  const clientWalls = new Map<string, WallFact[]>();
  const matterWalls = new Map<string, WallFact[]>();
  for (const wall of walls) {
    const fact: WallFact = {
      id: wall.id,
      kind: wall.kind,
      clientId: wall.client_id as ClientId,
      matterId: wall.matter_id as MatterId | null,
      members: membersByWall.get(wall.id) ?? new Set(),
      acknowledged: acksByWall.get(wall.id) ?? new Set(),
    };
    const [map, key] = wall.matter_id ? [matterWalls, wall.matter_id] : [clientWalls, wall.client_id];
    const list = map.get(key);
    if (list) list.push(fact);
    else map.set(key, [fact]);
  }
  const gateRows = await d.selectFrom('access_gate_settings').select(['gate', 'enabled']).execute();
  const facts: FirmFacts = { version, clientWalls, matterWalls, gates: new Map(gateRows.map((g) => [g.gate, g.enabled === 1])) };
  // Facts read inside a transaction may include its uncommitted changes: never share them.
  if (!ctx.db.isTransaction) firmCache = facts;
  return facts;
}

export async function actorFacts(ctx: RequestContext, userId: UserId): Promise<ActorFacts> {
  const version = await policyVersion(ctx);
  const cached = actorCache.get(userId);
  if (cached && cached.version === version) return cached;
  const d = db(ctx);
  const now = ctx.app.clock.now();
  const teamRows = await d
    .selectFrom('access_team_members')
    .innerJoin('access_matters', 'access_matters.matter_id', 'access_team_members.matter_id')
    .select(['access_team_members.matter_id', 'access_team_members.role', 'access_team_members.expires_at', 'access_matters.client_id'])
    .where('access_team_members.user_id', '=', userId)
    .execute();
  const grantRows = await d
    .selectFrom('access_client_grants')
    .select(['client_id', 'role', 'expires_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .execute();
  const breakGlassRows = await d.selectFrom('access_break_glass').select(['matter_id', 'expires_at']).where('user_id', '=', userId).where('expires_at', '>', now).execute();
  const agreementRows = await d.selectFrom('access_agreements').select(['kind', 'expires_at']).where('user_id', '=', userId).execute();
  const grants = new Map<string, TimedRole[]>();
  for (const g of grantRows) {
    const list = grants.get(g.client_id) ?? [];
    list.push({ role: g.role, expiresAt: g.expires_at === null ? null : Number(g.expires_at) });
    grants.set(g.client_id, list);
  }
  const breakGlass = new Map<string, number[]>();
  for (const b of breakGlassRows) breakGlass.set(b.matter_id, [...(breakGlass.get(b.matter_id) ?? []), Number(b.expires_at)]);
  const facts: ActorFacts = {
    version,
    userId,
    team: new Map(teamRows.map((t) => [t.matter_id, { role: t.role, clientId: t.client_id as ClientId, expiresAt: t.expires_at === null ? null : Number(t.expires_at) }])),
    grants,
    breakGlass,
    agreements: agreementRows.map((a) => ({ kind: a.kind, expiresAt: a.expires_at === null ? null : Number(a.expires_at) })),
  };
  if (!ctx.db.isTransaction) {
    if (actorCache.size >= 5_000) actorCache.clear();
    actorCache.set(userId, facts);
  }
  return facts;
}

/** The client owning `matterId`, or null when access has never heard of the matter. */
export async function clientOfMatter(ctx: RequestContext, matterId: string): Promise<ClientId | null> {
  const cached = matterClient.get(matterId);
  if (cached !== undefined) return cached;
  const row = await db(ctx).selectFrom('access_matters').select('client_id').where('matter_id', '=', matterId).executeTakeFirst();
  if (!row) return null;
  if (matterClient.size >= MAX_MATTERS_CACHED) matterClient.clear();
  matterClient.set(matterId, row.client_id as ClientId);
  return row.client_id as ClientId;
}

// Known clients (a registered client id is never reused); bounded like the matter map.
const knownClients = new Set<string>();

export async function clientExists(ctx: RequestContext, clientId: string): Promise<boolean> {
  if (knownClients.has(clientId)) return true;
  const row = await db(ctx).selectFrom('access_clients').select('client_id').where('client_id', '=', clientId).executeTakeFirst();
  if (!row) return false;
  if (knownClients.size >= MAX_MATTERS_CACHED) knownClients.clear();
  knownClients.add(clientId);
  return true;
}

function groupSets(rows: { wall_id: string; user_id: string }[]): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const row of rows) {
    const set = map.get(row.wall_id);
    if (set) set.add(row.user_id);
    else map.set(row.wall_id, new Set([row.user_id]));
  }
  return map;
}
