/**
 * Export of the log as JSON lines: one `{ index, leaf, leafHash }` line per event (leaf in base64:
 * the exact canonical bytes), then the signed checkpoints. Anyone can recompute the tree from it.
 */
import type { AppServices } from '../platform/context.js';
import { listCheckpoints } from './checkpoints.js';
import { readLeaves } from './log.repository.js';

export async function exportEvents(services: AppServices, write: (line: string) => void | Promise<void>, range: { from?: number; to?: number } = {}): Promise<number> {
  let from = (range.from ?? 0) - 1;
  let count = 0;
  for (;;) {
    const rows = await readLeaves(services.database.db, from, 5000, range.to);
    if (rows.length === 0) break;
    for (const row of rows) {
      await write(JSON.stringify({ type: 'event', index: row.seq, leaf: Buffer.from(row.leaf).toString('base64'), leafHash: Buffer.from(row.leaf_hash).toString('hex') }));
      count++;
    }
    from = rows[rows.length - 1]!.seq;
  }
  for (const checkpoint of await listCheckpoints(services)) {
    await write(JSON.stringify({ type: 'checkpoint', size: checkpoint.size, root: checkpoint.root.toString('base64'), note: checkpoint.note }));
  }
  return count;
}
