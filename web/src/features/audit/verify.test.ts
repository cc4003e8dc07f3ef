import { describe, expect, it } from 'vitest';
import { leafHash, verifyInclusionFromLeafHash, verifyInclusionInBrowser } from './verify';

// RFC 6962 reference vectors (leaves as bytes, proofs and roots as in the CT test suites).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const ROOT8 = '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328';
const PROOF_5_OF_8 = ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'];
const b64 = (hex: string) => btoa(String.fromCharCode(...(hex.match(/../g) ?? []).map((h) => parseInt(h, 16))));

describe('inclusion proofs checked with WebCrypto', () => {
  it('accepts the reference proof of leaf 5 in the tree of 8', async () => {
    expect(await verifyInclusionInBrowser(b64(LEAVES[5]!), 5, 8, PROOF_5_OF_8.map(b64), b64(ROOT8))).toBe(true);
  });
  it('rejects another leaf, another index, or a tampered proof', async () => {
    expect(await verifyInclusionInBrowser(b64(LEAVES[4]!), 5, 8, PROOF_5_OF_8.map(b64), b64(ROOT8))).toBe(false);
    expect(await verifyInclusionInBrowser(b64(LEAVES[5]!), 4, 8, PROOF_5_OF_8.map(b64), b64(ROOT8))).toBe(false);
    const tampered = [...PROOF_5_OF_8];
    tampered[1] = `00${tampered[1]!.slice(2)}`;
    expect(await verifyInclusionInBrowser(b64(LEAVES[5]!), 5, 8, tampered.map(b64), b64(ROOT8))).toBe(false);
    expect(await verifyInclusionInBrowser(b64(LEAVES[5]!), 9, 8, PROOF_5_OF_8.map(b64), b64(ROOT8))).toBe(false);
  });
  it('checks the same proof from the leaf hash alone (the portal), and rejects another hash', async () => {
    const hash = btoa(String.fromCharCode(...(await leafHash(b64(LEAVES[5]!)))));
    expect(await verifyInclusionFromLeafHash(hash, 5, 8, PROOF_5_OF_8.map(b64), b64(ROOT8))).toBe(true);
    const other = btoa(String.fromCharCode(...(await leafHash(b64(LEAVES[4]!)))));
    expect(await verifyInclusionFromLeafHash(other, 5, 8, PROOF_5_OF_8.map(b64), b64(ROOT8))).toBe(false);
  });
});
