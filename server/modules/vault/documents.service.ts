/**
 * Documents: versions of encrypted content streamed through CNFD (constant memory), content type
 * detected from the bytes, classification and privilege. The blob is written before any database
 * transaction opens (a large upload never holds one); the rows and the audit event then commit
 * together, and a failed or aborted upload deletes its blob and leaves no document.
 */
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import { DOCUMENT_BLOB_SUFFIX } from './blob-sweeper.js';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromBuffer } from 'file-type';
import type { ClientId, DocumentId, MatterId } from '../../../common/ids.js';
import { requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { createDecryptStream, createEncryptStream, decryptRange, encodeContext, IntegrityError, sealedSize, verifiedStart } from '../../platform/crypto/chunked-aead.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { requireRecentMfa } from '../identity/index.js';
import { clientKey, currentClientKey } from '../keys/index.js';
import { pageResult, type Page } from './vault.pagination.js';
import { getDocumentRow, getMatterRow, notFound, unsafeMatterOf, vaultDb, type MatterAuth } from './vault.repository.js';
import { throwAuditedNotFound } from './vault.audit.js';
import { sealerCache, sealerForRead, sealerForWrite, type Sealer } from './vault.sealing.js';
import type { Classification, VaultDocumentsTable, VaultDocumentVersionsTable } from './vault.tables.js';

export const CLASSIFICATIONS: Classification[] = ['internal', 'confidential', 'privileged', 'client-secret'];
const SNIFF_BYTES = 4100;
const TABLE = 'vault_documents';

export interface DocumentVersionView {
  version: number;
  size: number;
  contentType: string;
  createdBy: string;
  createdAt: number;
}

export interface DocumentView {
  id: string;
  matterId: string;
  clientId: string;
  name: string;
  classification: Classification;
  privileged: boolean;
  legalHold: boolean;
  currentVersion: number;
  size: number;
  contentType: string;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  versions?: DocumentVersionView[];
}

export interface UploadInput {
  name: string;
  classification?: Classification;
  privileged?: boolean;
}

function blobContext(documentId: string, version: number, clientId: string, keyVersion: number): Buffer {
  return encodeContext(['confidant/document/v1', documentId, version, clientId, keyVersion]);
}

function presentVersion(row: VaultDocumentVersionsTable): DocumentVersionView {
  return { version: row.version, size: row.size, contentType: row.content_type, createdBy: row.created_by, createdAt: row.created_at };
}

function present(row: VaultDocumentsTable, current: VaultDocumentVersionsTable, sealer: Sealer | null, versions?: VaultDocumentVersionsTable[]): DocumentView {
  return {
    id: row.id,
    matterId: row.matter_id,
    clientId: row.client_id,
    name: sealer ? sealer.open(TABLE, row.id, 'name', row.name_sealed) : '',
    classification: row.classification,
    privileged: row.privileged === 1,
    legalHold: row.legal_hold === 1,
    currentVersion: row.current_version,
    size: current.size,
    contentType: current.content_type,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(versions ? { versions: versions.map(presentVersion) } : {}),
  };
}

/** Passes bytes through, counting them and keeping the first few KiB to detect the content type. */
class Sniffer extends Transform {
  size = 0;
  private head: Buffer[] = [];
  private headLength = 0;
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) return callback(tooLarge(this.maxBytes));
    if (this.headLength < SNIFF_BYTES) {
      const part = chunk.subarray(0, SNIFF_BYTES - this.headLength);
      this.head.push(Buffer.from(part));
      this.headLength += part.length;
    }
    callback(null, chunk);
  }
  async contentType(): Promise<string> {
    const head = Buffer.concat(this.head);
    const detected = await fileTypeFromBuffer(head);
    if (detected) return detected.mime;
    if (head.length > 0 && !head.includes(0) && isUtf8(head)) return 'text/plain';
    return 'application/octet-stream';
  }
}

function isUtf8(bytes: Buffer): boolean {
  try {
    // The sniffed head may end inside a multi-byte character: allow a cut of up to 3 bytes.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, Math.max(0, bytes.length - (bytes.length === SNIFF_BYTES ? 3 : 0))));
    return true;
  } catch {
    return false;
  }
}

/** The 413 for a document over the instance's MAX_DOCUMENT_SIZE, naming the limit (not secret). */
export function tooLarge(maxBytes: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `The document is larger than this firm's limit of ${formatBytes(maxBytes)}`);
}

function formatBytes(bytes: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  return `${bytes} bytes`;
}

/**
 * Streams `body` through encryption into a new blob; deletes the blob on any failure. The request
 * body is piped in rather than made part of the pipeline: when storing fails (blob store down,
 * too large) the pipeline must not destroy the client's socket before the error answer is sent —
 * the error handler drains what is left of the body, then answers.
 */
async function storeContent(ctx: RequestContext, body: Readable, key: Buffer, context: Buffer): Promise<{ blobId: string; size: number; sealedSize: number; contentType: string }> {
  const blobId = `${newId()}${DOCUMENT_BLOB_SUFFIX}`;
  const sniffer = new Sniffer(ctx.app.config.maxDocumentBytes);
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  // A body cut off by the client (socket closed mid-upload) ends the write with an error.
  const cut = (error?: Error) => {
    if (!body.readableEnded) sniffer.destroy(error ?? new AppError('BAD_REQUEST', 'The upload was cut off'));
  };
  body.once('error', cut);
  body.once('close', cut);
  body.pipe(sniffer);
  try {
    // Both sides settle before we answer, so a refused upload has cleaned up its temporary file
    // by then. The first failure is the one reported (a too-large body, not the write it aborted;
    // a store outage, not the pipeline it stalled).
    let firstError: unknown;
    const fail = (error: unknown) => {
      firstError ??= error;
      out.destroy();
      throw error;
    };
    const results = await Promise.allSettled([pipeline(sniffer, createEncryptStream({ dataKey: key, context }), out).catch(fail), ctx.app.blobs.put(blobId, out).catch(fail)]);
    if (firstError !== undefined) throw firstError;
    const stored = (results[1] as PromiseFulfilledResult<{ size: number }>).value;
    if (stored.size !== sealedSize(sniffer.size)) throw new Error('stored size does not match');
    return { blobId, size: sniffer.size, sealedSize: stored.size, contentType: await sniffer.contentType() };
  } catch (error) {
    body.unpipe(sniffer);
    out.destroy();
    await ctx.app.blobs.delete(blobId).catch(() => undefined);
    throw error;
  } finally {
    body.off('error', cut);
    body.off('close', cut);
  }
}

/** Commits rows after the blob is stored; deletes the blob if the commit fails. */
async function commitOrDiscard<T>(ctx: RequestContext, blobId: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await ctx.app.blobs.delete(blobId).catch(() => undefined);
    throw error;
  }
}

/** Uploads a new document to a matter. Throws ACCESS_DENIED, VALIDATION_FAILED, PAYLOAD_TOO_LARGE, KEY_DESTROYED, SEALED. */
export async function uploadDocument(ctx: RequestContext, matterId: MatterId, input: UploadInput, body: Readable): Promise<DocumentView> {
  // Checked (and audited) before a byte is stored; the upload event commits with the rows below.
  const auth = await requireAccess(ctx, 'document.write', { kind: 'matter', matterId });
  const matter = await getMatterRow(ctx, auth);
  const clientId = matter.client_id as ClientId;
  const { version: keyVersion, key } = await currentClientKey(ctx, clientId);
  const documentId = newId<DocumentId>(ctx.app.clock.now());
  const stored = await storeContent(ctx, body, key, blobContext(documentId, 1, clientId, keyVersion));
  return commitOrDiscard(ctx, stored.blobId, () =>
    inTransaction(ctx, async (tx) => {
      const sealer = await sealerForWrite(tx, clientId);
      const now = tx.app.clock.now();
      const actor = tx.actor.kind === 'user' ? tx.actor.userId : 'system';
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
      };
      const version: VaultDocumentVersionsTable = { id: newId(now), document_id: documentId, version: 1, blob_id: stored.blobId, key_version: keyVersion, size: stored.size, sealed_size: stored.sealedSize, content_type: stored.contentType, created_by: actor, created_at: now };
      await vaultDb(tx).insertInto('vault_documents').values(row).execute();
      await vaultDb(tx).insertInto('vault_document_versions').values(version).execute();
      await recordEvent(tx, { action: 'document.upload', outcome: 'allowed', resources: { clientId, matterId, documentId } });
      return present(row, version, sealer);
    }),
  );
}

/** Access to a document: asks access about its matter (missing document → the same 404). */
async function authorizeDocument(ctx: RequestContext, permission: 'document.read' | 'document.write' | 'document.classify', documentId: string): Promise<{ auth: MatterAuth; row: VaultDocumentsTable }> {
  const matterId = await unsafeMatterOf(ctx, 'vault_documents', documentId);
  if (!matterId) return throwAuditedNotFound(ctx, permission, { documentId });
  const auth = await requireAccess(ctx, permission, { kind: 'matter', matterId: matterId as MatterId }, { documentId });
  return { auth, row: await getDocumentRow(ctx, auth, documentId) };
}

async function versionsOf(ctx: RequestContext, documentId: string): Promise<VaultDocumentVersionsTable[]> {
  return vaultDb(ctx).selectFrom('vault_document_versions').selectAll().where('document_id', '=', documentId).orderBy('version', 'asc').execute();
}

/** Adds a version to a document. Throws ACCESS_DENIED, PAYLOAD_TOO_LARGE, KEY_DESTROYED, SEALED. */
export async function addDocumentVersion(ctx: RequestContext, documentId: DocumentId, body: Readable): Promise<DocumentView> {
  const { row } = await authorizeDocument(ctx, 'document.write', documentId);
  const clientId = row.client_id as ClientId;
  const { version: keyVersion, key } = await currentClientKey(ctx, clientId);
  // The number is chosen before the upload; a concurrent version makes the commit fail (unique).
  const number = row.current_version + 1;
  const stored = await storeContent(ctx, body, key, blobContext(documentId, number, clientId, keyVersion));
  return commitOrDiscard(ctx, stored.blobId, () =>
    inTransaction(ctx, async (tx) => {
      const now = tx.app.clock.now();
      const actor = tx.actor.kind === 'user' ? tx.actor.userId : 'system';
      const version: VaultDocumentVersionsTable = { id: newId(now), document_id: documentId, version: number, blob_id: stored.blobId, key_version: keyVersion, size: stored.size, sealed_size: stored.sealedSize, content_type: stored.contentType, created_by: actor, created_at: now };
      await vaultDb(tx).insertInto('vault_document_versions').values(version).execute();
      const updated = await vaultDb(tx).updateTable('vault_documents').set({ current_version: number, updated_at: now }).where('id', '=', documentId).where('current_version', '=', row.current_version).executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw new AppError('CONFLICT', 'Another version was added meanwhile');
      await recordEvent(tx, { action: 'document.version', outcome: 'allowed', resources: { clientId, matterId: row.matter_id, documentId } });
      const next = { ...row, current_version: number, updated_at: now };
      return present(next, version, await sealerForRead(tx, clientId, row.key_version), await versionsOf(tx, documentId));
    }),
  );
}

export async function getDocumentById(ctx: RequestContext, documentId: DocumentId): Promise<DocumentView> {
  const { row } = await authorizeDocument(ctx, 'document.read', documentId);
  const versions = await versionsOf(ctx, documentId);
  const current = versions.find((v) => v.version === row.current_version)!;
  return present(row, current, await sealerForRead(ctx, row.client_id as ClientId, row.key_version), versions);
}

/** Documents of a matter, by id order. */
export async function findDocuments(ctx: RequestContext, matterId: MatterId, page: Page): Promise<{ items: DocumentView[]; nextCursor: string | null }> {
  const auth = await requireAccess(ctx, 'document.read', { kind: 'matter', matterId });
  await getMatterRow(ctx, auth);
  let query = vaultDb(ctx)
    .selectFrom('vault_documents as d')
    .innerJoin('vault_document_versions as v', (join) => join.onRef('v.document_id', '=', 'd.id').onRef('v.version', '=', 'd.current_version'))
    .selectAll('d')
    .select(['v.size', 'v.content_type', 'v.id as version_id', 'v.blob_id', 'v.key_version as blob_key_version', 'v.sealed_size', 'v.created_by as version_created_by', 'v.created_at as version_created_at', 'v.version'])
    .where('d.matter_id', '=', auth.matterId)
    .orderBy('d.id', 'asc')
    .limit(page.limit + 1);
  if (page.after) query = query.where('d.id', '>', page.after);
  const { rows, nextCursor } = pageResult(await query.execute(), page);
  const sealers = sealerCache(ctx);
  const items: DocumentView[] = [];
  for (const row of rows) {
    const version: VaultDocumentVersionsTable = { id: row.version_id, document_id: row.id, version: row.version, blob_id: row.blob_id, key_version: row.blob_key_version, size: Number(row.size), sealed_size: Number(row.sealed_size), content_type: row.content_type, created_by: row.version_created_by, created_at: row.version_created_at };
    items.push(present(row, version, await sealers(row.client_id, row.key_version)));
  }
  return { items, nextCursor };
}

/** Changes classification, privilege or name. Classification and privilege need document.classify. */
export async function updateDocument(ctx: RequestContext, documentId: DocumentId, input: { name?: string; classification?: Classification; privileged?: boolean }): Promise<DocumentView> {
  return inTransaction(ctx, async (tx) => {
    const reclassify = input.classification !== undefined || input.privileged !== undefined;
    const { row } = await authorizeDocument(tx, reclassify ? 'document.classify' : 'document.write', documentId);
    if (reclassify && input.name !== undefined) await requireAccess(tx, 'document.write', { kind: 'matter', matterId: row.matter_id as MatterId }, { documentId });
    const clientId = row.client_id as ClientId;
    const now = tx.app.clock.now();
    let next: VaultDocumentsTable = { ...row, updated_at: now };
    let sealer = await sealerForRead(tx, clientId, row.key_version);
    if (input.name !== undefined) {
      sealer = await sealerForWrite(tx, clientId);
      next = { ...next, key_version: sealer.version, name_sealed: sealer.seal(TABLE, row.id, 'name', input.name) };
    }
    if (input.classification !== undefined) next.classification = input.classification;
    if (input.privileged !== undefined) next.privileged = input.privileged ? 1 : 0;
    await vaultDb(tx).updateTable('vault_documents').set(next).where('id', '=', row.id).execute();
    if (reclassify) {
      await recordEvent(tx, { action: 'document.reclassify', outcome: 'allowed', resources: { clientId, matterId: row.matter_id, documentId, other: { type: 'classification', id: `${next.classification}${next.privileged ? ':privileged' : ''}` } } });
    }
    if (input.name !== undefined) await recordEvent(tx, { action: 'document.rename', outcome: 'allowed', resources: { clientId, matterId: row.matter_id, documentId } });
    const versions = await versionsOf(tx, documentId);
    return present(next, versions.find((v) => v.version === next.current_version)!, sealer, versions);
  });
}

export interface ContentRange {
  start: number;
  end: number;
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

/** Parses one `bytes=` range against `size`; null means "serve everything". Throws RANGE_NOT_SATISFIABLE. */
export function parseRange(header: string | undefined, size: number): ContentRange | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges or other units: serve the whole content (allowed by RFC 9110).
  if (!match) return null;
  const [, first, last] = match;
  let start: number;
  let end: number;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) throw new AppError('RANGE_NOT_SATISFIABLE');
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  }
  if (start >= size || end < start) throw new AppError('RANGE_NOT_SATISFIABLE');
  return { start, end };
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
export async function openDocumentContent(ctx: RequestContext, documentId: DocumentId, options: { version?: number; rangeHeader?: string } = {}): Promise<DocumentContent> {
  const { row } = await authorizeDocument(ctx, 'document.read', documentId);
  const number = options.version ?? row.current_version;
  const version = await vaultDb(ctx).selectFrom('vault_document_versions').selectAll().where('document_id', '=', documentId).where('version', '=', number).executeTakeFirst();
  if (!version) throw notFound();
  const clientId = row.client_id as ClientId;
  const key = await clientKey(ctx, clientId, version.key_version);
  const name = (await sealerForRead(ctx, clientId, row.key_version)).open(TABLE, row.id, 'name', row.name_sealed);
  const ids = { clientId, matterId: row.matter_id, documentId };
  const context = blobContext(documentId, number, clientId, version.key_version);
  const range = parseRange(options.rangeHeader, version.size);
  try {
    const storedSize = await ctx.app.blobs.size(version.blob_id);
    if (storedSize !== version.sealed_size) throw new IntegrityError();
    let plaintext: Readable;
    if (range && !(range.start === 0 && range.end === version.size - 1)) {
      plaintext = await decryptRange({ dataKey: key, context, sealedLength: version.sealed_size, start: range.start, end: range.end, read: (start, end) => ctx.app.blobs.get(version.blob_id, { start, end }) });
    } else {
      const source = await ctx.app.blobs.get(version.blob_id);
      const decrypt = createDecryptStream({ dataKey: key, context });
      source.on('error', (error) => decrypt.destroy(error));
      plaintext = source.pipe(decrypt);
    }
    const stream = await verifiedStart(plaintext);
    stream.on('error', (error) => {
      if (error instanceof IntegrityError) void onIntegrityFailure(ctx, ids, number);
    });
    return { name, contentType: version.content_type, size: version.size, range: range && !(range.start === 0 && range.end === version.size - 1) ? range : null, stream };
  } catch (error) {
    if (error instanceof IntegrityError) await onIntegrityFailure(ctx, ids, number);
    throw error;
  }
}

/** For export: every document of a client with a way to open each current version (caller checked client.export). */
export async function unsafeDocumentsOfClient(ctx: RequestContext, clientId: ClientId): Promise<{ id: string; matterId: string; name: string; classification: Classification; privileged: boolean; version: VaultDocumentVersionsTable; open: () => Promise<Readable> }[]> {
  const rows = await vaultDb(ctx)
    .selectFrom('vault_documents as d')
    .innerJoin('vault_document_versions as v', (join) => join.onRef('v.document_id', '=', 'd.id').onRef('v.version', '=', 'd.current_version'))
    .selectAll('v')
    .select(['d.matter_id', 'd.name_sealed', 'd.key_version as name_key_version', 'd.classification', 'd.privileged'])
    .where('d.client_id', '=', clientId)
    .orderBy('d.id')
    .execute();
  const sealers = sealerCache(ctx);
  const out = [];
  for (const row of rows) {
    const sealer = await sealers(clientId, row.name_key_version);
    const version: VaultDocumentVersionsTable = { id: row.id, document_id: row.document_id, version: row.version, blob_id: row.blob_id, key_version: row.key_version, size: Number(row.size), sealed_size: Number(row.sealed_size), content_type: row.content_type, created_by: row.created_by, created_at: row.created_at };
    out.push({
      id: row.document_id,
      matterId: row.matter_id,
      name: sealer.open(TABLE, row.document_id, 'name', row.name_sealed),
      classification: row.classification,
      privileged: row.privileged === 1,
      version,
      open: async () => {
        const key = await clientKey(ctx, clientId, version.key_version);
        if ((await ctx.app.blobs.size(version.blob_id)) !== version.sealed_size) throw new IntegrityError();
        const source = await ctx.app.blobs.get(version.blob_id);
        const decrypt = createDecryptStream({ dataKey: key, context: blobContext(version.document_id, version.version, clientId, version.key_version) });
        source.on('error', (error) => decrypt.destroy(error));
        return source.pipe(decrypt);
      },
    });
  }
  return out;
}

export type { MatterAuth };

/**
 * Background re-encryption after a client key rotation: every document version of the client still
 * under an older key version is decrypted and re-encrypted under the current version into a new
 * blob, then its row points at the new blob (one short transaction per version, audited as
 * `document.reencrypt`), and the old blob is deleted. Streams, so memory stays constant. Needs
 * key.manage on the client and a recent MFA check. Returns how many versions were moved.
 */
export async function reencryptClientDocuments(ctx: RequestContext, clientId: ClientId): Promise<{ reencrypted: number; keyVersion: number }> {
  await requireAccess(ctx, 'key.manage', { kind: 'client', clientId });
  requireRecentMfa(ctx);
  const { version: keyVersion, key } = await currentClientKey(ctx, clientId);
  const stale = await vaultDb(ctx)
    .selectFrom('vault_document_versions as v')
    .innerJoin('vault_documents as d', 'd.id', 'v.document_id')
    .selectAll('v')
    .where('d.client_id', '=', clientId)
    .where('v.key_version', '<', keyVersion)
    .orderBy('v.id')
    .execute();
  let moved = 0;
  for (const version of stale) {
    const oldKey = await clientKey(ctx, clientId, version.key_version);
    if ((await ctx.app.blobs.size(version.blob_id)) !== Number(version.sealed_size)) throw new IntegrityError();
    const source = await ctx.app.blobs.get(version.blob_id);
    const decrypt = createDecryptStream({ dataKey: oldKey, context: blobContext(version.document_id, version.version, clientId, version.key_version) });
    source.on('error', (error) => decrypt.destroy(error));
    const stored = await storeContent(ctx, source.pipe(decrypt), key, blobContext(version.document_id, version.version, clientId, keyVersion));
    const updated = await commitOrDiscard(ctx, stored.blobId, () =>
      inTransaction(ctx, async (tx) => {
        const result = await vaultDb(tx)
          .updateTable('vault_document_versions')
          .set({ blob_id: stored.blobId, key_version: keyVersion, sealed_size: stored.sealedSize })
          .where('id', '=', version.id)
          .where('blob_id', '=', version.blob_id)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) throw new AppError('CONFLICT', 'The version changed meanwhile');
        await recordEvent(tx, { action: 'document.reencrypt', outcome: 'allowed', resources: { clientId, documentId: version.document_id, other: { type: 'client_key', id: String(keyVersion) } } });
        return true;
      }),
    );
    if (updated) {
      await ctx.app.blobs.delete(version.blob_id);
      moved += 1;
    }
  }
  return { reencrypted: moved, keyVersion };
}
