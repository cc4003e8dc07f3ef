/** The SQL of the posture module: its daily snapshots only. */
import type { RequestContext } from '../../platform/context.js';
import { tablesOf } from '../../platform/db/database.js';
import type { PostureSnapshotsTable, PostureTables } from './posture.tables.js';

const snapshots = (ctx: RequestContext) => tablesOf<PostureTables>(ctx.db);

const normalize = (r: PostureSnapshotsTable): PostureSnapshotsTable => ({ ...r, taken_at: Number(r.taken_at), score: Number(r.score), failing: Number(r.failing) });

/** Inserts the day's snapshot unless one exists (a second node, or a second request the same day, changes nothing). */
export async function insertSnapshotOnce(ctx: RequestContext, row: PostureSnapshotsTable): Promise<boolean> {
  const inserted = await snapshots(ctx).insertInto('posture_snapshots').values(row).onConflict((oc) => oc.column('day').doNothing()).returning('id').executeTakeFirst();
  return inserted !== undefined;
}

export async function findSnapshotOfDay(ctx: RequestContext, day: string): Promise<PostureSnapshotsTable | undefined> {
  const row = await snapshots(ctx).selectFrom('posture_snapshots').selectAll().where('day', '=', day).executeTakeFirst();
  return row ? normalize(row) : undefined;
}

/** Snapshots from `fromDay` on (inclusive), oldest first. */
export async function findSnapshotsSince(ctx: RequestContext, fromDay: string): Promise<PostureSnapshotsTable[]> {
  const rows = await snapshots(ctx).selectFrom('posture_snapshots').selectAll().where('day', '>=', fromDay).orderBy('day').execute();
  return rows.map(normalize);
}
