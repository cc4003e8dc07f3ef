/** Kysely on access requests (access_requests; the reason is sealed by the service). */
import type { RequestContext } from '../platform/context.js';
import { tablesOf } from '../platform/db/database.js';
import type { AccessTables } from './access.tables.js';
import type { Scope } from './choke-point.js';

// The context's handle; never exported: SQL stays in the repositories.
const db = (ctx: RequestContext) => tablesOf<AccessTables>(ctx.db);

export type AccessRequestRow = AccessTables['access_requests'];

export async function insertRequestRow(ctx: RequestContext, row: AccessRequestRow): Promise<void> {
  await db(ctx).insertInto('access_requests').values(row).execute();
}

export async function findRequestRow(ctx: RequestContext, id: string): Promise<AccessRequestRow | undefined> {
  return db(ctx).selectFrom('access_requests').selectAll().where('id', '=', id).executeTakeFirst();
}

/** One person's requests, newest first (at most 500). */
export async function findRequestRowsOf(ctx: RequestContext, userId: string): Promise<AccessRequestRow[]> {
  return db(ctx).selectFrom('access_requests').selectAll().where('user_id', '=', userId).orderBy('requested_at', 'desc').limit(500).execute();
}

/** Pending requests on the matters in `scope` (who may decide), newest first (at most 500). */
export async function findPendingRequestRows(ctx: RequestContext, scope: Scope): Promise<AccessRequestRow[]> {
  const query = db(ctx).selectFrom('access_requests').selectAll().where('status', '=', 'pending').orderBy('requested_at', 'desc').limit(500);
  return scope.apply(query, 'matter_id', 'matter').execute();
}

export async function updateRequestDecision(ctx: RequestContext, id: string, patch: Pick<AccessRequestRow, 'status' | 'decided_at' | 'decided_by' | 'expires_at'>): Promise<void> {
  await db(ctx).updateTable('access_requests').set(patch).where('id', '=', id).execute();
}
