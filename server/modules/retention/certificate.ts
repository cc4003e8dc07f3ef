/**
 * The certificate of destruction (issue #17): what was destroyed (ids, types, SHA-256 of the
 * ciphertexts), under which schedule and approvals, when, what the firm kept (the tombstone), and
 * the audit log's proof of the key-destruction event — its leaf, the signed checkpoint covering
 * it and the inclusion proof — all signed with the audit checkpoint key (Ed25519, detached, over
 * the RFC 8785 canonical JSON of the certificate body).
 *
 * `verifyCertificate` checks a certificate file offline against the published verifier key
 * (GET /api/v1/audit/public-key), with no database and no network: the CLI's
 * `confidant retention verify-certificate` and the client's own tools run the same algorithm.
 *
 * The record carries ids, hashes, dates and people's names (who approved) only: no client name,
 * no document name, no content.
 */
import canonicalize from 'canonicalize';
import { checkDetachedSignature, hashLeaf, instanceVerifierKey, openCheckpoint, parseVerifierKey, proveEvent, signDetached, verifyInclusion, type DetachedSignature, type ProvenAuditEvent } from '../../audit/index.js';
import type { AppServices } from '../../platform/context.js';

export const CERTIFICATE_FORMAT = 'confidant-destruction-certificate/v1';
/** The detached signature's purpose (it signs `"confidant/destruction-certificate/v1\n" + canonical JSON`). */
export const CERTIFICATE_PURPOSE = 'destruction-certificate/v1';

export const DESTRUCTION_SCOPES = ['client', 'matter', 'document', 'versions', 'record'] as const;
export const DESTROYED_ITEM_TYPES = ['client', 'matter', 'document', 'document_version', 'note', 'record'] as const;
export const DESTROYED_KEY_TYPES = ['client_key', 'object_key'] as const;
export const PHYSICAL_METHODS = ['shred', 'incinerate', 'pulp', 'degauss', 'other'] as const;
/** Audit actions that destroy keys: a certificate must cite one of these. */
export const KEY_DESTRUCTION_ACTIONS: readonly string[] = ['key.destroy', 'key.shred'];

export type DestructionScope = (typeof DESTRUCTION_SCOPES)[number];

export interface DestroyedItem {
  type: (typeof DESTROYED_ITEM_TYPES)[number];
  id: string;
  parentId?: string;
  /** SHA-256 (hex) of the stored ciphertext. */
  sha256?: string;
  /** Ciphertext size in bytes. */
  size?: number;
  /** The key (client key or object key id) the item was encrypted under. */
  keyId?: string;
}

export interface DestructionRecord {
  certificateId: string;
  /** Epoch ms. */
  issuedAt: number;
  client: { id: string; number: string | null; terminated: boolean };
  scope: DestructionScope;
  items: DestroyedItem[];
  keys: { type: (typeof DESTROYED_KEY_TYPES)[number]; ids: string[] }[];
  schedule: { id: string; name: string; trigger: string; periodDays: number; action: string } | null;
  approvals: { userId: string; name: string; at: number }[];
  executedAt: number;
  /** Only what the firm chose to keep (matter number, dates). */
  tombstone: Record<string, string | number | null>;
  /** The audit index of the key.destroy / key.shred event; null only for a physical record (no key). */
  keyDestructionEventIndex: number | null;
  physical?: { method: (typeof PHYSICAL_METHODS)[number]; witness: { userId: string; name: string }; destroyedAt: number };
  /** Whether the master key was rotated after the destruction (the file provider does it at once). */
  masterKeyRotated: boolean;
}

export interface CertificateBody extends DestructionRecord {
  format: typeof CERTIFICATE_FORMAT;
  /** The proof of the key-destruction event (null only for a physical record). */
  audit: ProvenAuditEvent | null;
  /** What backups taken before the destruction still hold (see backupsStatement). */
  backups: string;
}

export interface SignedCertificate {
  certificate: CertificateBody;
  signature: DetachedSignature;
}

export interface CertificateCheck {
  check: CheckName;
  ok: boolean;
  detail: string;
}

export const CERTIFICATE_CHECKS = ['format', 'signature', 'checkpoint signature', 'leaf hash', 'inclusion proof', 'key destruction event'] as const;
export type CheckName = (typeof CERTIFICATE_CHECKS)[number];

const iso = (at: number) => new Date(at).toISOString();

/**
 * The fixed plain-English statement on backups, by scope: the client's keys shredded (scope
 * `client`), per-object keys destroyed (partial scopes; the client's key lives on), or a physical
 * record (no key). The second part depends on whether the master key was rotated afterwards.
 */
export function backupsStatement(record: Pick<DestructionRecord, 'scope' | 'masterKeyRotated' | 'keyDestructionEventIndex' | 'executedAt'>): string {
  const before = `Backups of Confidant taken before this destruction (before ${iso(record.executedAt)})`;
  const expiry = 'No backup is altered by this destruction; backups expire under the firm’s backup schedule.';
  if (record.keyDestructionEventIndex === null) {
    return `This was a physical record. Confidant held only its catalogue entry, never its contents: ${before.charAt(0).toLowerCase()}${before.slice(1)} hold that catalogue entry, sealed under the client’s key, until they expire, and nothing of the record’s contents.`;
  }
  const rotation = record.masterKeyRotated
    ? 'The master key was rotated after the destruction, so no key this system still holds can open those copies; they stay unreadable provided no copy of the former master key is kept elsewhere (for example in a key backup).'
    : 'The master key had not been rotated when this certificate was issued: until it is, someone holding both such a backup and the current master key could still recover these items from that backup.';
  if (record.scope === 'client') {
    return [
      `${before} may still contain the items listed, but only as ciphertext under the client’s data keys (every version), which were destroyed (crypto-shredded); the keys of the client’s documents, sealed fields and search index were all derived from them.`,
      'Such a backup also holds a copy of those data keys wrapped under the master key in force when the backup was taken; that copy becomes unreadable for good once that master key has been rotated and every copy of the former master key destroyed.',
      rotation,
      expiry,
    ].join(' ');
  }
  return [
    `${before} may still contain the items listed, but only as ciphertext under their per-object keys, which were destroyed.`,
    'Each per-object key is derived from the client’s key and a secret of its own, so the client’s key alone cannot open these items. Such a backup also holds a copy of each destroyed secret, wrapped under the master key in force when the backup was taken; those copies become unreadable for good once that master key has been rotated and every copy of the former master key destroyed.',
    rotation,
    'The client’s own data key was not destroyed, because the client’s remaining data still needs it: identifying metadata of these items held in those older backups — such as names and titles, which are sealed under the client’s key rather than under the per-object keys — stays sealed under the client’s key, and so remains readable to the firm from those backups, until those backups expire.',
    expiry,
  ].join(' ');
}

/** The bytes the signature covers: the RFC 8785 canonical JSON of the certificate body. Throws on a value JSON cannot carry. */
export function certificatePayload(certificate: unknown): Buffer {
  const text = canonicalize(certificate);
  if (text === undefined) throw new Error('the certificate is not a JSON value');
  return Buffer.from(text, 'utf8');
}

function assertRecord(record: DestructionRecord): void {
  const problems: string[] = [];
  if (!DESTRUCTION_SCOPES.includes(record.scope)) problems.push(`scope ${String(record.scope)}`);
  if (record.items.length === 0) problems.push('no items');
  for (const item of record.items) if (item.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(item.sha256)) problems.push(`item ${item.id}: sha256 is not lower-case hex of 32 bytes`);
  if (record.keyDestructionEventIndex === null && (record.scope !== 'record' || !record.physical)) problems.push('only a physical record has no key-destruction event');
  if (record.keyDestructionEventIndex !== null && !(Number.isSafeInteger(record.keyDestructionEventIndex) && record.keyDestructionEventIndex >= 0)) problems.push('keyDestructionEventIndex');
  for (const at of [record.issuedAt, record.executedAt]) if (!Number.isSafeInteger(at)) problems.push('times must be epoch milliseconds');
  if (problems.length > 0) throw new Error(`destruction record is not certifiable: ${problems.join('; ')}`);
}

/**
 * Builds and signs the certificate of `record`: proves the key-destruction event (signing a
 * checkpoint covering it when none does yet; call it after the destruction has committed), adds
 * the backups statement, signs the canonical JSON with the audit checkpoint key, then checks the
 * result with the instance's own verifier key exactly as a client would.
 *
 * The certificate carries the event's leaf text, which names its actor, session, ip and user
 * agent: record the key destruction from a system context (the disposition job, the CLI) so the
 * client's copy holds no staff member's address or device.
 *
 * Throws AUDIT_RANGE_INVALID (an index beyond the log); Error when the record is inconsistent,
 * the cited event is not a key destruction of this client, or the signing key is missing.
 */
export async function issueCertificate(services: AppServices, record: DestructionRecord): Promise<SignedCertificate> {
  assertRecord(record);
  const audit = record.keyDestructionEventIndex === null ? null : await proveEvent(services, record.keyDestructionEventIndex);
  const body: CertificateBody = { ...record, format: CERTIFICATE_FORMAT, audit, backups: backupsStatement(record) };
  // Exactly what the file will hold (absent optional fields dropped), so the signature covers it.
  const certificate = JSON.parse(JSON.stringify(body)) as CertificateBody;
  const signed: SignedCertificate = { certificate, signature: signDetached(services, CERTIFICATE_PURPOSE, certificatePayload(certificate)) };
  const result = verifyCertificate(signed, { verifierKey: instanceVerifierKey(services.config.dataDir) });
  if (!result.valid) {
    throw new Error(
      `certificate ${record.certificateId} would not verify: ${result.checks
        .filter((c) => !c.ok)
        .map((c) => `${c.check}: ${c.detail}`)
        .join('; ')}`,
    );
  }
  return signed;
}

// --- verification (pure) ---

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const oneOf = <T extends string>(values: readonly T[], value: unknown): value is T => typeof value === 'string' && (values as readonly string[]).includes(value);

function isProvenEvent(value: unknown): value is ProvenAuditEvent {
  if (!isObject(value) || !isObject(value.checkpoint)) return false;
  const c = value.checkpoint;
  return isInt(value.index) && value.index >= 0 && isString(value.leaf) && isString(value.leafHash) && isInt(c.size) && isString(c.root) && isString(c.note) && Array.isArray(value.inclusionProof) && value.inclusionProof.every(isString);
}

/** What is wrong with the certificate's shape (empty when it is a v1 certificate). */
function formatProblems(file: unknown): string[] {
  if (!isObject(file)) return ['the file is not a JSON object'];
  const problems: string[] = [];
  const c = file.certificate;
  if (!isObject(file.signature)) problems.push('no signature');
  if (!isObject(c)) return [...problems, 'no certificate'];
  if (c.format !== CERTIFICATE_FORMAT) problems.push(`format is ${JSON.stringify(c.format ?? null)}, not ${CERTIFICATE_FORMAT}`);
  if (!isString(c.certificateId)) problems.push('certificateId');
  if (!isInt(c.issuedAt) || !isInt(c.executedAt)) problems.push('issuedAt and executedAt must be epoch milliseconds');
  if (!isObject(c.client) || !isString(c.client.id) || !(c.client.number === null || isString(c.client.number)) || typeof c.client.terminated !== 'boolean') problems.push('client');
  if (!oneOf(DESTRUCTION_SCOPES, c.scope)) problems.push('scope');
  if (!Array.isArray(c.items) || c.items.length === 0) problems.push('items');
  else
    c.items.forEach((item: unknown, i) => {
      if (!isObject(item) || !oneOf(DESTROYED_ITEM_TYPES, item.type) || !isString(item.id)) problems.push(`items[${i}]`);
      else if (item.sha256 !== undefined && !(isString(item.sha256) && /^[0-9a-f]{64}$/.test(item.sha256))) problems.push(`items[${i}].sha256`);
    });
  if (!Array.isArray(c.keys) || !c.keys.every((k: unknown) => isObject(k) && oneOf(DESTROYED_KEY_TYPES, k.type) && Array.isArray(k.ids) && k.ids.every(isString))) problems.push('keys');
  if (!Array.isArray(c.approvals) || !c.approvals.every((a: unknown) => isObject(a) && isString(a.userId) && isString(a.name) && isInt(a.at))) problems.push('approvals');
  if (!(c.schedule === null || isObject(c.schedule))) problems.push('schedule');
  if (!isObject(c.tombstone)) problems.push('tombstone');
  if (typeof c.masterKeyRotated !== 'boolean') problems.push('masterKeyRotated');
  if (!isString(c.backups)) problems.push('backups');
  if (c.keyDestructionEventIndex === null) {
    if (c.scope !== 'record' || !isObject(c.physical)) problems.push('only a physical record may cite no key-destruction event');
    if (c.audit !== null) problems.push('audit must be null without a key-destruction event');
  } else if (!isInt(c.keyDestructionEventIndex)) problems.push('keyDestructionEventIndex');
  else if (!isProvenEvent(c.audit)) problems.push('audit: no proof of the key-destruction event');
  else if (c.audit.index !== c.keyDestructionEventIndex) problems.push('audit.index is not keyDestructionEventIndex');
  return problems;
}

function decodeHash(text: string): Buffer | null {
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === 32 && bytes.toString('base64') === text ? bytes : null;
}

function checkCheckpoint(audit: ProvenAuditEvent, verifierKey: string): { ok: boolean; detail: string } {
  try {
    const verifier = parseVerifierKey(verifierKey);
    const opened = openCheckpoint(audit.checkpoint.note, verifier);
    if (opened.origin !== verifier.keyName) return { ok: false, detail: `the note is of log ${opened.origin}, not ${verifier.keyName}` };
    if (opened.size !== audit.checkpoint.size || opened.root.toString('base64') !== audit.checkpoint.root) return { ok: false, detail: `the signed note says size ${opened.size}, root ${opened.root.toString('base64')}; the certificate says size ${audit.checkpoint.size}, root ${audit.checkpoint.root}` };
    return { ok: true, detail: `checkpoint of size ${opened.size} signed by ${verifier.keyName}` };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : 'the checkpoint note does not verify' };
  }
}

function checkLeafHash(audit: ProvenAuditEvent): { ok: boolean; detail: string } {
  const computed = hashLeaf(Buffer.from(audit.leaf, 'utf8')).toString('base64');
  return computed === audit.leafHash ? { ok: true, detail: `SHA-256(0x00 || leaf) = ${computed}` } : { ok: false, detail: `the leaf hashes to ${computed}, not to the cited ${audit.leafHash}` };
}

function checkInclusion(audit: ProvenAuditEvent): { ok: boolean; detail: string } {
  const leafHash = decodeHash(audit.leafHash);
  const root = decodeHash(audit.checkpoint.root);
  const proof = audit.inclusionProof.map(decodeHash);
  if (!leafHash || !root || proof.some((h) => h === null)) return { ok: false, detail: 'a hash is not 32 bytes of base64' };
  return verifyInclusion(leafHash, audit.index, audit.checkpoint.size, proof as Buffer[], root)
    ? { ok: true, detail: `event ${audit.index} is in the tree of size ${audit.checkpoint.size} with root ${audit.checkpoint.root}` }
    : { ok: false, detail: `the proof does not lead from the leaf hash at index ${audit.index} to the root of the tree of size ${audit.checkpoint.size}` };
}

function checkEvent(audit: ProvenAuditEvent, clientId: unknown): { ok: boolean; detail: string } {
  let leaf: unknown;
  try {
    leaf = JSON.parse(audit.leaf);
  } catch {
    return { ok: false, detail: 'the leaf is not JSON' };
  }
  if (!isObject(leaf)) return { ok: false, detail: 'the leaf is not an event' };
  const problems: string[] = [];
  if (leaf.index !== audit.index) problems.push(`the leaf records index ${String(leaf.index)}, not ${audit.index}`);
  if (!oneOf(KEY_DESTRUCTION_ACTIONS, leaf.action)) problems.push(`action ${JSON.stringify(leaf.action ?? null)} is not ${KEY_DESTRUCTION_ACTIONS.join(' or ')}`);
  if (leaf.outcome !== 'allowed') problems.push(`outcome ${JSON.stringify(leaf.outcome ?? null)} is not allowed`);
  if (leaf.clientId !== clientId) problems.push(`the event's client ${JSON.stringify(leaf.clientId ?? null)} is not the certificate's ${JSON.stringify(clientId ?? null)}`);
  if (problems.length > 0) return { ok: false, detail: problems.join('; ') };
  return { ok: true, detail: `event ${audit.index}: ${String(leaf.action)} of client ${String(leaf.clientId)}${isInt(leaf.at) ? ` at ${iso(leaf.at)}` : ''}` };
}

/**
 * Checks a certificate file (a parsed `SignedCertificate`) offline against `verifierKey` (the
 * note verifier key GET /api/v1/audit/public-key publishes): its format; the signature over the
 * canonical JSON; the checkpoint note's signature (and that it states the cited size and root);
 * that the leaf hashes to the cited leaf hash; that the inclusion proof leads from it at its index
 * to the checkpoint's root; that the event is an allowed key.destroy / key.shred of the
 * certificate's client. Every check is reported; `valid` only when all pass. Pure: no database,
 * no network, no clock.
 */
export function verifyCertificate(file: unknown, options: { verifierKey: string }): { valid: boolean; checks: CertificateCheck[] } {
  const checks: CertificateCheck[] = [];
  const add = (check: CheckName, result: { ok: boolean; detail: string }) => checks.push({ check, ...result });
  const problems = formatProblems(file);
  const certificate = isObject(file) && isObject(file.certificate) ? file.certificate : null;
  add('format', problems.length === 0 ? { ok: true, detail: `${CERTIFICATE_FORMAT}, certificate ${String(certificate?.certificateId)}, scope ${String(certificate?.scope)}, ${(certificate?.items as unknown[]).length} item(s)` } : { ok: false, detail: problems.join('; ') });

  if (!certificate) add('signature', { ok: false, detail: 'no certificate to check' });
  else {
    let payload: Buffer | null = null;
    try {
      payload = certificatePayload(certificate);
    } catch (error) {
      add('signature', { ok: false, detail: `the certificate has no canonical JSON form: ${error instanceof Error ? error.message : 'unknown'}` });
    }
    if (payload) add('signature', checkDetachedSignature((file as Json).signature, CERTIFICATE_PURPOSE, payload, options.verifierKey));
  }

  const audit = certificate?.audit;
  const auditChecks: [CheckName, (a: ProvenAuditEvent) => { ok: boolean; detail: string }][] = [
    ['checkpoint signature', (a) => checkCheckpoint(a, options.verifierKey)],
    ['leaf hash', checkLeafHash],
    ['inclusion proof', checkInclusion],
    ['key destruction event', (a) => checkEvent(a, isObject(certificate?.client) ? certificate.client.id : undefined)],
  ];
  for (const [name, run] of auditChecks) {
    if (isProvenEvent(audit)) add(name, run(audit));
    else if (certificate && audit === null && certificate.keyDestructionEventIndex === null && certificate.scope === 'record' && isObject(certificate.physical)) add(name, { ok: true, detail: 'not applicable: a physical record, no key was destroyed' });
    else add(name, { ok: false, detail: 'the certificate holds no proof of a key-destruction event' });
  }
  return { valid: checks.every((c) => c.ok), checks };
}
