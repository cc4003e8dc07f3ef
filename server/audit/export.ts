/**
 * Export of the log as JSON lines: one `{ index, leaf, leafHash }` line per event (leaf in base64:
 * the exact canonical bytes), then the signed checkpoints. Anyone can recompute the tree from it.
 */
import type { AppServices } from '../platform/context.js';
import { tablesOf } from '../platform/db/database.js';
import type { AuditTables } from './audit.tables.js';
import { listCheckpoints } from './checkpoints.js';

export async function exportEvents(services: AppServices, write: (line: string) => void | Promise<void>, range: { from?: number; to?: number } = {}): Promise<number> {
  const db = tablesOf<AuditTables>(services.database.db);
  let from = (range.from ?? 0) - 1;
  let count = 0;
  for (;;) {
    let query = db.selectFrom('audit_event').select(['seq', 'leaf', 'leaf_hash']).where('seq', '>', from);
    if (range.to !== undefined) query = query.where('seq', '<', range.to);
    const rows = await query.orderBy('seq').limit(5000).execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      await write(JSON.stringify({ type: 'event', index: Number(row.seq), leaf: Buffer.from(row.leaf).toString('base64'), leafHash: Buffer.from(row.leaf_hash).toString('hex') }));
      count++;
    }
    from = Number(rows[rows.length - 1]!.seq);
  }
  for (const checkpoint of await listCheckpoints(services)) {
    await write(JSON.stringify({ type: 'checkpoint', size: checkpoint.size, root: checkpoint.root.toString('base64'), note: checkpoint.note }));
  }
  return count;
}
