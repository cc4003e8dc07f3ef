/** Kysely on ethical walls: the walls (memo sealed by the service), their members and the memo acknowledgements. */
import type { RequestContext } from '../platform/context.js';
import { tablesOf } from '../platform/db/database.js';
import type { AccessTables } from './access.tables.js';

// The context's handle; never exported: SQL stays in the repositories.
const db = (ctx: RequestContext) => tablesOf<AccessTables>(ctx.db);

export type WallRow = AccessTables['access_walls'];

export async function insertWall(ctx: RequestContext, row: WallRow, userIds: string[]): Promise<void> {
  await db(ctx).insertInto('access_walls').values(row).execute();
  await db(ctx).insertInto('access_wall_members').values(userIds.map((userId) => ({ wall_id: row.id, user_id: userId }))).execute();
}

export async function findWallRow(ctx: RequestContext, wallId: string): Promise<WallRow | undefined> {
  return db(ctx).selectFrom('access_walls').selectAll().where('id', '=', wallId).executeTakeFirst();
}

/** Marks an active wall lifted (a lifted wall stays, as history). */
export async function markWallLifted(ctx: RequestContext, wallId: string, at: number, by: string | null): Promise<void> {
  await db(ctx).updateTable('access_walls').set({ lifted_at: at, lifted_by: by }).where('id', '=', wallId).where('lifted_at', 'is', null).execute();
}

/** Ids of walls, newest first, at most 500. */
export async function findWallIds(ctx: RequestContext, filter: { clientId?: string | undefined; matterId?: string | undefined; active?: boolean | undefined }): Promise<string[]> {
  let query = db(ctx).selectFrom('access_walls').select('id').orderBy('created_at', 'desc').limit(500);
  if (filter.clientId) query = query.where('client_id', '=', filter.clientId);
  if (filter.matterId) query = query.where('matter_id', '=', filter.matterId);
  if (filter.active === true) query = query.where('lifted_at', 'is', null);
  if (filter.active === false) query = query.where('lifted_at', 'is not', null);
  return (await query.execute()).map((r) => r.id);
}

/** Every wall on a client (on the client or one of its matters), active or lifted. */
export async function findWallRowsOfClient(ctx: RequestContext, clientId: string): Promise<WallRow[]> {
  return db(ctx).selectFrom('access_walls').selectAll().where('client_id', '=', clientId).execute();
}

export async function isWallMember(ctx: RequestContext, wallId: string, userId: string): Promise<boolean> {
  return (await db(ctx).selectFrom('access_wall_members').select('user_id').where('wall_id', '=', wallId).where('user_id', '=', userId).executeTakeFirst()) !== undefined;
}

/** Members of several walls, in member id order. */
export async function findWallMemberRows(ctx: RequestContext, wallIds: string[]): Promise<AccessTables['access_wall_members'][]> {
  if (wallIds.length === 0) return [];
  return db(ctx).selectFrom('access_wall_members').selectAll().where('wall_id', 'in', wallIds).orderBy('user_id').execute();
}

export async function hasAcknowledged(ctx: RequestContext, wallId: string, userId: string): Promise<boolean> {
  return (await db(ctx).selectFrom('access_wall_acknowledgements').select('user_id').where('wall_id', '=', wallId).where('user_id', '=', userId).executeTakeFirst()) !== undefined;
}

export async function insertAcknowledgement(ctx: RequestContext, row: AccessTables['access_wall_acknowledgements']): Promise<void> {
  await db(ctx).insertInto('access_wall_acknowledgements').values(row).execute();
}

/** Who acknowledged the memos of several walls, and when, in that order. */
export async function findAcknowledgementRows(ctx: RequestContext, wallIds: string[]): Promise<AccessTables['access_wall_acknowledgements'][]> {
  if (wallIds.length === 0) return [];
  return db(ctx).selectFrom('access_wall_acknowledgements').selectAll().where('wall_id', 'in', wallIds).orderBy('acknowledged_at').orderBy('user_id').execute();
}

/** Several walls by id (any order). */
export async function findWallRows(ctx: RequestContext, wallIds: string[]): Promise<WallRow[]> {
  if (wallIds.length === 0) return [];
  return db(ctx).selectFrom('access_walls').selectAll().where('id', 'in', wallIds).execute();
}
