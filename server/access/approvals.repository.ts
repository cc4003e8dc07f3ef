/** Kysely on two-person approvals (access_approvals). */
import type { RequestContext } from '../platform/context.js';
import { tablesOf } from '../platform/db/database.js';
import type { AccessTables, ApprovalStatus } from './access.tables.js';

// The context's handle; never exported: SQL stays in the repositories.
const db = (ctx: RequestContext) => tablesOf<AccessTables>(ctx.db);

export type ApprovalRow = AccessTables['access_approvals'];

export async function insertApprovalRow(ctx: RequestContext, row: ApprovalRow): Promise<void> {
  await db(ctx).insertInto('access_approvals').values(row).execute();
}

export async function findApprovalRow(ctx: RequestContext, id: string): Promise<ApprovalRow | undefined> {
  return db(ctx).selectFrom('access_approvals').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The approval, only if `userId` filed it. */
export async function findOwnApprovalRow(ctx: RequestContext, id: string, userId: string): Promise<ApprovalRow | undefined> {
  return db(ctx).selectFrom('access_approvals').selectAll().where('id', '=', id).where('requested_by', '=', userId).executeTakeFirst();
}

/**
 * Decides a request that is still pending; false when it no longer is (the conditional update
 * makes two approvers racing for one request decide it once).
 */
export async function decidePendingApproval(ctx: RequestContext, id: string, patch: { status: ApprovalStatus; decided_by: string; decided_at: number }): Promise<boolean> {
  const updated = await db(ctx).updateTable('access_approvals').set(patch).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** Requests `userId` filed, newest first (at most 500). */
export async function findApprovalRowsFiledBy(ctx: RequestContext, userId: string): Promise<ApprovalRow[]> {
  return db(ctx).selectFrom('access_approvals').selectAll().where('requested_by', '=', userId).orderBy('requested_at', 'desc').limit(500).execute();
}

/** Pending, unexpired requests of `kinds` filed by someone else and not about `userId`, newest first (at most 500). */
export async function findApprovalRowsDecidableBy(ctx: RequestContext, userId: string, kinds: string[], now: number): Promise<ApprovalRow[]> {
  if (kinds.length === 0) return [];
  return db(ctx)
    .selectFrom('access_approvals')
    .selectAll()
    .where('status', '=', 'pending')
    .where('expires_at', '>', now)
    .where('kind', 'in', kinds)
    .where('requested_by', '!=', userId)
    .where((eb) => eb.or([eb('subject_user_id', 'is', null), eb('subject_user_id', '!=', userId)]))
    .orderBy('requested_at', 'desc')
    .limit(500)
    .execute();
}

/** Pending, unexpired requests of one kind (few at a time: the caller filters by payload). */
export async function findPendingApprovalRowsOfKind(ctx: RequestContext, kind: string, now: number): Promise<ApprovalRow[]> {
  return db(ctx).selectFrom('access_approvals').selectAll().where('kind', '=', kind).where('status', '=', 'pending').where('expires_at', '>', now).orderBy('requested_at', 'desc').limit(500).execute();
}
