/**
 * Kysely on what a decision reads: the policy version token, the firm's walls and gate settings,
 * one actor's seats, grants, break-glass and agreements, and which client owns a matter. Also
 * where a new client or matter is registered (access_clients, access_matters, the creator's seat
 * or grant). Every function takes the context's handle (a transaction or not); facts.ts caches.
 */
import type { UserId } from '../../common/ids.js';
import type { RequestContext } from '../platform/context.js';
import { tablesOf } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';
import type { AccessTables } from './access.tables.js';

// The context's handle; never exported: SQL stays in the repositories.
const db = (ctx: RequestContext) => tablesOf<AccessTables>(ctx.db);

const versionStatements = new WeakMap<object, { get(): unknown }>();

/** The current policy version token (one indexed row). */
export async function readPolicyVersion(ctx: RequestContext): Promise<string> {
  return (readVersionFast(ctx) ?? (await db(ctx).selectFrom('access_policy_version').select('version').where('id', '=', 1).executeTakeFirstOrThrow())).version;
}

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

export async function writePolicyVersion(ctx: RequestContext, version: string): Promise<void> {
  await db(ctx).updateTable('access_policy_version').set({ version }).where('id', '=', 1).execute();
}

/** Active walls, and the members and acknowledgements of active walls. */
export async function findActiveWallRows(ctx: RequestContext) {
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
  return { walls, members, acks };
}

export async function findGateSettingRows(ctx: RequestContext): Promise<Pick<AccessTables['access_gate_settings'], 'gate' | 'enabled'>[]> {
  return db(ctx).selectFrom('access_gate_settings').select(['gate', 'enabled']).execute();
}

/** One actor's seats (with each matter's client), current grants, running break-glass and agreements. */
export async function findActorRows(ctx: RequestContext, userId: UserId, now: number) {
  const d = db(ctx);
  const team = await d
    .selectFrom('access_team_members')
    .innerJoin('access_matters', 'access_matters.matter_id', 'access_team_members.matter_id')
    .select(['access_team_members.matter_id', 'access_team_members.role', 'access_team_members.expires_at', 'access_matters.client_id'])
    .where('access_team_members.user_id', '=', userId)
    .execute();
  const grants = await d
    .selectFrom('access_client_grants')
    .select(['client_id', 'role', 'expires_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .execute();
  const breakGlass = await d.selectFrom('access_break_glass').select(['matter_id', 'expires_at']).where('user_id', '=', userId).where('expires_at', '>', now).execute();
  const agreements = await d.selectFrom('access_agreements').select(['kind', 'expires_at']).where('user_id', '=', userId).execute();
  return { team, grants, breakGlass, agreements };
}

/** The client owning `matterId`, or undefined when access has never heard of the matter. */
export async function findClientIdOfMatter(ctx: RequestContext, matterId: string): Promise<string | undefined> {
  return (await db(ctx).selectFrom('access_matters').select('client_id').where('matter_id', '=', matterId).executeTakeFirst())?.client_id;
}

export async function findMatterIdsOfClient(ctx: RequestContext, clientId: string): Promise<string[]> {
  return (await db(ctx).selectFrom('access_matters').select('matter_id').where('client_id', '=', clientId).orderBy('created_at').limit(5000).execute()).map((r) => r.matter_id);
}

export async function isClientRegistered(ctx: RequestContext, clientId: string): Promise<boolean> {
  return (await db(ctx).selectFrom('access_clients').select('client_id').where('client_id', '=', clientId).executeTakeFirst()) !== undefined;
}

/** A new matter and its lead's seat (with its history row), inside the creating transaction. */
export async function insertMatterRegistration(ctx: RequestContext, matter: { matterId: string; clientId: string; leadUserId: string }, now: number): Promise<void> {
  const d = db(ctx);
  await d.insertInto('access_matters').values({ matter_id: matter.matterId, client_id: matter.clientId, created_at: now }).execute();
  await d.insertInto('access_team_members').values({ matter_id: matter.matterId, user_id: matter.leadUserId, role: 'lead_attorney', added_at: now, added_by: matter.leadUserId, expires_at: null }).execute();
  await d.insertInto('access_team_history').values({ id: newId(), matter_id: matter.matterId, user_id: matter.leadUserId, role: 'lead_attorney', at: now, by_user_id: matter.leadUserId, expires_at: null }).execute();
}

/** A new client and its creator's client-wide lead-attorney grant, inside the creating transaction. */
export async function insertClientRegistration(ctx: RequestContext, client: { clientId: string; creatorUserId: string }, now: number): Promise<void> {
  const d = db(ctx);
  await d.insertInto('access_clients').values({ client_id: client.clientId, created_by: client.creatorUserId, created_at: now }).execute();
  await d
    .insertInto('access_client_grants')
    .values({
      id: newId(),
      client_id: client.clientId,
      user_id: client.creatorUserId,
      role: 'lead_attorney',
      granted_at: now,
      granted_by: client.creatorUserId,
      expires_at: null,
      revoked_at: null,
      revoked_by: null,
      reason: 'creator',
    })
    .execute();
}
