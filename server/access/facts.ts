/**
 * What a decision needs, loaded once and cached in memory: firm-wide facts (walls with their
 * members and acknowledgements, gate settings) and each actor's facts (teams, grants, break-glass,
 * agreements). Both caches are keyed by the policy version token; every request reads the token
 * once (one indexed row), so a change committed by any app node is seen on the next request.
 * Every policy mutation calls `bumpPolicyVersion` FIRST in its transaction, so nothing read after
 * it can be cached under the old token; the token is random so a rolled-back bump is never reused;
 * and facts read inside a transaction are used by it but never cached for others. SQL: facts.repository.ts.
 */
import type { ClientId, MatterId, UserId } from '../../common/ids.js';
import type { MatterRole } from '../../common/roles.js';
import type { RequestContext } from '../platform/context.js';
import { newId } from '../platform/ids.js';
import type { AgreementKind, WallKind } from './access.tables.js';
import { findActiveWallRows, findActorRows, findClientIdOfMatter, findGateSettingRows, isClientRegistered, readPolicyVersion, writePolicyVersion } from './facts.repository.js';

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

/** The policy version this request decides under (read once per request id). */
export async function policyVersion(ctx: RequestContext): Promise<string> {
  const known = versionByRequest.get(ctx.requestId);
  if (known !== undefined) return known;
  const version = await readPolicyVersion(ctx);
  if (versionByRequest.size >= MAX_REQUESTS_REMEMBERED) versionByRequest.clear();
  versionByRequest.set(ctx.requestId, version);
  return version;
}

/** Marks the policy changed; call first in the mutating transaction. */
export async function bumpPolicyVersion(ctx: RequestContext): Promise<void> {
  const version = newId();
  await writePolicyVersion(ctx, version);
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
  const { walls, members, acks } = await findActiveWallRows(ctx);
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
  const gateRows = await findGateSettingRows(ctx);
  const facts: FirmFacts = { version, clientWalls, matterWalls, gates: new Map(gateRows.map((g) => [g.gate, g.enabled === 1])) };
  // Facts read inside a transaction may include its uncommitted changes: never share them.
  if (!ctx.db.isTransaction) firmCache = facts;
  return facts;
}

export async function actorFacts(ctx: RequestContext, userId: UserId): Promise<ActorFacts> {
  const version = await policyVersion(ctx);
  const cached = actorCache.get(userId);
  if (cached && cached.version === version) return cached;
  const rows = await findActorRows(ctx, userId, ctx.app.clock.now());
  const grants = new Map<string, TimedRole[]>();
  for (const g of rows.grants) {
    const list = grants.get(g.client_id) ?? [];
    list.push({ role: g.role, expiresAt: g.expires_at === null ? null : Number(g.expires_at) });
    grants.set(g.client_id, list);
  }
  const breakGlass = new Map<string, number[]>();
  for (const b of rows.breakGlass) breakGlass.set(b.matter_id, [...(breakGlass.get(b.matter_id) ?? []), Number(b.expires_at)]);
  const facts: ActorFacts = {
    version,
    userId,
    team: new Map(rows.team.map((t) => [t.matter_id, { role: t.role, clientId: t.client_id as ClientId, expiresAt: t.expires_at === null ? null : Number(t.expires_at) }])),
    grants,
    breakGlass,
    agreements: rows.agreements.map((a) => ({ kind: a.kind, expiresAt: a.expires_at === null ? null : Number(a.expires_at) })),
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
  const clientId = (await findClientIdOfMatter(ctx, matterId)) as ClientId | undefined;
  if (clientId === undefined) return null;
  if (matterClient.size >= MAX_MATTERS_CACHED) matterClient.clear();
  matterClient.set(matterId, clientId);
  return clientId;
}

// Known clients (a registered client id is never reused); bounded like the matter map.
const knownClients = new Set<string>();

export async function clientExists(ctx: RequestContext, clientId: string): Promise<boolean> {
  if (knownClients.has(clientId)) return true;
  if (!(await isClientRegistered(ctx, clientId))) return false;
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
