/** Kysely on client-wide grants (access_client_grants); a revoked or expired grant stays, as history. */
import type { RequestContext } from '../platform/context.js';
import { tablesOf } from '../platform/db/database.js';
import type { AccessTables } from './access.tables.js';

// The context's handle; never exported: SQL stays in the repositories.
const db = (ctx: RequestContext) => tablesOf<AccessTables>(ctx.db);

export type GrantRow = AccessTables['access_client_grants'];

export async function insertGrantRow(ctx: RequestContext, row: GrantRow): Promise<void> {
  await db(ctx).insertInto('access_client_grants').values(row).execute();
}

export async function findGrantRow(ctx: RequestContext, id: string): Promise<GrantRow | undefined> {
  return db(ctx).selectFrom('access_client_grants').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Ends a grant that is still in force. */
export async function markGrantRevoked(ctx: RequestContext, id: string, at: number, by: string | null): Promise<void> {
  await db(ctx).updateTable('access_client_grants').set({ revoked_at: at, revoked_by: by }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

/** Every grant on a client, current and past, newest first. */
export async function findGrantRowsOfClient(ctx: RequestContext, clientId: string): Promise<GrantRow[]> {
  return db(ctx).selectFrom('access_client_grants').selectAll().where('client_id', '=', clientId).orderBy('granted_at', 'desc').execute();
}

/** People holding a current (unrevoked, unexpired) grant on the client. */
export async function findCurrentGrantHolderIds(ctx: RequestContext, clientId: string, now: number): Promise<string[]> {
  const rows = await db(ctx)
    .selectFrom('access_client_grants')
    .select('user_id')
    .distinct()
    .where('client_id', '=', clientId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .execute();
  return rows.map((r) => r.user_id);
}

/** Every current client-wide grant (the access review's inventory). */
export async function findAllCurrentGrants(ctx: RequestContext, now: number): Promise<Pick<GrantRow, 'id' | 'client_id' | 'user_id' | 'role'>[]> {
  return db(ctx)
    .selectFrom('access_client_grants')
    .select(['id', 'client_id', 'user_id', 'role'])
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .execute();
}
