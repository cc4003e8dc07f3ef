/**
 * Statements the firm signs with the audit checkpoint key, checkable offline against the verifier
 * key GET /audit/public-key publishes: a detached Ed25519 signature over a payload, and the proof
 * that one event is in the log (its leaf, the signed checkpoint covering it, the inclusion proof).
 *
 * Domain separation: a detached signature covers `"confidant/" + purpose + "\n" + payload`, a
 * checkpoint signature the note body `<origin>\n<size>\n<root>\n`. The purpose has no newline, so
 * the two can only coincide when the origin line is `confidant/<purpose>`: signDetached refuses
 * that purpose.
 */
import { sign, verify } from 'node:crypto';
import type { AppServices } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { checkpointCovering, createCheckpoint } from './checkpoints.js';
import { findLeafRows } from './events.repository.js';
import { readTreeHead, TreeReader } from './log.js';
import { hashLeaf, verifyInclusion } from './merkle.js';
import { loadSigningKey, parseVerifierKey } from './signing.js';

/** A detached Ed25519 signature by the audit checkpoint key. */
export interface DetachedSignature {
  algorithm: 'Ed25519';
  /** The signed-note key name (the log's origin). */
  keyName: string;
  /** The 4-byte signed-note key id, hex. */
  keyId: string;
  /** The raw 32-byte Ed25519 public key, base64. */
  publicKey: string;
  /** `<name>+<hex key id>+<base64(0x01 || public key)>`, as GET /audit/public-key gives it. */
  verifierKey: string;
  /** The 64-byte Ed25519 signature, base64. */
  signature: string;
}

/** One event of the log, with what proves it is there. */
export interface ProvenAuditEvent {
  index: number;
  /** The event's exact canonical leaf JSON (RFC 8785) text. */
  leaf: string;
  /** SHA-256(0x00 || leaf bytes), base64. */
  leafHash: string;
  /** A signed checkpoint whose tree contains the event (size > index). */
  checkpoint: { size: number; root: string; note: string };
  /** RFC 9162 audit path from the leaf to `checkpoint.root`, base64 hashes. */
  inclusionProof: string[];
}

const PURPOSE = /^[a-z0-9][a-z0-9._/-]{0,99}$/;

/** The bytes a detached signature covers. */
export function detachedMessage(purpose: string, payload: Uint8Array): Buffer {
  if (!PURPOSE.test(purpose)) throw new Error('signature purpose must be lower-case letters, digits, ".", "_", "/" or "-"');
  return Buffer.concat([Buffer.from(`confidant/${purpose}\n`, 'utf8'), payload]);
}

export function signDetached(services: AppServices, purpose: string, payload: Uint8Array): DetachedSignature {
  const key = loadSigningKey(services.config.dataDir);
  if (key.origin === `confidant/${purpose}`) throw new Error('signature purpose collides with the checkpoint origin line');
  const signature = sign(null, detachedMessage(purpose, payload), key.privateKey);
  return {
    algorithm: 'Ed25519',
    keyName: key.keyName,
    keyId: key.keyId.toString('hex'),
    publicKey: key.publicKeyBytes.toString('base64'),
    verifierKey: key.verifierKey,
    signature: signature.toString('base64'),
  };
}

/**
 * Whether `signature` is a valid detached signature of `payload` for `purpose` under
 * `verifierKey` (the one given, never the key the signature names). Pure; `detail` says why not.
 */
export function checkDetachedSignature(signature: unknown, purpose: string, payload: Uint8Array, verifierKey: string): { ok: boolean; detail: string } {
  let verifier: ReturnType<typeof parseVerifierKey>;
  try {
    verifier = parseVerifierKey(verifierKey);
  } catch (error) {
    return { ok: false, detail: `the verifier key cannot be used: ${error instanceof Error ? error.message : 'malformed'}` };
  }
  const s = (signature ?? {}) as Partial<Record<keyof DetachedSignature, unknown>>;
  if (typeof signature !== 'object' || signature === null || s.algorithm !== 'Ed25519' || typeof s.signature !== 'string') return { ok: false, detail: 'no Ed25519 signature' };
  const keyId = verifier.keyId.toString('hex');
  if (s.keyName !== verifier.keyName || s.keyId !== keyId) return { ok: false, detail: `signed by key ${String(s.keyName)} (id ${String(s.keyId)}), not by ${verifier.keyName} (id ${keyId})` };
  const raw = Buffer.from(s.signature, 'base64');
  if (raw.length !== 64 || raw.toString('base64') !== s.signature) return { ok: false, detail: 'the signature is not 64 bytes of base64' };
  let message: Buffer;
  try {
    message = detachedMessage(purpose, payload);
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : 'bad purpose' };
  }
  return verify(null, message, verifier.publicKey, raw) ? { ok: true, detail: `Ed25519 signature by ${verifier.keyName} (key id ${keyId})` } : { ok: false, detail: `the signature does not verify under ${verifier.keyName} (key id ${keyId})` };
}

export async function proveEvent(services: AppServices, index: number): Promise<ProvenAuditEvent> {
  if (!Number.isSafeInteger(index) || index < 0) throw new AppError('AUDIT_RANGE_INVALID', 'index must be a whole number');
  const db = services.database.db;
  const head = await readTreeHead(db);
  if (index >= head.size) throw new AppError('AUDIT_RANGE_INVALID', 'index is beyond the log');
  const [row] = await findLeafRows(db, { from: index }, 1);
  if (!row || Number(row.seq) !== index) throw new Error('audit event missing from the store');
  // The oldest checkpoint covering the event, or a new one of the current head.
  const checkpoint = (await checkpointCovering(services, index + 1)) ?? (await createCheckpoint(services));
  const proof = await new TreeReader(db).inclusionProof(index, checkpoint.size);
  const leaf = Buffer.from(row.leaf);
  const leafHash = Buffer.from(row.leaf_hash);
  // What we hand out must check: a store that disagrees with itself is an error, not a proof.
  if (!hashLeaf(leaf).equals(leafHash) || !verifyInclusion(leafHash, index, checkpoint.size, proof, checkpoint.root)) throw new Error('audit store does not prove its own event: run `confidant audit verify`');
  return {
    index,
    leaf: leaf.toString('utf8'),
    leafHash: leafHash.toString('base64'),
    checkpoint: { size: checkpoint.size, root: checkpoint.root.toString('base64'), note: checkpoint.note },
    inclusionProof: proof.map((h) => h.toString('base64')),
  };
}

/** The verifier key of the instance whose data folder is `dataDir` (its key file). Throws when absent or unusable. */
export function instanceVerifierKey(dataDir: string): string {
  return loadSigningKey(dataDir).verifierKey;
}
