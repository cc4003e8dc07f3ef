/**
 * Full verification: recompute every leaf from its columns, every leaf hash and the whole tree
 * from the events in sequence order, then check the tree state, every stored interior node, every
 * stored checkpoint (signature and root) and, optionally, a checkpoint kept outside the system.
 * Reports the first bad index: an altered, removed, reordered or inserted event is found there.
 */
import type { AppServices } from '../platform/context.js';
import type { AuditEventRow } from './audit.tables.js';
import { listCheckpointRows } from './checkpoints.repository.js';
import { canonicalLeafText, decodeLeaf } from './leaf.js';
import { STORED_NODE_LEVEL } from './log.js';
import { readAllNodes, readEventColumns, readTreeSize, readTreeState, sqliteVerifyReader } from './log.repository.js';
import { CompactTree, EMPTY_ROOT, hashLeaf } from './merkle.js';
import { loadSigningKey, openCheckpoint, parseVerifierKey } from './signing.js';

export interface VerificationReport {
  ok: boolean;
  /** Events read and recomputed. */
  events: number;
  /** Root recomputed from the events. */
  root: string;
  checkpointsChecked: number;
  nodesChecked: number;
  /** The first index at which the log is not what was recorded, or null. */
  firstBadIndex: number | null;
  /** What is wrong, at most 20 lines; indexes and sizes only, never event content. */
  problems: string[];
  durationMs: number;
}

export interface VerifyOptions {
  /** A signed checkpoint note kept outside the system (`--since-checkpoint FILE`). */
  externalCheckpoint?: string;
  /** Verifier key string to check signatures with; default: the instance's own key file. */
  verifierKey?: string;
  batchSize?: number;
}

type TreeRow = Pick<AuditEventRow, 'seq' | 'leaf' | 'leaf_hash'>;

interface Batch {
  rows: TreeRow[];
  /** Indexes whose columns disagree with their leaf → the index the leaf itself records (or null). */
  mismatched: Map<number, number | null>;
}

/**
 * Reads events in seq order, in batches. Each batch also says which events' columns disagree with
 * their leaf (edited columns, or an event moved to another index: the leaf records its index).
 */
async function* eventBatches(services: AppServices, batchSize: number): AsyncGenerator<Batch> {
  const { database } = services;
  let from = -1;
  if (database.sqlite) {
    // SQLite: the columns are compared with the leaf inside SQLite (see sqliteVerifyReader). Each
    // batch is synchronous, so nothing interleaves on the one connection.
    const reader = sqliteVerifyReader(database.sqlite);
    for (;;) {
      const rows = reader.rows(from, batchSize);
      if (rows.length === 0) return;
      const last = rows[rows.length - 1]!.seq;
      const mismatched = new Map<number, number | null>();
      for (const row of reader.mismatched(from, last)) mismatched.set(row.seq, typeof row.recorded === 'number' && Number.isSafeInteger(row.recorded) ? row.recorded : null);
      from = last;
      yield { rows, mismatched };
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  for (;;) {
    const rows = await readEventColumns(database.db, from, batchSize);
    if (rows.length === 0) return;
    from = rows[rows.length - 1]!.seq;
    const mismatched = new Map<number, number | null>();
    const treeRows: TreeRow[] = [];
    for (const row of rows) {
      const leaf = Buffer.from(row.leaf);
      if (!Buffer.from(canonicalLeafText(row), 'utf8').equals(leaf)) mismatched.set(row.seq, recordedIndex(leaf));
      treeRows.push({ seq: row.seq, leaf, leaf_hash: row.leaf_hash });
    }
    yield { rows: treeRows, mismatched };
  }
}

function recordedIndex(leaf: Buffer): number | null {
  try {
    const index = decodeLeaf(leaf).index;
    return Number.isSafeInteger(index) && index >= 0 ? index : null;
  } catch {
    return null;
  }
}

/**
 * Verifies the whole log. Appends may land while it reads (the log is live): when a run finds a
 * problem and the tree grew meanwhile, it runs again, so only findings on a log that held still
 * through a whole run are reported. Tampering persists across runs and is still found.
 */
export async function verifyLog(services: AppServices, options: VerifyOptions = {}): Promise<VerificationReport> {
  const treeSize = () => readTreeSize(services.database.db);
  let report: VerificationReport | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = await treeSize();
    report = await verifyOnce(services, options);
    if (report.ok || (await treeSize()) === before) return report;
  }
  return report!;
}

async function verifyOnce(services: AppServices, options: VerifyOptions): Promise<VerificationReport> {
  const started = performance.now();
  const problems: string[] = [];
  // Precise findings name the event itself; coarse ones (a stored node or a signed root that
  // differs) only bound where a consistent rewrite starts, and count when nothing precise was found.
  let precise: number | null = null;
  let coarse: number | null = null;
  const note = (problem: string) => {
    if (problems.length < 20) problems.push(problem);
  };
  const bad = (index: number, problem: string) => {
    if (precise === null || index < precise) precise = index;
    note(problem);
  };
  const bound = (index: number, problem: string) => {
    if (coarse === null || index < coarse) coarse = index;
    note(problem);
  };

  const db = services.database.db;
  const verifier = options.verifierKey ? parseVerifierKey(options.verifierKey) : loadSigningKey(services.config.dataDir);
  const state = await readTreeState(db);
  const checkpoints = await listCheckpointRows(db);
  const nodes = new Map<string, Buffer>();
  for (const row of await readAllNodes(db)) nodes.set(`${row.level}:${row.idx}`, Buffer.from(row.hash));

  // Tree sizes at which a root must match: stored checkpoints and the external one.
  const expected = new Map<number, { root: Buffer; label: string }[]>();
  const expect = (size: number, root: Buffer, label: string) => expected.set(size, [...(expected.get(size) ?? []), { root, label }]);
  let checkpointsChecked = 0;
  for (const row of checkpoints) {
    const size = Number(row.size);
    try {
      const opened = openCheckpoint(row.note, verifier);
      if (opened.size !== size || !opened.root.equals(Buffer.from(row.root))) bad(size, `checkpoint ${size}: stored size/root differ from its signed note`);
      expect(opened.size, opened.root, `checkpoint ${size}`);
    } catch (error) {
      bad(size, `checkpoint ${size}: ${error instanceof Error ? error.message : 'invalid'}`);
    }
    checkpointsChecked++;
  }
  if (options.externalCheckpoint !== undefined) {
    try {
      const opened = openCheckpoint(options.externalCheckpoint, verifier);
      expect(opened.size, opened.root, `external checkpoint ${opened.size}`);
      checkpointsChecked++;
    } catch (error) {
      bad(0, `external checkpoint: ${error instanceof Error ? error.message : 'invalid'}`);
    }
  }
  const checkRoots = (size: number, root: Buffer) => {
    for (const want of expected.get(size) ?? []) {
      if (!want.root.equals(root)) {
        // Leaves and hashes agree with each other but not with what was signed: a consistent
        // rewrite. The first bad event lies after the last checkpoint that still matches.
        bound(lastGoodSize, `${want.label}: root differs from the recomputed tree (rewritten between index ${lastGoodSize} and ${size - 1})`);
      } else lastGoodSize = size;
    }
  };

  let lastGoodSize = 0;
  const tree = new CompactTree();
  checkRoots(0, EMPTY_ROOT);
  let nodesChecked = 0;
  for await (const batch of eventBatches(services, options.batchSize ?? 20_000)) {
    for (const row of batch.rows) {
      const index = tree.size;
      if (row.seq !== index) {
        // A gap: events were removed (or renumbered). Stop: every later root is wrong anyway.
        bad(index, `event ${index} is missing (next stored index is ${row.seq})`);
        break;
      }
      const leaf = row.leaf;
      if (batch.mismatched.has(index)) {
        // A leaf recorded at a lower index than where it now sits means events were inserted before it.
        const recorded = batch.mismatched.get(index) ?? null;
        bad(recorded !== null && recorded < index ? recorded : index, `event ${index}: leaf bytes do not match the event's fields (altered, or moved from index ${recorded ?? '?'})`);
      }
      const leafHash = hashLeaf(leaf);
      if (!leafHash.equals(Buffer.from(row.leaf_hash))) bad(index, `event ${index}: stored leaf hash does not match the leaf`);
      for (const node of tree.append(leafHash, STORED_NODE_LEVEL)) {
        const stored = nodes.get(`${node.level}:${node.index}`);
        nodesChecked++;
        if (!stored || !stored.equals(node.hash)) bound(node.index * 2 ** node.level, `tree node ${node.level}/${node.index} does not match the events`);
      }
      if (expected.has(tree.size)) checkRoots(tree.size, tree.root());
    }
    if (problems.some((p) => p.includes('is missing'))) break;
  }

  const root = tree.root();
  for (const size of expected.keys()) {
    if (size > tree.size) bad(tree.size, `log has ${tree.size} events but a checkpoint covers ${size}: events were removed`);
  }
  if (!state) bad(0, 'tree state is missing');
  else {
    if (Number(state.size) !== tree.size) bad(Math.min(Number(state.size), tree.size), `tree state says ${Number(state.size)} events, the log holds ${tree.size}`);
    else if (!root.equals(Buffer.from(state.root))) bound(lastGoodSize, 'tree state root differs from the recomputed tree');
  }
  const firstBadIndex: number | null = precise ?? coarse;
  return {
    ok: firstBadIndex === null && problems.length === 0,
    events: tree.size,
    root: root.toString('base64'),
    checkpointsChecked,
    nodesChecked,
    firstBadIndex,
    problems,
    durationMs: Math.round(performance.now() - started),
  };
}
