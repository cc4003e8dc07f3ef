/**
 * RFC 9162 inclusion-proof verification in the browser with WebCrypto SHA-256, so a compliance
 * officer (or a client) does not have to trust the server's own "verified" flag.
 */
function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array<ArrayBuffer>> {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** SHA-256(0x00 || leaf bytes). */
export async function leafHash(leafBase64: string): Promise<Uint8Array> {
  return sha256(new Uint8Array([0]), fromBase64(leafBase64));
}

/** RFC 9162 §2.1.3.2, from the leaf's own bytes (not the server's leaf hash). */
export async function verifyInclusionInBrowser(leafBase64: string, index: number, treeSize: number, proofBase64: string[], rootBase64: string): Promise<boolean> {
  return verifyInclusionOfHash(await leafHash(leafBase64), index, treeSize, proofBase64, rootBase64);
}

/**
 * The same check from a leaf hash (the client's portal is given the hash, not the leaf bytes,
 * which also hold the staff member's address and device).
 */
export async function verifyInclusionFromLeafHash(leafHashBase64: string, index: number, treeSize: number, proofBase64: string[], rootBase64: string): Promise<boolean> {
  return verifyInclusionOfHash(fromBase64(leafHashBase64), index, treeSize, proofBase64, rootBase64);
}

async function verifyInclusionOfHash(leaf: Uint8Array, index: number, treeSize: number, proofBase64: string[], rootBase64: string): Promise<boolean> {
  if (index < 0 || index >= treeSize) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  const node = new Uint8Array([1]);
  for (const p of proofBase64.map(fromBase64)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(node, p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await sha256(node, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, fromBase64(rootBase64));
}
