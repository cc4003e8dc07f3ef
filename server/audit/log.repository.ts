/**
 * SQL of the log itself: the append path (events, interior nodes, the tree state), the reads that
 * proofs and verification make, and the raw better-sqlite3 statements both use on SQLite. The
 * hashing and the tree logic stay in log.ts and verify.ts; only storage is here.
 */
import type SqliteDatabase from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { AnyDb } from '../platform/db/database.js';
import { tablesOf } from '../platform/db/database.js';
import type { AuditEventRow, AuditTables } from './audit.tables.js';
import { LEAF_FIELD_COLUMNS } from './leaf.js';

/** Rows per multi-row INSERT: below SQLite's 32766 bound variables at 20 columns per row. */
const INSERT_CHUNK = 1000;

export type PendingEvent = Omit<AuditEventRow, 'seq' | 'leaf' | 'leaf_hash'>;
export interface TreeHead {
  size: number;
  root: Buffer;
}
export interface StoredNode {
  level: number;
  idx: number;
  hash: Uint8Array;
}

function audit(db: AnyDb): Kysely<AuditTables> {
  return tablesOf<AuditTables>(db);
}

function isPostgres(db: AnyDb): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}

/** Reads the tree state, locking it on PostgreSQL so concurrent appenders queue (gapless seq). */
export async function lockTreeState(db: AnyDb): Promise<{ size: number; frontier: Uint8Array }> {
  let query = audit(db).selectFrom('audit_tree_state').select(['size', 'frontier']).where('id', '=', 1);
  // SQLite has one writer at a time already; FOR UPDATE is PostgreSQL syntax.
  if (isPostgres(db)) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw new Error('audit tree state is missing');
  return { size: Number(row.size), frontier: row.frontier };
}

/** Inserts event rows (one multi-row INSERT per chunk), their new interior nodes, and the new tree state. */
export async function writeAppended(db: AnyDb, rows: AuditEventRow[], nodes: StoredNode[], state: { size: number; frontier: Uint8Array; root: Uint8Array; updatedAt: number }): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await audit(db).insertInto('audit_event').values(rows.slice(i, i + INSERT_CHUNK)).execute();
  if (nodes.length > 0) await audit(db).insertInto('audit_node').values(nodes).execute();
  await audit(db).updateTable('audit_tree_state').set({ size: state.size, frontier: state.frontier, root: state.root, updated_at: state.updatedAt }).where('id', '=', 1).execute();
}

const EVENT_COLUMNS = [
  'seq', 'at', 'leaf', 'leaf_hash', 'actor_type', 'actor_id', 'session_id', 'request_id', 'ip', 'user_agent', 'action', 'outcome', 'reason',
  'client_id', 'matter_id', 'document_id', 'target_user_id', 'other_type', 'other_id', 'purpose',
] as const;

/**
 * The append path's prepared statements on SQLite's raw handle (prepared once per handle). They
 * run synchronously inside the caller's transaction: Kysely's SQLite driver has one connection
 * and the transaction holds it, so nothing can interleave.
 */
export interface SqliteAppender {
  readState(): { size: number; frontier: Uint8Array } | undefined;
  insertEvent(seq: number, e: PendingEvent, leaf: Buffer, leafHash: Buffer): void;
  insertNode(level: number, idx: number, hash: Buffer): void;
  updateState(size: number, frontier: Buffer, root: Buffer, now: number): void;
}
const appenders = new WeakMap<SqliteDatabase.Database, SqliteAppender>();

export function sqliteAppender(sqlite: SqliteDatabase.Database): SqliteAppender {
  let appender = appenders.get(sqlite);
  if (!appender) {
    const state = sqlite.prepare('select size, frontier from audit_tree_state where id = 1');
    const event = sqlite.prepare(`insert into audit_event (${EVENT_COLUMNS.join(', ')}) values (${EVENT_COLUMNS.map(() => '?').join(', ')})`);
    const node = sqlite.prepare('insert into audit_node (level, idx, hash) values (?, ?, ?)');
    const update = sqlite.prepare('update audit_tree_state set size = ?, frontier = ?, root = ?, updated_at = ? where id = 1');
    appender = {
      readState: () => state.get() as { size: number; frontier: Uint8Array } | undefined,
      // Positional, in EVENT_COLUMNS order.
      insertEvent: (seq, e, leaf, leafHash) =>
        void event.run(seq, e.at, leaf, leafHash, e.actor_type, e.actor_id, e.session_id, e.request_id, e.ip, e.user_agent, e.action, e.outcome, e.reason,
          e.client_id, e.matter_id, e.document_id, e.target_user_id, e.other_type, e.other_id, e.purpose),
      insertNode: (level, idx, hash) => void node.run(level, idx, hash),
      updateState: (size, frontier, root, now) => void update.run(size, frontier, root, now),
    };
    appenders.set(sqlite, appender);
  }
  return appender;
}

export async function readTreeHead(db: AnyDb): Promise<TreeHead> {
  const row = await audit(db).selectFrom('audit_tree_state').select(['size', 'root']).where('id', '=', 1).executeTakeFirstOrThrow();
  return { size: Number(row.size), root: Buffer.from(row.root) };
}

/** The whole tree state row, or undefined when it is missing (verification reports that). */
export async function readTreeState(db: AnyDb): Promise<{ size: number; root: Uint8Array } | undefined> {
  const row = await audit(db).selectFrom('audit_tree_state').select(['size', 'root']).where('id', '=', 1).executeTakeFirst();
  return row ? { size: Number(row.size), root: row.root } : undefined;
}

/** The tree size the state records, or -1 when the state is missing. */
export async function readTreeSize(db: AnyDb): Promise<number> {
  return Number((await audit(db).selectFrom('audit_tree_state').select('size').where('id', '=', 1).executeTakeFirst())?.size ?? -1);
}

/** Leaf hashes of events with start ≤ seq < end, in order (one range scan of the primary key). */
export async function readLeafHashes(db: AnyDb, start: number, end: number): Promise<Buffer[]> {
  const rows = await audit(db).selectFrom('audit_event').select('leaf_hash').where('seq', '>=', start).where('seq', '<', end).orderBy('seq').execute();
  return rows.map((r) => Buffer.from(r.leaf_hash));
}

/** Stored interior nodes by (level, idx): row-value IN, one primary-key probe per node on both databases. */
export async function readNodes(db: AnyDb, wanted: { level: number; idx: number }[]): Promise<StoredNode[]> {
  if (wanted.length === 0) return [];
  const rows = await audit(db)
    .selectFrom('audit_node')
    .select(['level', 'idx', 'hash'])
    .where((eb) => eb(eb.refTuple('level', 'idx'), 'in', wanted.map((n) => eb.tuple(n.level, n.idx))))
    .execute();
  return rows.map((r) => ({ level: Number(r.level), idx: Number(r.idx), hash: r.hash }));
}

/** Every stored interior node (verification compares each with the recomputed tree). */
export async function readAllNodes(db: AnyDb): Promise<StoredNode[]> {
  return (await audit(db).selectFrom('audit_node').selectAll().execute()).map((r) => ({ level: Number(r.level), idx: Number(r.idx), hash: r.hash }));
}

/** Counts rows so the caller can say how many events exist beyond the tree state (tampering). */
export async function countEvents(db: AnyDb): Promise<number> {
  const row = await audit(db).selectFrom('audit_event').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Events after `after` in index order with every column (verification on PostgreSQL rebuilds leaves from them). */
export async function readEventColumns(db: AnyDb, after: number, limit: number): Promise<AuditEventRow[]> {
  const rows = await audit(db).selectFrom('audit_event').select(EVENT_COLUMNS).where('seq', '>', after).orderBy('seq').limit(limit).execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq), at: Number(r.at) }));
}

/** Events after `after` in index order: index and exact leaf bytes (sinks, export). */
export async function readLeaves(db: AnyDb, after: number, limit: number, before?: number): Promise<{ seq: number; leaf: Uint8Array; leaf_hash: Uint8Array }[]> {
  let query = audit(db).selectFrom('audit_event').select(['seq', 'leaf', 'leaf_hash']).where('seq', '>', after);
  if (before !== undefined) query = query.where('seq', '<', before);
  return (await query.orderBy('seq').limit(limit).execute()).map((r) => ({ ...r, seq: Number(r.seq) }));
}

/**
 * Verification's reads on SQLite's raw handle: JS reads only (seq, leaf, leaf_hash); the columns
 * are compared with the leaf inside SQLite (json_extract in C), which is several times faster than
 * decoding 20 columns into JS strings. Reads only, each call synchronous.
 */
export interface SqliteVerifyReader {
  /** Up to `limit` events after `after`: index, leaf bytes, stored leaf hash. */
  rows(after: number, limit: number): { seq: number; leaf: Uint8Array; leaf_hash: Uint8Array }[];
  /** Events with after < seq ≤ last whose columns disagree with their leaf, and the index the leaf records. */
  mismatched(after: number, last: number): { seq: number; recorded: unknown }[];
}

export function sqliteVerifyReader(sqlite: SqliteDatabase.Database): SqliteVerifyReader {
  const statement = sqlite.prepare('select seq, leaf, leaf_hash from audit_event where seq > ? order by seq limit ?');
  const agree = LEAF_FIELD_COLUMNS.map(([field, column]) => `json_extract(t, '$.${field}') is ${column}`).join(' and ');
  const check = sqlite.prepare(
    `select seq, case when json_valid(t) then json_extract(t, '$.index') end as recorded from (select *, cast(leaf as text) as t from audit_event where seq > ? and seq <= ?) where not (json_valid(t) and json_extract(t, '$.v') is 1 and ${agree})`,
  );
  return {
    rows: (after, limit) => statement.all(after, limit) as { seq: number; leaf: Uint8Array; leaf_hash: Uint8Array }[],
    mismatched: (after, last) => check.all(after, last) as { seq: number; recorded: unknown }[],
  };
}
