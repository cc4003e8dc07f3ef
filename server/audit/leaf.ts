/**
 * An audit event's leaf: its exact RFC 8785 (JCS) canonical JSON bytes. Anyone can recompute the
 * Merkle tree from these bytes without our code.
 *
 * The event shape is flat and fixed (strings, integers, absent fields omitted), so the canonical
 * form is produced by a small hand-written serializer: JCS sorts keys by UTF-16 code units and
 * serializes strings and integers exactly as ECMAScript JSON.stringify does. Verification must
 * rebuild ~10^6 leaves per second, which a generic canonicalizer cannot; leaf.test.ts proves the
 * output equals the `canonicalize` library's on random events.
 */
import type { AuditLeaf } from './audit.schemas.js';
import type { AuditEventRow } from './audit.tables.js';

type LeafColumns = Omit<AuditEventRow, 'leaf' | 'leaf_hash'>;

/** Leaf key → column, in JCS key order. */
const FIELDS: [keyof AuditLeaf, keyof LeafColumns | null][] = (
  [
    ['v', null],
    ['index', 'seq'],
    ['at', 'at'],
    ['actorType', 'actor_type'],
    ['actorId', 'actor_id'],
    ['sessionId', 'session_id'],
    ['requestId', 'request_id'],
    ['ip', 'ip'],
    ['userAgent', 'user_agent'],
    ['action', 'action'],
    ['outcome', 'outcome'],
    ['reason', 'reason'],
    ['clientId', 'client_id'],
    ['matterId', 'matter_id'],
    ['documentId', 'document_id'],
    ['userId', 'target_user_id'],
    ['otherType', 'other_type'],
    ['otherId', 'other_id'],
    ['purpose', 'purpose'],
  ] as [keyof AuditLeaf, keyof LeafColumns | null][]
).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

/** Every leaf field stored in a column, with its column (verification compares them in SQL on SQLite). */
export const LEAF_FIELD_COLUMNS: readonly (readonly [keyof AuditLeaf, keyof LeafColumns])[] = FIELDS.filter((f): f is [keyof AuditLeaf, keyof LeafColumns] => f[1] !== null);

/**
 * The canonical JSON text of the event stored in `row`'s columns (`seq`, when given, overrides
 * `row.seq`: the append path has no row object yet).
 */
export function canonicalLeafText(row: Omit<LeafColumns, 'seq'> & { seq?: number }, seq?: number): string {
  let out = '{';
  let first = true;
  for (const [key, column] of FIELDS) {
    const value = column === null ? 1 : column === 'seq' ? (seq ?? row.seq) : row[column];
    if (value === null || value === undefined) continue;
    out += `${first ? '' : ','}"${key}":${typeof value === 'number' ? String(value) : JSON.stringify(value)}`;
    first = false;
  }
  return `${out}}`;
}

export function canonicalLeafBytes(row: Omit<LeafColumns, 'seq'> & { seq?: number }, seq?: number): Buffer {
  return Buffer.from(canonicalLeafText(row, seq), 'utf8');
}

/** Decodes leaf bytes into fields (for the API); throws on bytes that are not a leaf object. */
export function decodeLeaf(bytes: Uint8Array): AuditLeaf {
  const value: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('leaf is not an object');
  return value as AuditLeaf;
}
