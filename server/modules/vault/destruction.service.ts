/**
 * What the retention module needs of the vault to dispose of data: inventories of a matter or a
 * client (ids, numbers, statuses, dates, blob and object-key ids — nothing sealed) and the
 * destruction primitives — a matter's content, a document's versions, a physical record, a
 * client's end and anonymisation.
 *
 * Every function is `unsafe…`: it reads and changes rows by raw id, after retention's own access
 * decision; system actor. Each works in `ctx`'s transaction (or its own when there is none), so
 * the retention module commits the destruction, its own records and the key-destruction event
 * together. Holds are asked again inside it (LEGAL_HOLD). Blobs are never deleted here: the
 * caller deletes the returned blob ids after its commit (idempotently; the orphan-blob sweeper
 * treats a destroyed version's blob as unreferenced, so it is the backstop).
 *
 * After destruction every read answers 410 KEY_DESTROYED (the matter and what is in it, a
 * destroyed document or version, a destroyed record) or 404 (notes, parties); lists leave
 * destroyed rows out.
 */
import type { ClientId } from '../../../common/ids.js';
import { auditedRefusal } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { unsafeDestroyObjectKeys } from '../keys/index.js';
import { conflictKey } from './conflicts.names.js';
import {
  unsafeAnonymiseClientRow,
  unsafeClientRowById,
  unsafeDocumentRowById,
  unsafeDocumentRowsOfMatter,
  unsafeEnableSecureDelete,
  unsafeMarkVersionsDestroyed,
  unsafeMatterRowById,
  unsafeMatterRowsOfClient,
  unsafeNoteRowsOfMatter,
  unsafeRecordRowById,
  unsafeRecordRowsOfMatter,
  unsafeSetClientEndedAt,
  unsafeVersionRowsOfDocuments,
  unsafeWipeDocument,
  unsafeWipeMatterContent,
  unsafeWipeRecord,
} from './destruction.repository.js';
import { heldItemIds, refuseIfHeld, type HeldItem } from './vault.holds.js';
import { unsafeIndexTokenForRetention, unsafeSealerForRetention } from './vault.sealing.js';
import type { Classification, VaultDocumentsTable, VaultDocumentVersionsTable, VaultMattersTable, VaultNotesTable, VaultRecordsTable } from './vault.tables.js';

// ── inventories ──────────────────────────────────────────────────────────────────────────────

export interface InventoryVersion {
  version: number;
  blobId: string;
  /** Null: a legacy blob, under the client key alone. */
  objectKeyId: string | null;
  keyVersion: number;
  sealedSize: number;
  createdAt: number;
  destroyedAt: number | null;
}

export interface InventoryDocument {
  id: string;
  classification: Classification;
  privileged: boolean;
  /** Who uploaded it (its custodian for legal holds). */
  createdBy: string;
  trashedAt: number | null;
  destroyedAt: number | null;
  /** Every version, oldest first (destroyed ones included, with `destroyedAt`). */
  versions: InventoryVersion[];
  currentVersion: number;
}

export interface MatterInventory {
  clientId: string;
  matterId: string;
  number: string;
  practiceArea: string | null;
  jurisdiction: string | null;
  status: VaultMattersTable['status'];
  openedAt: number;
  closedAt: number | null;
  /** Every document (trashed and destroyed ones included). */
  documents: InventoryDocument[];
  /** Every note (deleted ones included). */
  notes: { id: string; createdBy: string; deletedAt: number | null }[];
  /** Every physical record (destroyed ones included). */
  records: { id: string; status: VaultRecordsTable['status']; custodianUserId: string | null; createdAt: number }[];
}

export interface ClientInventory {
  clientId: string;
  number: number | null;
  status: string;
  createdAt: number;
  /** When the relationship ended (`unsafeSetClientEnded`), or null. */
  endedAt: number | null;
  /** Every matter of the client (held for conflict review and destroyed ones included). */
  matters: { matterId: string; number: string; status: VaultMattersTable['status']; practiceArea: string | null; jurisdiction: string | null; openedAt: number; closedAt: number | null }[];
}

const nullableNumber = (value: number | null | undefined) => (value === null || value === undefined ? null : Number(value));

function inventoryVersion(v: VaultDocumentVersionsTable): InventoryVersion {
  return { version: v.version, blobId: v.blob_id, objectKeyId: v.object_key_id, keyVersion: v.key_version, sealedSize: Number(v.sealed_size), createdAt: Number(v.created_at), destroyedAt: nullableNumber(v.destroyed_at) };
}

interface MatterRows {
  matter: VaultMattersTable;
  documents: VaultDocumentsTable[];
  versions: VaultDocumentVersionsTable[];
  notes: VaultNotesTable[];
  records: VaultRecordsTable[];
}

async function matterRows(ctx: RequestContext, matterId: string): Promise<MatterRows | null> {
  const matter = await unsafeMatterRowById(ctx, matterId);
  if (!matter) return null;
  const documents = await unsafeDocumentRowsOfMatter(ctx, matterId);
  return { matter, documents, versions: await unsafeVersionRowsOfDocuments(ctx, documents.map((d) => d.id)), notes: await unsafeNoteRowsOfMatter(ctx, matterId), records: await unsafeRecordRowsOfMatter(ctx, matterId) };
}

/**
 * Everything a matter holds, as ids, numbers, statuses and dates (nothing sealed), or null when
 * there is no such matter. Unsafe (raw id): after retention's own access decision; system actor.
 */
export async function unsafeMatterInventory(ctx: RequestContext, matterId: string): Promise<MatterInventory | null> {
  const rows = await matterRows(ctx, matterId);
  if (!rows) return null;
  const { matter, documents, versions, notes, records } = rows;
  return {
    clientId: matter.client_id,
    matterId: matter.id,
    number: matter.number,
    practiceArea: matter.practice_area,
    jurisdiction: matter.jurisdiction,
    status: matter.status,
    openedAt: Number(matter.opened_at),
    closedAt: nullableNumber(matter.closed_at),
    documents: documents.map((d) => ({
      id: d.id,
      classification: d.classification,
      privileged: d.privileged === 1,
      createdBy: d.created_by,
      trashedAt: nullableNumber(d.trashed_at),
      destroyedAt: nullableNumber(d.destroyed_at),
      versions: versions.filter((v) => v.document_id === d.id).map(inventoryVersion),
      currentVersion: d.current_version,
    })),
    notes: notes.map((n) => ({ id: n.id, createdBy: n.created_by, deletedAt: nullableNumber(n.deleted_at) })),
    records: records.map((r) => ({ id: r.id, status: r.status, custodianUserId: r.custodian_user_id, createdAt: Number(r.created_at) })),
  };
}

/**
 * A client with its matters, as ids, numbers, statuses and dates (nothing sealed), or null when
 * there is no such client. Unsafe (raw id): after retention's own access decision; system actor.
 */
export async function unsafeClientInventory(ctx: RequestContext, clientId: string): Promise<ClientInventory | null> {
  const client = await unsafeClientRowById(ctx, clientId);
  if (!client) return null;
  const matters = await unsafeMatterRowsOfClient(ctx, clientId);
  return {
    clientId: client.id,
    number: nullableNumber(client.number),
    status: client.status,
    createdAt: Number(client.created_at),
    endedAt: nullableNumber(client.ended_at),
    matters: matters.map((m) => ({ matterId: m.id, number: m.number, status: m.status, practiceArea: m.practice_area, jurisdiction: m.jurisdiction, openedAt: Number(m.opened_at), closedAt: nullableNumber(m.closed_at) })),
  };
}

// ── destruction ──────────────────────────────────────────────────────────────────────────────

/** What a destruction leaves for the caller to do after its commit. */
export interface DestructionResult {
  /** Every blob of the destroyed versions: delete them after the commit (idempotently). */
  blobIds: string[];
  /** The `key.destroy` event of the object keys destroyed (null when none had one). */
  objectKeyEventIndex: number | null;
  /** Those of `blobIds` without an object key (legacy: under the client key alone, so a backup's copy stays readable while the client key lives). */
  legacyBlobIds: string[];
}

const documentItem = (d: VaultDocumentsTable): HeldItem => ({ type: 'document', id: d.id, custodianId: d.created_by });

/** Destroys the versions' object keys (one `key.destroy` event) and says what the caller deletes. */
async function destroyKeysOf(tx: RequestContext, where: { clientId: string; matterId: string }, versions: VaultDocumentVersionsTable[]): Promise<DestructionResult> {
  const keyed = versions.filter((v) => v.object_key_id !== null);
  const objectKeyEventIndex = keyed.length > 0 ? (await unsafeDestroyObjectKeys(tx, { ...where, ids: keyed.map((v) => v.object_key_id!) })).eventIndex : null;
  return { blobIds: versions.map((v) => v.blob_id), objectKeyEventIndex, legacyBlobIds: versions.filter((v) => v.object_key_id === null).map((v) => v.blob_id) };
}

/**
 * Destroys everything a matter holds, in `ctx`'s transaction: every document version's object key
 * (keys' `unsafeDestroyObjectKeys`, one `key.destroy` event whose index is returned), the sealed
 * fields of the matter (title, description, close reason; its blind index wiped), of its
 * documents (names; each document and version marked destroyed), notes (text wiped, deleted),
 * parties (deleted) — physical records are left to their own witnessed destruction; the matter's
 * status becomes `destroyed`. Audited `matter.destroyed`. Idempotent (a destroyed matter is
 * destroyed again to no effect, returning its blob ids). Does not delete blobs. Unsafe: after
 * retention's own access decision; system actor. Throws MATTER_NOT_FOUND, LEGAL_HOLD (409, audited:
 * something of the matter is held), AUDIT_UNAVAILABLE.
 */
export async function unsafeDestroyMatterContent(ctx: RequestContext, matterId: string): Promise<DestructionResult> {
  return inTransaction(ctx, async (tx) => {
    const rows = await matterRows(tx, matterId);
    if (!rows) throw new AppError('MATTER_NOT_FOUND', 'No such matter');
    const { matter, documents, versions, notes, records } = rows;
    const where = { clientId: matter.client_id, matterId: matter.id };
    const live = documents.filter((d) => d.destroyed_at === null);
    const items: HeldItem[] = [
      ...live.map(documentItem),
      ...notes.filter((n) => n.deleted_at === null).map((n): HeldItem => ({ type: 'note', id: n.id, custodianId: n.created_by })),
      ...records.filter((r) => r.status !== 'destroyed').map((r): HeldItem => ({ type: 'record', id: r.id, custodianId: r.custodian_user_id })),
    ];
    if (live.some((d) => d.legal_hold === 1) || (await heldItemIds(tx, where, items)).size > 0) {
      throw await auditedRefusal(tx, new AppError('LEGAL_HOLD', 'Some of this matter’s content is under legal hold; it cannot be destroyed until the hold is released'), { action: 'matter.destroy', reason: 'LEGAL_HOLD', resources: where });
    }
    await unsafeEnableSecureDelete(tx);
    const result = await destroyKeysOf(tx, where, versions);
    await unsafeWipeMatterContent(tx, matterId, tx.app.clock.now());
    await recordEvent(tx, { action: 'matter.destroyed', outcome: 'allowed', resources: { ...where, other: { type: 'destroyed_documents', id: String(live.length) } } });
    return result;
  });
}

/**
 * Destroys versions of a document, in `ctx`'s transaction: their object keys (one `key.destroy`
 * event) and the versions (marked destroyed: their content answers KEY_DESTROYED). `'all'` also
 * wipes the document's name and marks it destroyed; a subset must be superseded versions — the
 * document and its current version stay. Audited `document.destroyed` / `document.versions_destroyed`.
 * Does not delete blobs. Unsafe: after retention's own access decision; system actor. Throws
 * DOCUMENT_NOT_FOUND, VALIDATION_FAILED (a version it does not have), CONFLICT (the current
 * version in a subset), LEGAL_HOLD (409, audited), AUDIT_UNAVAILABLE.
 */
export async function unsafeDestroyDocumentVersions(ctx: RequestContext, documentId: string, versions: number[] | 'all'): Promise<DestructionResult> {
  return inTransaction(ctx, async (tx) => {
    const document = await unsafeDocumentRowById(tx, documentId);
    if (!document) throw new AppError('DOCUMENT_NOT_FOUND', 'No such document');
    const all = await unsafeVersionRowsOfDocuments(tx, [documentId]);
    let chosen = all;
    if (versions !== 'all') {
      const wanted = new Set(versions);
      if ([...wanted].some((n) => !all.some((v) => v.version === n))) throw new AppError('VALIDATION_FAILED', 'The document has no such version', [{ path: 'versions', message: 'names a version the document does not have' }]);
      if (document.destroyed_at === null && wanted.has(document.current_version)) throw new AppError('CONFLICT', 'The current version is destroyed only with the whole document');
      chosen = all.filter((v) => wanted.has(v.version));
    }
    const where = { clientId: document.client_id, matterId: document.matter_id };
    if (chosen.length === 0) return { blobIds: [], objectKeyEventIndex: null, legacyBlobIds: [] };
    const resources = { ...where, documentId };
    if (document.destroyed_at === null) await refuseIfHeld(tx, where, documentItem(document), { action: 'document.destroy', resources }, document.legal_hold === 1);
    await unsafeEnableSecureDelete(tx);
    const result = await destroyKeysOf(tx, where, chosen);
    const now = tx.app.clock.now();
    if (versions === 'all') await unsafeWipeDocument(tx, documentId, now);
    else await unsafeMarkVersionsDestroyed(tx, documentId, chosen.map((v) => v.version), now);
    await recordEvent(tx, { action: versions === 'all' ? 'document.destroyed' : 'document.versions_destroyed', outcome: 'allowed', resources: { ...resources, other: { type: 'document_versions', id: String(chosen.length) } } });
    return result;
  });
}

/**
 * Records a physical record's destruction, in `ctx`'s transaction: label and location wiped,
 * status `destroyed`, with when, how (`method`: a short code such as shredding or return to the
 * client — never client content) and the witness. Audited `record.destroyed`. Already destroyed:
 * nothing changes. Unsafe: after retention's own access decision; system actor. Throws
 * RECORD_NOT_FOUND, RECORD_CHECKED_OUT (409, audited: check it in first), VALIDATION_FAILED,
 * LEGAL_HOLD (409, audited), AUDIT_UNAVAILABLE.
 */
export async function unsafeMarkRecordDestroyed(ctx: RequestContext, recordId: string, input: { method: string; witnessUserId: string; destroyedAt: number }): Promise<void> {
  const method = input.method.trim();
  if (method === '' || method.length > 100) throw new AppError('VALIDATION_FAILED', 'Say how the record was destroyed', [{ path: 'method', message: 'must be 1 to 100 characters' }]);
  if (input.witnessUserId === '' || input.witnessUserId.length > 36) throw new AppError('VALIDATION_FAILED', 'Name the witness', [{ path: 'witnessUserId', message: 'must be a user id' }]);
  if (!Number.isSafeInteger(input.destroyedAt) || input.destroyedAt < 0) throw new AppError('VALIDATION_FAILED', 'Say when the record was destroyed', [{ path: 'destroyedAt', message: 'must be a time in milliseconds' }]);
  await inTransaction(ctx, async (tx) => {
    const record = await unsafeRecordRowById(tx, recordId);
    if (!record) throw new AppError('RECORD_NOT_FOUND', 'No such record');
    if (record.status === 'destroyed') return;
    const where = { clientId: record.client_id, matterId: record.matter_id };
    const resources = { ...where, other: { type: 'record', id: record.id } };
    const checkedOut = async () => auditedRefusal(tx, new AppError('RECORD_CHECKED_OUT', 'The record is checked out; check it in before destroying it'), { action: 'record.destroy', reason: 'RECORD_CHECKED_OUT', resources });
    if (record.status === 'out') throw await checkedOut();
    await refuseIfHeld(tx, where, { type: 'record', id: record.id, custodianId: record.custodian_user_id }, { action: 'record.destroy', resources });
    await unsafeEnableSecureDelete(tx);
    // Conditional on its being in: a check-out that committed meanwhile wins.
    if (!(await unsafeWipeRecord(tx, recordId, { method, witnessUserId: input.witnessUserId, destroyedAt: input.destroyedAt }, tx.app.clock.now()))) throw await checkedOut();
    await recordEvent(tx, { action: 'record.destroyed', outcome: 'allowed', resources: { ...where, userId: input.witnessUserId, other: { type: 'record', id: record.id } } });
  });
}

/**
 * Records when the relationship with a client ended (null: it goes on again), in `ctx`'s
 * transaction. Audited `client.ended`. Unsafe: after retention's own access decision; system
 * actor. Throws CLIENT_NOT_FOUND, AUDIT_UNAVAILABLE.
 */
export async function unsafeSetClientEnded(ctx: RequestContext, clientId: string, endedAt: number | null): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    if (!(await unsafeSetClientEndedAt(tx, clientId, endedAt, tx.app.clock.now()))) throw new AppError('CLIENT_NOT_FOUND', 'No such client');
    await recordEvent(tx, { action: 'client.ended', outcome: 'allowed', reason: endedAt === null ? 'RESUMED' : 'ENDED', resources: { clientId } });
  });
}

/**
 * Anonymises a client, in `ctx`'s transaction: its name becomes `label` (sealed as usual under the
 * client's current key, blind indexes recomputed for it), its contact details and identifiers
 * are wiped, every party of the client and its matters is deleted, and its conflict waivers'
 * notes are wiped. Its matters are not touched (destroy their content first). Audited
 * `client.anonymised`. Unsafe: after retention's own access decision; system actor. Throws
 * CLIENT_NOT_FOUND, VALIDATION_FAILED (label), KEY_DESTROYED (a shredded client: nothing to
 * seal with, nothing left to anonymise), SEALED, AUDIT_UNAVAILABLE.
 */
export async function unsafeAnonymiseClient(ctx: RequestContext, clientId: string, label: string): Promise<void> {
  const name = label.trim();
  if (name === '' || name.length > 200) throw new AppError('VALIDATION_FAILED', 'The label must be 1 to 200 characters', [{ path: 'label', message: 'must be 1 to 200 characters' }]);
  await inTransaction(ctx, async (tx) => {
    const client = await unsafeClientRowById(tx, clientId);
    if (!client) throw new AppError('CLIENT_NOT_FOUND', 'No such client');
    const id = client.id as ClientId;
    const sealer = await unsafeSealerForRetention(tx, id);
    const index = await unsafeIndexTokenForRetention(tx, id, sealer.version, 'client-name', name);
    const conflict = await unsafeIndexTokenForRetention(tx, id, sealer.version, 'conflict-name', conflictKey(name));
    await unsafeEnableSecureDelete(tx);
    await unsafeAnonymiseClientRow(tx, id, {
      key_version: sealer.version,
      name_sealed: sealer.seal('vault_clients', id, 'name', name),
      name_index: index.token,
      name_index_key_version: index.keyVersion,
      details_sealed: sealer.seal('vault_clients', id, 'details', JSON.stringify({ email: null, phone: null, address: null, identifiers: [] })),
      conflict_index: conflict.token,
      conflict_index_key_version: conflict.keyVersion,
      updated_at: tx.app.clock.now(),
    });
    await recordEvent(tx, { action: 'client.anonymised', outcome: 'allowed', resources: { clientId: id } });
  });
}
