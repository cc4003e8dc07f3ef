/**
 * Documents: versions of encrypted content streamed through CNFD (constant memory), content type
 * detected from the bytes, classification and privilege. The blob is written before any database
 * transaction opens (a large upload never holds one); the rows and the audit event then commit
 * together, and a failed or aborted upload deletes its blob and leaves no document.
 *
 * Use cases only: SQL in documents.repository.ts, the API shape in vault.presenter.ts, streaming
 * and the blob format in documents.streaming.ts. Every key comes from an `Authorized` value.
 */
import type { Readable } from 'node:stream';
import type { ClientId, DocumentId, MatterId } from '../../../common/ids.js';
import { canAccess, requireAccess, scopeFor } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { IntegrityError, verifiedStart } from '../../platform/crypto/chunked-aead.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { clientKey, currentClientKey, newObjectKey, objectDataKey, unsafeDestroyObjectKeys, type ClientAuthorization } from '../keys/index.js';
import {
  appendDocumentVersion,
  findCurrentDocumentsOfClient,
  findDocumentsOfClientByIds,
  findDocumentRowsOfMatter,
  findDocumentVersions,
  findRecentDocumentRows,
  findStaleDocumentVersions,
  getDocumentRow,
  getDocumentVersion,
  insertDocumentRows,
  moveDocumentVersionBlob,
  updateDocumentRow,
} from './documents.repository.js';
import { blobContext, commitOrDiscard, openStoredContent, parseRange, storeContent, type ContentRange } from './documents.streaming.js';
import { recordListRead } from './vault.audit.js';
import { heldItemIds, refuseIfHeld, type HeldItem } from './vault.holds.js';
import { pageResult, type Page } from './vault.pagination.js';
import { presentDocument, presentRecentDocument, type DocumentAbilities, type DocumentView, type RecentDocumentView } from './vault.presenter.js';
import { getMatterRow, type ClientAuth, type ObjectAuth } from './vault.repository.js';
import { sealerCacheFor, sealerForRead, sealerForWrite, unsafeSealerCache } from './vault.sealing.js';
import type { Classification, VaultDocumentsTable, VaultDocumentVersionsTable } from './vault.tables.js';

// The routes answer 413 and parse ranges with these.
export { parseRange, tooLarge } from './documents.streaming.js';

export const CLASSIFICATIONS: Classification[] = ['internal', 'confidential', 'privileged', 'client-secret'];
const TABLE = 'vault_documents';

export interface UploadInput {
  name: string;
  classification?: Classification;
  privileged?: boolean;
}

const actorOf = (ctx: RequestContext) => (ctx.actor.kind === 'user' ? ctx.actor.userId : 'system');

/** A document needs content: a zero-byte upload is refused (its blob is discarded). */
const emptyDocument = () => new AppError('DOCUMENT_EMPTY', 'The file is empty (0 bytes); choose a file with content', [{ path: 'body', message: 'is empty (0 bytes)' }]);

const trashedDocument = () => new AppError('DOCUMENT_TRASHED', 'The document is in the trash; restore it before changing it');

/** A document as a legal hold sees it: the item and its custodian (the person who created it). */
const heldItemOf = (row: VaultDocumentsTable): HeldItem => ({ type: 'document', id: row.id, custodianId: row.created_by });

/** Refuses (409 LEGAL_HOLD, audited as a denied `action`) a change to a held document: its own marker or a provision's hold. Inside the write's transaction. */
async function refuseIfDocumentHeld(tx: RequestContext, row: VaultDocumentsTable, action: string): Promise<void> {
  await refuseIfHeld(tx, { clientId: row.client_id, matterId: row.matter_id }, heldItemOf(row), { action, resources: { clientId: row.client_id, matterId: row.matter_id, documentId: row.id } }, row.legal_hold === 1);
}

/**
 * What the actor may do with documents of a matter — for showing controls only (the silent
 * check; each action is decided and audited again when asked) — and which of `rows` (of that
 * matter) are under legal hold: one hook call for them all.
 */
async function documentViewsOn(ctx: RequestContext, matterId: string, rows: VaultDocumentsTable[]): Promise<{ of: (row: VaultDocumentsTable) => { can: DocumentAbilities; legalHold: boolean }; upload: boolean }> {
  const target = { kind: 'matter', matterId: matterId as MatterId } as const;
  const edit = await canAccess(ctx, 'document.write', target);
  const classify = await canAccess(ctx, 'document.classify', target);
  const hooked = rows.length > 0 ? await heldItemIds(ctx, { clientId: rows[0]!.client_id, matterId }, rows.map(heldItemOf)) : new Set<string>();
  const of = (row: VaultDocumentsTable) => {
    const legalHold = row.legal_hold === 1 || hooked.has(row.id);
    const live = row.trashed_at === null;
    // A legal hold forbids changes and the trash; restoring a document is always allowed to its editors.
    return { legalHold, can: { edit: edit && live && !legalHold, classify: classify && live && !legalHold, trash: edit && (!live || !legalHold) } };
  };
  return { of, upload: edit };
}

/** Uploads a new document to a matter. Throws ACCESS_DENIED, VALIDATION_FAILED, PAYLOAD_TOO_LARGE, KEY_DESTROYED, SEALED. */
export async function uploadDocument(ctx: RequestContext, matterId: MatterId, input: UploadInput, body: Readable, permission: 'document.write' | 'portal.write' = 'document.write'): Promise<DocumentView> {
  // Checked (and audited) before a byte is stored; the upload event commits with the rows below.
  // A client's portal contact uploads under portal.write (the portal module's own endpoints).
  const auth = await requireAccess(ctx, permission, { kind: 'matter', matterId });
  const matter = await getMatterRow(ctx, auth);
  const clientId = matter.client_id as ClientId;
  // A key of the blob's own (destroyable on its own), its data key derived from the client's current key.
  const objectKey = await newObjectKey(ctx, auth, matterId);
  const keyVersion = objectKey.keyVersion;
  const documentId = newId<DocumentId>(ctx.app.clock.now());
  const stored = await storeContent(ctx, body, objectKey.dataKey, blobContext(documentId, 1, clientId, keyVersion));
  return commitOrDiscard(ctx, stored.blobId, () => {
    if (stored.size === 0) throw emptyDocument();
    return inTransaction(ctx, async (tx) => {
      const sealer = await sealerForWrite(tx, auth);
      const now = tx.app.clock.now();
      const actor = actorOf(tx);
      const row: VaultDocumentsTable = {
        id: documentId,
        matter_id: matterId,
        client_id: clientId,
        key_version: sealer.version,
        name_sealed: sealer.seal(TABLE, documentId, 'name', input.name),
        classification: input.classification ?? 'confidential',
        privileged: input.privileged ? 1 : 0,
        legal_hold: 0,
        current_version: 1,
        created_by: actor,
        created_at: now,
        updated_at: now,
        trashed_at: null,
        trashed_by: null,
        destroyed_at: null,
      };
      const version: VaultDocumentVersionsTable = { id: newId(now), document_id: documentId, version: 1, blob_id: stored.blobId, key_version: keyVersion, object_key_id: objectKey.id, size: stored.size, sealed_size: stored.sealedSize, content_type: stored.contentType, created_by: actor, created_at: now, destroyed_at: null };
      await insertDocumentRows(tx, auth, row, version);
      await objectKey.persist(tx);
      await recordEvent(tx, { action: 'document.upload', outcome: 'allowed', resources: { clientId, matterId, documentId } });
      return presentDocument(row, version, sealer, [version], (await documentViewsOn(tx, matterId, [row])).of(row));
    });
  });
}

/** Access to a document: the choke point finds its matter (a missing document is the same audited 404). */
async function authorizeDocument(ctx: RequestContext, permission: 'document.read' | 'document.write' | 'document.classify' | 'portal.read', documentId: string): Promise<{ auth: ObjectAuth; row: VaultDocumentsTable }> {
  const auth = await requireAccess(ctx, permission, { kind: 'object', type: 'document', id: documentId });
  return { auth, row: await getDocumentRow(ctx, auth) };
}

/** Adds a version to a document. Throws ACCESS_DENIED, PAYLOAD_TOO_LARGE, CONFLICT, KEY_DESTROYED, SEALED. */
export async function addDocumentVersion(ctx: RequestContext, documentId: DocumentId, body: Readable): Promise<DocumentView> {
  const { auth, row } = await authorizeDocument(ctx, 'document.write', documentId);
  if (row.trashed_at !== null) throw trashedDocument();
  // Asked before a byte is stored (a held document takes no upload), and again in the commit.
  await refuseIfDocumentHeld(ctx, row, 'document.version');
  const clientId = row.client_id as ClientId;
  const objectKey = await newObjectKey(ctx, auth, row.matter_id);
  const keyVersion = objectKey.keyVersion;
  // The number is chosen before the upload; a concurrent version makes the commit fail (unique).
  const number = row.current_version + 1;
  const stored = await storeContent(ctx, body, objectKey.dataKey, blobContext(documentId, number, clientId, keyVersion));
  return commitOrDiscard(ctx, stored.blobId, () => {
    if (stored.size === 0) throw emptyDocument();
    return inTransaction(ctx, async (tx) => {
      await refuseIfDocumentHeld(tx, row, 'document.version');
      const now = tx.app.clock.now();
      const actor = actorOf(tx);
      const version: VaultDocumentVersionsTable = { id: newId(now), document_id: documentId, version: number, blob_id: stored.blobId, key_version: keyVersion, object_key_id: objectKey.id, size: stored.size, sealed_size: stored.sealedSize, content_type: stored.contentType, created_by: actor, created_at: now, destroyed_at: null };
      await appendDocumentVersion(tx, auth, version, row.current_version);
      await objectKey.persist(tx);
      await recordEvent(tx, { action: 'document.version', outcome: 'allowed', resources: { clientId, matterId: row.matter_id, documentId } });
      const next = { ...row, current_version: number, updated_at: now };
      return presentDocument(next, version, await sealerForRead(tx, auth, row.key_version), await findDocumentVersions(tx, auth), (await documentViewsOn(tx, row.matter_id, [next])).of(next));
    });
  });
}

/** One document. `portal.read` for a client's portal contact (the choke point asks the portal whether it is shown to them). */
export async function getDocumentById(ctx: RequestContext, documentId: DocumentId, permission: 'document.read' | 'portal.read' = 'document.read'): Promise<DocumentView> {
  const { auth, row } = await authorizeDocument(ctx, permission, documentId);
  const versions = await findDocumentVersions(ctx, auth);
  const current = versions.find((v) => v.version === row.current_version)!;
  return presentDocument(row, current, await sealerForRead(ctx, auth, row.key_version), versions, (await documentViewsOn(ctx, row.matter_id, [row])).of(row));
}

/** Documents of a matter (the live ones, or with `trashed` those in its trash), by id order. */
export async function findDocuments(ctx: RequestContext, matterId: MatterId, page: Page, options: { trashed?: boolean } = {}): Promise<{ items: DocumentView[]; nextCursor: string | null; can: { upload: boolean } }> {
  const auth = await requireAccess(ctx, 'document.read', { kind: 'matter', matterId });
  await getMatterRow(ctx, auth);
  const { rows, nextCursor } = pageResult(await findDocumentRowsOfMatter(ctx, auth, page, options.trashed ?? false), page);
  const sealers = sealerCacheFor(ctx, auth);
  const views = await documentViewsOn(ctx, matterId, rows);
  const items: DocumentView[] = [];
  for (const row of rows) items.push(presentDocument(row, row.current, await sealers(row.key_version), undefined, views.of(row)));
  return { items, nextCursor, can: { upload: views.upload } };
}

/**
 * The newest live documents (by last change) in the matters the actor may open, with each
 * matter's number and title; documents of crypto-shredded clients are left out. Records one
 * `document.recent` event (count, ids where the event has room; never a name). Throws AUDIT_UNAVAILABLE, SEALED.
 */
export async function findRecentDocuments(ctx: RequestContext, limit: number): Promise<RecentDocumentView[]> {
  const rows = await findRecentDocumentRows(ctx, await scopeFor(ctx, 'document.read'), await scopeFor(ctx, 'matter.read'), limit);
  // The rows came through scopeFor: no single authorization to open them with.
  const sealers = unsafeSealerCache(ctx);
  const items: RecentDocumentView[] = [];
  for (const row of rows) {
    try {
      const title = (await sealers(row.client_id, row.matter_key_version)).open('vault_matters', row.matter_id, 'title', row.matter_title_sealed);
      items.push(presentRecentDocument(row, { number: row.matter_number, title }, await sealers(row.client_id, row.key_version)));
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'KEY_DESTROYED')) throw error;
    }
  }
  await recordListRead(ctx, 'document.recent', items.map((d) => ({ clientId: d.clientId, matterId: d.matterId })));
  return items;
}

/**
 * Moves a document to the trash (document.write): it leaves the matter's list and the recent
 * documents, keeps its versions, and can be restored. Refused with LEGAL_HOLD (audited as a
 * denied `document.trash`) while a legal hold applies. Already in the trash: answered as it is.
 * Throws ACCESS_DENIED, LEGAL_HOLD, KEY_DESTROYED, SEALED.
 */
export async function trashDocument(ctx: RequestContext, documentId: DocumentId): Promise<DocumentView> {
  return inTransaction(ctx, async (tx) => {
    const { auth, row } = await authorizeDocument(tx, 'document.write', documentId);
    const resources = { clientId: row.client_id, matterId: row.matter_id, documentId };
    // Held by the vault's own `legal_hold` marker or by a hold the retention module keeps.
    await refuseIfDocumentHeld(tx, row, 'document.trash');
    let next = row;
    if (row.trashed_at === null) {
      const now = tx.app.clock.now();
      next = { ...row, trashed_at: now, trashed_by: actorOf(tx), updated_at: now };
      await updateDocumentRow(tx, auth, next);
      await recordEvent(tx, { action: 'document.trash', outcome: 'allowed', resources });
    }
    return presentWithVersions(tx, auth, next);
  });
}

/** Takes a document out of the trash (document.write), audited `document.restore`. Not in the trash: answered as it is. Throws ACCESS_DENIED, KEY_DESTROYED, SEALED. */
export async function restoreDocument(ctx: RequestContext, documentId: DocumentId): Promise<DocumentView> {
  return inTransaction(ctx, async (tx) => {
    const { auth, row } = await authorizeDocument(tx, 'document.write', documentId);
    let next = row;
    if (row.trashed_at !== null) {
      next = { ...row, trashed_at: null, trashed_by: null, updated_at: tx.app.clock.now() };
      await updateDocumentRow(tx, auth, next);
      await recordEvent(tx, { action: 'document.restore', outcome: 'allowed', resources: { clientId: row.client_id, matterId: row.matter_id, documentId } });
    }
    return presentWithVersions(tx, auth, next);
  });
}

async function presentWithVersions(ctx: RequestContext, auth: ObjectAuth, row: VaultDocumentsTable): Promise<DocumentView> {
  const versions = await findDocumentVersions(ctx, auth);
  return presentDocument(row, versions.find((v) => v.version === row.current_version)!, await sealerForRead(ctx, auth, row.key_version), versions, (await documentViewsOn(ctx, row.matter_id, [row])).of(row));
}

/** Changes classification, privilege or name. Classification and privilege need document.classify. */
export async function updateDocument(ctx: RequestContext, documentId: DocumentId, input: { name?: string; classification?: Classification; privileged?: boolean }): Promise<DocumentView> {
  return inTransaction(ctx, async (tx) => {
    const reclassify = input.classification !== undefined || input.privileged !== undefined;
    const { auth, row } = await authorizeDocument(tx, reclassify ? 'document.classify' : 'document.write', documentId);
    if (row.trashed_at !== null) throw trashedDocument();
    await refuseIfDocumentHeld(tx, row, reclassify ? 'document.reclassify' : 'document.rename');
    if (reclassify && input.name !== undefined) await requireAccess(tx, 'document.write', { kind: 'matter', matterId: row.matter_id as MatterId }, { documentId });
    const clientId = row.client_id as ClientId;
    const now = tx.app.clock.now();
    let next: VaultDocumentsTable = { ...row, updated_at: now };
    let sealer = await sealerForRead(tx, auth, row.key_version);
    if (input.name !== undefined) {
      sealer = await sealerForWrite(tx, auth);
      next = { ...next, key_version: sealer.version, name_sealed: sealer.seal(TABLE, row.id, 'name', input.name) };
    }
    if (input.classification !== undefined) next.classification = input.classification;
    if (input.privileged !== undefined) next.privileged = input.privileged ? 1 : 0;
    await updateDocumentRow(tx, auth, next);
    if (reclassify) {
      await recordEvent(tx, { action: 'document.reclassify', outcome: 'allowed', resources: { clientId, matterId: row.matter_id, documentId, other: { type: 'classification', id: `${next.classification}${next.privileged ? ':privileged' : ''}` } } });
    }
    if (input.name !== undefined) await recordEvent(tx, { action: 'document.rename', outcome: 'allowed', resources: { clientId, matterId: row.matter_id, documentId } });
    const versions = await findDocumentVersions(tx, auth);
    return presentDocument(next, versions.find((v) => v.version === next.current_version)!, sealer, versions, (await documentViewsOn(tx, row.matter_id, [next])).of(next));
  });
}

export interface DocumentContent {
  name: string;
  contentType: string;
  /** Size of the whole version. */
  size: number;
  /** Set when a range was served. */
  range: ContentRange | null;
  stream: Readable;
}

async function onIntegrityFailure(ctx: RequestContext, ids: { clientId: string; matterId: string; documentId: string }, version: number): Promise<void> {
  // Downloads never run inside a transaction, so the event is committed on its own.
  const outside = ctx;
  // Ids only; the alert rules of the audit module pick this action up.
  ctx.app.logger.error({ event: 'document.integrity_failure', documentId: ids.documentId, version }, 'stored document failed its integrity check');
  await recordEvent(outside, { action: 'document.integrity_failure', outcome: 'denied', reason: 'INTEGRITY_ERROR', resources: { ...ids, other: { type: 'document_version', id: String(version) } } }).catch(() => undefined);
}

/**
 * Opens a version's content (the current one by default), whole or a byte range. Access is decided
 * and audited before any byte; the first chunk is verified before returning, so a tampered start
 * fails with INTEGRITY_ERROR while the caller can still answer with that status. Later tampering
 * fails the stream (never released), and is audited too.
 */
export async function openDocumentContent(ctx: RequestContext, documentId: DocumentId, options: { version?: number; rangeHeader?: string; permission?: 'document.read' | 'portal.read' } = {}): Promise<DocumentContent> {
  const { auth, row } = await authorizeDocument(ctx, options.permission ?? 'document.read', documentId);
  // A client never opens a document from the firm's trash.
  if (options.permission === 'portal.read' && row.trashed_at !== null) throw new AppError('ACCESS_DENIED', 'Not found');
  const number = options.version ?? row.current_version;
  const version = await getDocumentVersion(ctx, auth, number);
  const clientId = row.client_id as ClientId;
  const key = await blobKeyOf(ctx, auth, version);
  const name = (await sealerForRead(ctx, auth, row.key_version)).open(TABLE, row.id, 'name', row.name_sealed);
  const ids = { clientId, matterId: row.matter_id, documentId };
  const range = parseRange(options.rangeHeader, version.size);
  // A range covering everything is served as the whole content.
  const partial = range && !(range.start === 0 && range.end === version.size - 1) ? range : null;
  try {
    const plaintext = await openStoredContent(ctx, version, key, blobContext(documentId, number, clientId, version.key_version), partial);
    const stream = await verifiedStart(plaintext);
    stream.on('error', (error) => {
      if (error instanceof IntegrityError) void onIntegrityFailure(ctx, ids, number);
    });
    return { name, contentType: version.content_type, size: version.size, range: partial, stream };
  } catch (error) {
    if (error instanceof IntegrityError) await onIntegrityFailure(ctx, ids, number);
    throw error;
  }
}

/** A document in a client's export: its metadata (name opened) and a way to open its current version. */
export interface ExportedDocument {
  id: string;
  matterId: string;
  name: string;
  classification: Classification;
  privileged: boolean;
  /** Set for a document in the trash (still the client's data, so exported and marked). */
  trashedAt: number | null;
  version: VaultDocumentVersionsTable;
  open: () => Promise<Readable>;
}

/** A document as a client's portal lists it: its name, size and type, no staff detail. */
export interface DocumentSummary {
  id: string;
  matterId: string;
  name: string;
  size: number;
  contentType: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * Live documents of the authorized client among `ids` (names opened), for a page that decided
 * which ids its viewer is shown (the portal) and records its own list event. Trashed ones are left out.
 */
export async function documentSummariesOfClient(ctx: RequestContext, auth: ClientAuthorization, ids: string[]): Promise<DocumentSummary[]> {
  const sealers = sealerCacheFor(ctx, auth);
  const out: DocumentSummary[] = [];
  for (const row of await findDocumentsOfClientByIds(ctx, auth, ids)) {
    if (row.trashed_at !== null) continue;
    out.push({ id: row.id, matterId: row.matter_id, name: (await sealers(row.key_version)).open(TABLE, row.id, 'name', row.name_sealed), size: Number(row.current.size), contentType: row.current.content_type, createdAt: Number(row.created_at), updatedAt: Number(row.updated_at) });
  }
  return out;
}

/** For export: every document of the client `auth` authorized (client.export), each current version openable. */
export async function documentsOfClientForExport(ctx: RequestContext, auth: ClientAuth): Promise<ExportedDocument[]> {
  const sealers = sealerCacheFor(ctx, auth);
  const out: ExportedDocument[] = [];
  for (const row of await findCurrentDocumentsOfClient(ctx, auth)) {
    const version = row.current;
    out.push({
      id: row.id,
      matterId: row.matter_id,
      name: (await sealers(row.key_version)).open(TABLE, row.id, 'name', row.name_sealed),
      classification: row.classification,
      privileged: row.privileged === 1,
      trashedAt: row.trashed_at ?? null,
      version,
      open: async () => openStoredContent(ctx, version, await blobKeyOf(ctx, auth, version), blobContext(version.document_id, version.version, auth.clientId, version.key_version)),
    });
  }
  return out;
}

/**
 * Background re-encryption after a client key rotation: every document version of the client still
 * under an older key version is decrypted and re-encrypted under a new object key (derived from the
 * current version) into a new blob, then its row points at the new blob (one short transaction per
 * version, audited as `document.reencrypt`; the replaced object key is destroyed in it, so no live
 * key opens a backup's copy of the old blob once the master key rotates), and the old blob is
 * deleted. Streams, so memory stays constant. Needs key.manage on the client and a recent MFA
 * check. Returns how many versions were moved.
 */
export async function reencryptClientDocuments(ctx: RequestContext, clientId: ClientId): Promise<{ reencrypted: number; keyVersion: number }> {
  const auth = await requireAccess(ctx, 'key.manage', { kind: 'client', clientId }, { stepUp: true });
  const { version: keyVersion } = await currentClientKey(ctx, auth);
  let moved = 0;
  for (const version of await findStaleDocumentVersions(ctx, auth, keyVersion)) {
    const oldKey = await blobKeyOf(ctx, auth, version);
    const objectKey = await newObjectKey(ctx, auth, version.matter_id);
    const plaintext = await openStoredContent(ctx, version, oldKey, blobContext(version.document_id, version.version, clientId, version.key_version));
    const stored = await storeContent(ctx, plaintext, objectKey.dataKey, blobContext(version.document_id, version.version, clientId, objectKey.keyVersion));
    await commitOrDiscard(ctx, stored.blobId, () =>
      inTransaction(ctx, async (tx) => {
        await moveDocumentVersionBlob(tx, auth, version, { blobId: stored.blobId, keyVersion: objectKey.keyVersion, sealedSize: stored.sealedSize, objectKeyId: objectKey.id });
        await objectKey.persist(tx);
        if (version.object_key_id !== null) await unsafeDestroyObjectKeys(tx, { clientId, matterId: version.matter_id, ids: [version.object_key_id] });
        await recordEvent(tx, { action: 'document.reencrypt', outcome: 'allowed', resources: { clientId, matterId: version.matter_id, documentId: version.document_id, other: { type: 'client_key', id: String(objectKey.keyVersion) } } });
      }),
    );
    await ctx.app.blobs.delete(version.blob_id);
    moved += 1;
  }
  return { reencrypted: moved, keyVersion };
}

/**
 * The data key of a stored version: its object key's (derived from the client key version it
 * names), or for a legacy version (no object key) that client key version itself. Throws
 * KEY_DESTROYED, KEY_NOT_FOUND, SEALED.
 */
async function blobKeyOf(ctx: RequestContext, auth: ClientAuthorization, version: VaultDocumentVersionsTable): Promise<Buffer> {
  return version.object_key_id !== null ? objectDataKey(ctx, auth, version.object_key_id, version.key_version) : clientKey(ctx, auth, version.key_version);
}
