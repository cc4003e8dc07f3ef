/**
 * The checkpoint signing key and the C2SP signed-note / tlog-checkpoint text formats.
 *
 * The Ed25519 key is generated at init and kept OUTSIDE the database, in
 * `<dataDir>/keys/audit-checkpoint.key` (mode 0600, folder 0700), as JSON with the log's origin
 * line: someone who can rewrite the database cannot re-sign a rewritten history. In a scale-out
 * deployment every app node mounts the same file (or the operator copies it there).
 *
 * Note text: `<origin>\n<size>\n<base64 root>\n` then a blank line and one signature line
 * `— <key name> <base64(4-byte key id || 64-byte signature)>\n`, where the key id is the first four
 * bytes of SHA-256(key name || 0x0A || 0x01 || public key). The verifier key string is
 * `<name>+<hex key id>+<base64(0x01 || public key)>` (golang.org/x/mod/sumdb/note).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkpointOriginProblem } from './settings.js';

const ED25519_ALG = 0x01;
const SIGNATURE_PREFIX = '\u2014 ';

export interface SigningKey {
  origin: string;
  keyName: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Raw 32-byte Ed25519 public key. */
  publicKeyBytes: Buffer;
  keyId: Buffer;
  verifierKey: string;
}

export function signingKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', 'audit-checkpoint.key');
}

/** Creates the key file unless it exists; returns true when it created one. */
export function ensureSigningKey(dataDir: string, origin: string): boolean {
  const path = signingKeyPath(dataDir);
  if (existsSync(path)) return false;
  assertValidOrigin(origin, 'audit.origin');
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  writeFileSync(path, `${JSON.stringify({ origin, privateKey: pem }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return true;
}

const cache = new Map<string, SigningKey>();

/** Loads the key (cached per path). Throws when the file is missing or malformed. */
export function loadSigningKey(dataDir: string): SigningKey {
  const path = signingKeyPath(dataDir);
  const cached = cache.get(path);
  if (cached) return cached;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { origin?: unknown; privateKey?: unknown };
  if (typeof parsed.origin !== 'string' || typeof parsed.privateKey !== 'string') throw new Error('audit checkpoint key file is malformed');
  // A key file written before origins were checked: its checkpoints could never be verified.
  assertValidOrigin(parsed.origin, `the origin in ${path}`);
  const privateKey = createPrivateKey(parsed.privateKey);
  const publicKey = createPublicKey(privateKey);
  const key = { privateKey, ...describePublicKey(parsed.origin, publicKey) };
  cache.set(path, key);
  return key;
}

/** Throws when `origin` cannot name a C2SP signed-note key (see checkpointOriginProblem). */
export function assertValidOrigin(origin: string, what: string): void {
  const problem = checkpointOriginProblem(origin);
  if (problem) throw new Error(`${what} ${problem}: C2SP signed-note origins allow no whitespace and no "+"`);
}

export function describePublicKey(origin: string, publicKey: KeyObject): Omit<SigningKey, 'privateKey'> {
  const jwk = publicKey.export({ format: 'jwk' });
  const publicKeyBytes = Buffer.from(jwk.x ?? '', 'base64url');
  const keyName = origin;
  const keyId = computeKeyId(keyName, publicKeyBytes);
  const verifierKey = `${keyName}+${keyId.toString('hex')}+${Buffer.concat([Buffer.from([ED25519_ALG]), publicKeyBytes]).toString('base64')}`;
  return { origin, keyName, publicKey, publicKeyBytes, keyId, verifierKey };
}

function computeKeyId(keyName: string, publicKeyBytes: Buffer): Buffer {
  return createHash('sha256')
    .update(keyName)
    .update(Buffer.from([0x0a, ED25519_ALG]))
    .update(publicKeyBytes)
    .digest()
    .subarray(0, 4);
}

/** Parses a verifier key string into a public key. */
export function parseVerifierKey(verifierKey: string): { keyName: string; keyId: Buffer; publicKey: KeyObject } {
  // The key is standard base64, which may itself contain '+': split at the first two only.
  const text = verifierKey.trim();
  const first = text.indexOf('+');
  const second = text.indexOf('+', first + 1);
  const keyName = first > 0 ? text.slice(0, first) : '';
  const idHex = second > first ? text.slice(first + 1, second) : '';
  const keyB64 = second > 0 ? text.slice(second + 1) : '';
  if (!keyName || !idHex || !keyB64) throw new Error('verifier key must be name+id+key');
  if (checkpointOriginProblem(keyName)) throw new Error('verifier key name is not a valid signed-note key name');
  const raw = Buffer.from(keyB64, 'base64');
  if (raw.length !== 33 || raw[0] !== ED25519_ALG) throw new Error('verifier key is not an Ed25519 key');
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.subarray(1).toString('base64url') }, format: 'jwk' });
  const keyId = computeKeyId(keyName, raw.subarray(1));
  if (keyId.toString('hex') !== idHex) throw new Error('verifier key id does not match its key');
  return { keyName, keyId, publicKey };
}

export function checkpointBody(origin: string, size: number, root: Uint8Array): string {
  return `${origin}\n${size}\n${Buffer.from(root).toString('base64')}\n`;
}

export function signCheckpoint(key: SigningKey, size: number, root: Uint8Array): string {
  const body = checkpointBody(key.origin, size, root);
  const signature = sign(null, Buffer.from(body, 'utf8'), key.privateKey);
  return `${body}\n${SIGNATURE_PREFIX}${key.keyName} ${Buffer.concat([key.keyId, signature]).toString('base64')}\n`;
}

export interface OpenedCheckpoint {
  origin: string;
  size: number;
  root: Buffer;
}

/**
 * Parses a signed checkpoint note and checks one signature line by `keyName`/`keyId` verifies
 * with `publicKey`. Throws with a reason when it does not.
 */
export function openCheckpoint(note: string, verifier: { keyName: string; keyId: Buffer; publicKey: KeyObject }): OpenedCheckpoint {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new Error('checkpoint is not a signed note');
  const body = note.slice(0, split + 1);
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) throw new Error('checkpoint body needs origin, size and root lines');
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (!/^(0|[1-9]\d*)$/.test(sizeText)) throw new Error('checkpoint size is not a decimal number');
  const root = Buffer.from(rootText, 'base64');
  if (root.length !== 32 || root.toString('base64') !== rootText) throw new Error('checkpoint root is not 32 bytes of base64');
  let verified = false;
  for (const line of note.slice(split + 2, -1).split('\n')) {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw new Error('malformed signature line');
    const [name, sigB64] = line.slice(SIGNATURE_PREFIX.length).split(' ');
    if (name !== verifier.keyName || !sigB64) continue;
    const sig = Buffer.from(sigB64, 'base64');
    if (sig.length !== 68 || !sig.subarray(0, 4).equals(verifier.keyId)) continue;
    if (verify(null, Buffer.from(body, 'utf8'), verifier.publicKey, sig.subarray(4))) verified = true;
  }
  if (!verified) throw new Error('no valid signature by the log key');
  return { origin, size: Number(sizeText), root };
}
