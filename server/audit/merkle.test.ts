import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CompactTree,
  EMPTY_ROOT,
  consistencyPath,
  hashLeaf,
  inclusionPath,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
  type SubtreeHasher,
} from './merkle.js';

// The RFC 6962 test vectors used by the Certificate Transparency reference implementations
// (certificate-transparency merkle_tree_test.cc, transparency-dev/merkle testonly).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION = [
  { index: 0, size: 1, proof: [] },
  { index: 0, size: 8, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { index: 5, size: 8, proof: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  { index: 1, size: 5, proof: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
];
const CONSISTENCY = [
  { first: 1, second: 1, proof: [] },
  { first: 1, second: 8, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { first: 6, second: 8, proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { first: 2, second: 5, proof: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
];

const hex = (b: Buffer[]) => b.map((x) => x.toString('hex'));
const fromHex = (a: string[]) => a.map((x) => Buffer.from(x, 'hex'));

function hasherOver(leafHashes: Buffer[]): SubtreeHasher {
  return async (start, end) => rootFromLeafHashes(leafHashes, start, end);
}

describe('RFC 9162 Merkle tree', () => {
  const leafHashes = LEAVES.map(hashLeaf);

  it('hashes the empty tree as SHA-256 of nothing', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(new CompactTree().root().equals(EMPTY_ROOT)).toBe(true);
  });

  it('computes the reference tree heads for sizes 1..8, recursively and incrementally', () => {
    const tree = new CompactTree();
    for (let size = 1; size <= 8; size++) {
      expect(rootFromLeafHashes(leafHashes.slice(0, size)).toString('hex')).toBe(ROOTS[size - 1]);
      tree.append(leafHashes[size - 1]!);
      expect(tree.root().toString('hex')).toBe(ROOTS[size - 1]);
      const restored = CompactTree.fromBytes(tree.size, tree.toBytes());
      expect(restored.root().toString('hex')).toBe(ROOTS[size - 1]);
    }
  });

  it.each(INCLUSION)('produces and verifies the reference inclusion proof for leaf $index in size $size', async ({ index, size, proof }) => {
    const path = await inclusionPath(index, 0, size, hasherOver(leafHashes));
    expect(hex(path)).toEqual(proof);
    const root = Buffer.from(ROOTS[size - 1]!, 'hex');
    expect(verifyInclusion(leafHashes[index]!, index, size, fromHex(proof), root)).toBe(true);
    // The attacker's side: a proof for another leaf, another index or a flipped bit must fail.
    expect(verifyInclusion(hashLeaf(Buffer.from('forged')), index, size, fromHex(proof), root)).toBe(false);
    if (size > 1) expect(verifyInclusion(leafHashes[index]!, (index + 1) % size, size, fromHex(proof), root)).toBe(false);
    if (proof.length > 0) {
      const tampered = fromHex(proof);
      tampered[0]![0]! ^= 1;
      expect(verifyInclusion(leafHashes[index]!, index, size, tampered, root)).toBe(false);
    }
  });

  it.each(CONSISTENCY)('produces and verifies the reference consistency proof $first → $second', async ({ first, second, proof }) => {
    const path = await consistencyPath(first, second, hasherOver(leafHashes));
    expect(hex(path)).toEqual(proof);
    const firstRoot = Buffer.from(ROOTS[first - 1]!, 'hex');
    const secondRoot = Buffer.from(ROOTS[second - 1]!, 'hex');
    expect(verifyConsistency(first, second, fromHex(proof), firstRoot, secondRoot)).toBe(true);
    if (first !== second) {
      expect(verifyConsistency(first, second, fromHex(proof), secondRoot, firstRoot)).toBe(false);
      const tampered = fromHex(proof);
      tampered[tampered.length - 1]![0]! ^= 1;
      expect(verifyConsistency(first, second, tampered, firstRoot, secondRoot)).toBe(false);
    }
  });

  it('verifies every inclusion and consistency proof of random trees, and rejects proofs for other trees', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 70 }), fc.nat(), fc.nat(), async (size, a, b) => {
        const hashes = Array.from({ length: size }, (_, i) => hashLeaf(Buffer.from(`leaf-${i}`)));
        const tree = new CompactTree();
        for (const h of hashes) tree.append(h);
        const root = tree.root();
        expect(root.equals(rootFromLeafHashes(hashes))).toBe(true);
        const index = a % size;
        const proof = await inclusionPath(index, 0, size, hasherOver(hashes));
        expect(verifyInclusion(hashes[index]!, index, size, proof, root)).toBe(true);
        const first = (b % size) + 1;
        const firstRoot = rootFromLeafHashes(hashes, 0, first);
        const consistency = await consistencyPath(first, size, hasherOver(hashes));
        expect(verifyConsistency(first, size, consistency, firstRoot, root)).toBe(true);
        // A history with one leaf changed before `first` is not consistent with this one.
        const forked = [...hashes];
        forked[0] = hashLeaf(Buffer.from('rewritten'));
        expect(verifyConsistency(first, size, consistency, rootFromLeafHashes(forked, 0, first), root)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('reports the perfect subtrees each append completes', () => {
    const tree = new CompactTree();
    for (let i = 0; i < 3; i++) tree.append(hashLeaf(Buffer.from([i])));
    const completed = tree.append(hashLeaf(Buffer.from([3])));
    expect(completed.map((c) => [c.level, c.index])).toEqual([
      [0, 3],
      [1, 1],
      [2, 0],
    ]);
    expect(completed[2]!.hash.equals(tree.root())).toBe(true);
  });
});
