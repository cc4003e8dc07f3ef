/** Kysely on break-glass sessions (access_break_glass; justification and review note sealed by the service). */
import type { RequestContext } from '../platform/context.js';
import { tablesOf } from '../platform/db/database.js';
import type { AccessTables } from './access.tables.js';

// The context's handle; never exported: SQL stays in the repositories.
const db = (ctx: RequestContext) => tablesOf<AccessTables>(ctx.db);

export type BreakGlassRow = AccessTables['access_break_glass'];

export async function insertBreakGlassRow(ctx: RequestContext, row: BreakGlassRow): Promise<void> {
  await db(ctx).insertInto('access_break_glass').values(row).execute();
}

export async function findBreakGlassRow(ctx: RequestContext, id: string): Promise<BreakGlassRow | undefined> {
  return db(ctx).selectFrom('access_break_glass').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Sessions, newest first (at most 500); `pendingReview`: only those not yet reviewed. */
export async function findBreakGlassRows(ctx: RequestContext, filter: { pendingReview: boolean }): Promise<BreakGlassRow[]> {
  let query = db(ctx).selectFrom('access_break_glass').selectAll().orderBy('started_at', 'desc').limit(500);
  if (filter.pendingReview) query = query.where('reviewed_at', 'is', null);
  return query.execute();
}

/** One person's sessions, newest first (at most 100). */
export async function findBreakGlassRowsOf(ctx: RequestContext, userId: string): Promise<BreakGlassRow[]> {
  return db(ctx).selectFrom('access_break_glass').selectAll().where('user_id', '=', userId).orderBy('started_at', 'desc').limit(100).execute();
}

/** Every session on one matter (the could-access report). */
export async function findBreakGlassRowsOfMatter(ctx: RequestContext, matterId: string): Promise<BreakGlassRow[]> {
  return db(ctx).selectFrom('access_break_glass').selectAll().where('matter_id', '=', matterId).execute();
}

export async function updateBreakGlassReview(ctx: RequestContext, id: string, patch: Pick<BreakGlassRow, 'reviewed_at' | 'reviewed_by' | 'review_outcome' | 'review_note'>): Promise<void> {
  await db(ctx).updateTable('access_break_glass').set(patch).where('id', '=', id).execute();
}
