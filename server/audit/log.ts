/**
 * The append path and the tree store: events are appended in the caller's transaction (or, when
 * the caller has none, batched with concurrent callers into one durable transaction: group
 * commit), the tree state advances in the same transaction, and proofs are served from stored
 * interior nodes plus leaf hashes.
 */
import type SqliteDatabase from 'better-sqlite3';
import type { AnyDb, Database } from '../platform/db/database.js';
import { canonicalLeafBytes } from './leaf.js';
import { lockTreeState, readLeafHashes, readNodes, sqliteAppender, writeAppended, type PendingEvent, type StoredNode } from './log.repository.js';
import { CompactTree, consistencyPath, hashChildren, hashLeaf, inclusionPath, rootFromLeafHashes, splitPoint, type SubtreeHasher } from './merkle.js';
import type { AuditEventRow } from './audit.tables.js';

export { countEvents, readTreeHead, type PendingEvent, type TreeHead } from './log.repository.js';

/** Interior nodes of this level and above are stored (one row per 256 leaves, amortized). */
export const STORED_NODE_LEVEL = 8;
const BLOCK = 2 ** STORED_NODE_LEVEL;

/**
 * Appends events in `db`, which must be a transaction. Returns the index of each. O(log n) hashes
 * per event; one multi-row insert per chunk.
 *
 * On SQLite, pass the raw handle: Kysely's SQLite driver has one connection and this transaction
 * holds it, so synchronous prepared statements on that handle run inside the same transaction and
 * nothing can interleave. It avoids compiling a 20-column multi-row INSERT per batch, which
 * otherwise costs more than the hashing and the write together.
 */
export async function appendInTransaction(db: AnyDb, events: PendingEvent[], now: number, sqlite: SqliteDatabase.Database | null = null): Promise<number[]> {
  if (sqlite) return appendRawSqlite(sqlite, events, now);
  const state = await lockTreeState(db);
  const tree = CompactTree.fromBytes(state.size, state.frontier);
  const rows: AuditEventRow[] = [];
  const nodes: StoredNode[] = [];
  const indexes: number[] = [];
  for (const event of events) {
    const seq = tree.size;
    const leaf = canonicalLeafBytes(event, seq);
    const leafHash = hashLeaf(leaf);
    for (const node of tree.append(leafHash, STORED_NODE_LEVEL)) nodes.push({ level: node.level, idx: node.index, hash: node.hash });
    rows.push({ ...event, seq, leaf, leaf_hash: leafHash });
    indexes.push(seq);
  }
  await writeAppended(db, rows, nodes, { size: tree.size, frontier: tree.toBytes(), root: tree.root(), updatedAt: now });
  return indexes;
}

function appendRawSqlite(sqlite: SqliteDatabase.Database, events: PendingEvent[], now: number): number[] {
  if (!sqlite.inTransaction) throw new Error('appendInTransaction needs an open transaction');
  const appender = sqliteAppender(sqlite);
  const state = appender.readState();
  if (!state) throw new Error('audit tree state is missing');
  const tree = CompactTree.fromBytes(Number(state.size), state.frontier);
  const indexes: number[] = [];
  for (const e of events) {
    const seq = tree.size;
    const leaf = canonicalLeafBytes(e, seq);
    const leafHash = hashLeaf(leaf);
    for (const node of tree.append(leafHash, STORED_NODE_LEVEL)) appender.insertNode(node.level, node.index, node.hash);
    appender.insertEvent(seq, e, leaf, leafHash);
    indexes.push(seq);
  }
  appender.updateState(tree.size, tree.toBytes(), tree.root(), now);
  return indexes;
}

interface Waiting {
  event: PendingEvent;
  resolve: (index: number) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for events recorded outside a transaction (reads): concurrent callers' events are
 * written in one transaction, so one fsync makes them all durable. Each caller's promise resolves
 * only after the commit.
 */
export class GroupCommitter {
  private queue: Waiting[] = [];
  private flushing = false;

  constructor(
    private readonly database: Database,
    private readonly now: () => number,
    private readonly afterCommit: () => void,
    private readonly maxBatch = 5000,
  ) {}

  append(event: PendingEvent): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Let callers already running in this turn join the batch.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const indexes = await this.database.db.transaction().execute((trx) =>
          appendInTransaction(
            trx,
            batch.map((w) => w.event),
            this.now(),
            this.database.sqlite,
          ),
        );
        batch.forEach((w, i) => w.resolve(indexes[i]!));
        this.afterCommit();
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    this.flushing = false;
  }
}

/**
 * Subtree hashes from the store, for proofs: stored nodes for aligned perfect subtrees of 256+
 * leaves, leaf hashes (one 256-leaf block read at most once per proof) below that.
 */
export class TreeReader {
  private readonly blocks = new Map<number, Buffer[]>();
  private readonly nodes = new Map<string, Buffer>();

  constructor(private readonly db: AnyDb) {}

  private async leafHashes(start: number, end: number): Promise<Buffer[]> {
    const block = Math.floor(start / BLOCK);
    if (!this.blocks.has(block)) await this.load([block], []);
    const hashes = this.blocks.get(block)!;
    const offset = block * BLOCK;
    if (end - offset > hashes.length) throw new Error('audit event missing from the store');
    return hashes.slice(start - offset, end - offset);
  }

  /** Loads leaf-hash blocks and stored nodes, each set in one query. */
  private async load(blocks: number[], nodes: { level: number; idx: number }[]): Promise<void> {
    const wantedBlocks = blocks.filter((b) => !this.blocks.has(b));
    // One range query per block (a proof needs one or two): an OR of ranges would not use the index.
    for (const b of wantedBlocks) this.blocks.set(b, await readLeafHashes(this.db, b * BLOCK, (b + 1) * BLOCK));
    const wantedNodes = nodes.filter((n) => !this.nodes.has(`${n.level}:${n.idx}`));
    for (const row of await readNodes(this.db, wantedNodes)) this.nodes.set(`${row.level}:${row.idx}`, Buffer.from(row.hash));
  }

  /** Which blocks and stored nodes MTH(D[start:end]) reads (mirrors subtreeHash). */
  private plan(start: number, end: number, blocks: Set<number>, nodes: Map<string, { level: number; idx: number }>): void {
    const n = end - start;
    if (n <= BLOCK && Math.floor(start / BLOCK) === Math.floor((end - 1) / BLOCK)) {
      blocks.add(Math.floor(start / BLOCK));
      return;
    }
    if ((n & (n - 1)) === 0 && start % n === 0) {
      const level = Math.log2(n);
      nodes.set(`${level}:${start / n}`, { level, idx: start / n });
      return;
    }
    const k = splitPoint(n);
    this.plan(start, start + k, blocks, nodes);
    this.plan(start + k, end, blocks, nodes);
  }

  /** Runs a proof computation twice: first to learn which subtrees it needs (no I/O), then for real. */
  private async prefetched(compute: (subtree: SubtreeHasher) => Promise<Buffer[]>): Promise<Buffer[]> {
    const blocks = new Set<number>();
    const nodes = new Map<string, { level: number; idx: number }>();
    const zero = Buffer.alloc(32);
    await compute(async (s, e) => {
      this.plan(s, e, blocks, nodes);
      return zero;
    });
    await this.load([...blocks], [...nodes.values()]);
    return compute((s, e) => this.subtreeHash(s, e));
  }

  async subtreeHash(start: number, end: number): Promise<Buffer> {
    const n = end - start;
    if (n <= BLOCK && Math.floor(start / BLOCK) === Math.floor((end - 1) / BLOCK)) return rootFromLeafHashes(await this.leafHashes(start, end));
    if ((n & (n - 1)) === 0 && start % n === 0) {
      const level = Math.log2(n);
      const key = `${level}:${start / n}`;
      if (!this.nodes.has(key)) await this.load([], [{ level, idx: start / n }]);
      const hash = this.nodes.get(key);
      if (!hash) throw new Error('audit tree node missing from the store');
      return hash;
    }
    const k = splitPoint(n);
    return hashChildren(await this.subtreeHash(start, start + k), await this.subtreeHash(start + k, end));
  }

  async leafHash(index: number): Promise<Buffer> {
    return (await this.leafHashes(index, index + 1))[0]!;
  }

  inclusionProof(index: number, treeSize: number): Promise<Buffer[]> {
    return this.prefetched((subtree) => inclusionPath(index, 0, treeSize, subtree));
  }

  consistencyProof(first: number, second: number): Promise<Buffer[]> {
    return this.prefetched((subtree) => consistencyPath(first, second, subtree));
  }

  /** MTH of the first `size` leaves (for historical tree sizes). */
  async rootAt(size: number): Promise<Buffer> {
    if (size === 0) return rootFromLeafHashes([]);
    const [root] = await this.prefetched(async (subtree) => [await subtree(0, size)]);
    return root!;
  }
}
