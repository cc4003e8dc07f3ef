/**
 * RFC 9162 (Certificate Transparency v2) Merkle tree hashing, proofs and their verification.
 * Written by hand (it is the heart of our domain and ~200 lines); checked against the RFC 6962 /
 * CT reference test vectors in merkle.test.ts.
 *
 * - leaf hash  = SHA-256(0x00 || leaf bytes)
 * - node hash  = SHA-256(0x01 || left || right)
 * - MTH of an empty tree = SHA-256("")
 * - A tree of n leaves splits at k, the largest power of two smaller than n.
 */
import { createHash } from 'node:crypto';

export const HASH_SIZE = 32;
const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

export function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

export function hashLeaf(leaf: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();
}

export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

export const EMPTY_ROOT: Buffer = sha256(new Uint8Array(0));

/** The largest power of two strictly smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH over leaf hashes (not leaf bytes), recursively as the RFC defines it. */
export function rootFromLeafHashes(hashes: readonly Uint8Array[], start = 0, end = hashes.length): Buffer {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return Buffer.from(hashes[start]!);
  const k = splitPoint(n);
  return hashChildren(rootFromLeafHashes(hashes, start, start + k), rootFromLeafHashes(hashes, start + k, end));
}

/**
 * The incremental state of a growing tree: the roots of its perfect subtrees from left to right
 * (the "compact range" / frontier, one per set bit of `size`). Appending is O(log n) hashes, and
 * the root is folded from the frontier right to left.
 */
export class CompactTree {
  constructor(
    public size = 0,
    /** Perfect-subtree roots, largest (leftmost) first. */
    public frontier: Buffer[] = [],
  ) {}

  static fromBytes(size: number, bytes: Uint8Array): CompactTree {
    const frontier: Buffer[] = [];
    for (let offset = 0; offset < bytes.length; offset += HASH_SIZE) frontier.push(Buffer.from(bytes.subarray(offset, offset + HASH_SIZE)));
    if (frontier.length !== popcount(size)) throw new Error('Tree state is corrupt: frontier does not match size');
    return new CompactTree(size, frontier);
  }

  toBytes(): Buffer {
    return Buffer.concat(this.frontier);
  }

  /**
   * Appends one leaf hash. Returns the perfect subtrees completed by this append as
   * `{ level, index, hash }` (level 0 is the leaf itself), so callers can store interior nodes.
   */
  append(leafHash: Buffer, minLevel = 0): { level: number; index: number; hash: Buffer }[] {
    // Only subtrees at or above `minLevel` are reported (callers storing nodes skip the low ones;
    // not allocating them matters on the append hot path).
    const completed: { level: number; index: number; hash: Buffer }[] = [];
    let hash = leafHash;
    let level = 0;
    let position = this.size; // index of the new node at `level`
    if (minLevel === 0) completed.push({ level, index: position, hash });
    // Each trailing 1 bit of the old size is a left sibling waiting for this subtree.
    let size = this.size;
    while (size & 1) {
      const left = this.frontier.pop()!;
      hash = hashChildren(left, hash);
      level++;
      position = Math.floor(position / 2);
      if (level >= minLevel) completed.push({ level, index: position, hash });
      size = Math.floor(size / 2);
    }
    this.frontier.push(hash);
    this.size++;
    return completed;
  }

  root(): Buffer {
    if (this.frontier.length === 0) return EMPTY_ROOT;
    let hash = this.frontier[this.frontier.length - 1]!;
    for (let i = this.frontier.length - 2; i >= 0; i--) hash = hashChildren(this.frontier[i]!, hash);
    return hash;
  }

  clone(): CompactTree {
    return new CompactTree(this.size, [...this.frontier]);
  }
}

function popcount(n: number): number {
  let count = 0;
  while (n > 0) {
    count += n % 2;
    n = Math.floor(n / 2);
  }
  return count;
}

/**
 * Where proofs get subtree hashes from: MTH(D[start:end]) for any subtree the RFC recursion
 * visits. The store serves it from stored interior nodes and leaf hashes.
 */
export type SubtreeHasher = (start: number, end: number) => Promise<Buffer>;

/** RFC 9162 §2.1.3.1 PATH(m, D[start:end]), m relative to start. */
export async function inclusionPath(m: number, start: number, end: number, subtree: SubtreeHasher): Promise<Buffer[]> {
  const n = end - start;
  if (n <= 1) return [];
  const k = splitPoint(n);
  if (m < k) return [...(await inclusionPath(m, start, start + k, subtree)), await subtree(start + k, end)];
  return [...(await inclusionPath(m - k, start + k, end, subtree)), await subtree(start, start + k)];
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]) via SUBPROOF(m, D[start:end], b). */
export async function consistencyPath(m: number, n: number, subtree: SubtreeHasher): Promise<Buffer[]> {
  if (m <= 0 || m >= n) return [];
  return subproof(m, 0, n, true, subtree);
}

async function subproof(m: number, start: number, end: number, isComplete: boolean, subtree: SubtreeHasher): Promise<Buffer[]> {
  const n = end - start;
  if (m === n) return isComplete ? [] : [await subtree(start, end)];
  const k = splitPoint(n);
  if (m <= k) return [...(await subproof(m, start, start + k, isComplete, subtree)), await subtree(start + k, end)];
  return [...(await subproof(m - k, start + k, end, false, subtree)), await subtree(start, start + k)];
}

/** RFC 9162 §2.1.3.2: does `proof` show `leafHash` at `index` in the tree of `size` with `root`? */
export function verifyInclusion(leafHash: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (index >= size || index < 0) return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree of size `first` is a prefix of the one of `second`? */
export function verifyConsistency(first: number, second: number, proof: readonly Uint8Array[], firstRoot: Uint8Array, secondRoot: Uint8Array): boolean {
  if (first > second || first < 0) return false;
  if (first === second) return proof.length === 0 && Buffer.from(firstRoot).equals(secondRoot);
  if (first === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  let path = [...proof];
  // If first is an exact power of two, its root is the first node of the path.
  if ((first & (first - 1)) === 0) path = [Buffer.from(firstRoot), ...path];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0;
}
