/**
 * Kysely on the vault's document tables (`vault_documents`, `vault_document_versions`). Reads and
 * writes of a document take the object authorization access returned and filter by its id and
 * matter; lists take the matter's authorization; export and re-encryption the client's.
 */
import type { ClientId } from '../../../common/ids.js';
import type { RequestContext } from '../../platform/context.js';
import { tablesOf } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import type { Scope } from '../../access/index.js';
import type { Page } from './vault.pagination.js';
import { destroyed, notFound, objectOf, type ClientAuth, type MatterAuth, type ObjectAuth } from './vault.repository.js';
import type { VaultDocumentsTable, VaultDocumentVersionsTable, VaultTables } from './vault.tables.js';

// The context's handle (a transaction or not); never exported: SQL stays in the repositories.
const db = (ctx: RequestContext) => tablesOf<VaultTables>(ctx.db);

/** A document row with its current version. */
export type DocumentWithCurrent = VaultDocumentsTable & { current: VaultDocumentVersionsTable };

/** Inserts a new document of the matter `auth` authorized (document.write), with its first version. */
export async function insertDocumentRows(ctx: RequestContext, auth: MatterAuth, row: VaultDocumentsTable, version: VaultDocumentVersionsTable): Promise<void> {
  await db(ctx).insertInto('vault_documents').values({ ...row, matter_id: auth.matterId }).execute();
  await db(ctx).insertInto('vault_document_versions').values(version).execute();
}

/** The authorized document, read by its id and the matter access found it under. Throws KEY_DESTROYED when it was destroyed. */
export async function getDocumentRow(ctx: RequestContext, auth: ObjectAuth): Promise<VaultDocumentsTable> {
  const document = objectOf(auth, 'document');
  const row = await db(ctx).selectFrom('vault_documents').selectAll().where('id', '=', document.id).where('matter_id', '=', document.matterId).executeTakeFirst();
  if (!row) throw notFound();
  if (row.destroyed_at !== null) throw destroyed('document');
  return row;
}

/** Every version of the authorized document, oldest first. */
export async function findDocumentVersions(ctx: RequestContext, auth: ObjectAuth): Promise<VaultDocumentVersionsTable[]> {
  const document = objectOf(auth, 'document');
  return db(ctx).selectFrom('vault_document_versions').selectAll().where('document_id', '=', document.id).orderBy('version', 'asc').execute();
}

/** One version of the authorized document. Throws ACCESS_DENIED (404) when there is no such version, KEY_DESTROYED when it was destroyed. */
export async function getDocumentVersion(ctx: RequestContext, auth: ObjectAuth, version: number): Promise<VaultDocumentVersionsTable> {
  const document = objectOf(auth, 'document');
  const row = await db(ctx).selectFrom('vault_document_versions').selectAll().where('document_id', '=', document.id).where('version', '=', version).executeTakeFirst();
  if (!row) throw notFound();
  if (row.destroyed_at !== null) throw destroyed('document version');
  return row;
}

/**
 * Adds `version` to the authorized document and makes it current, if the document is still at
 * `previous` (the number was chosen before the upload). Throws CONFLICT when another version won.
 */
export async function appendDocumentVersion(ctx: RequestContext, auth: ObjectAuth, version: VaultDocumentVersionsTable, previous: number): Promise<void> {
  const document = objectOf(auth, 'document');
  await db(ctx).insertInto('vault_document_versions').values({ ...version, document_id: document.id }).execute();
  const updated = await db(ctx)
    .updateTable('vault_documents')
    .set({ current_version: version.version, updated_at: version.created_at })
    .where('id', '=', document.id)
    .where('matter_id', '=', document.matterId)
    .where('current_version', '=', previous)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new AppError('CONFLICT', 'Another version was added meanwhile');
}

export async function updateDocumentRow(ctx: RequestContext, auth: ObjectAuth, next: VaultDocumentsTable): Promise<void> {
  const document = objectOf(auth, 'document');
  await db(ctx).updateTable('vault_documents').set(next).where('id', '=', document.id).where('matter_id', '=', document.matterId).execute();
}

/** Live documents (destroyed ones left out) joined with their current version (one row each). */
function documentsWithCurrentVersion(ctx: RequestContext) {
  return db(ctx)
    .selectFrom('vault_documents as d')
    .innerJoin('vault_document_versions as v', (join) => join.onRef('v.document_id', '=', 'd.id').onRef('v.version', '=', 'd.current_version'))
    .where('d.destroyed_at', 'is', null)
    .selectAll('d')
    .select(['v.size', 'v.content_type', 'v.id as version_id', 'v.blob_id', 'v.key_version as blob_key_version', 'v.object_key_id', 'v.sealed_size', 'v.created_by as version_created_by', 'v.created_at as version_created_at', 'v.destroyed_at as version_destroyed_at', 'v.version']);
}

type JoinedRow = Awaited<ReturnType<ReturnType<typeof documentsWithCurrentVersion>['execute']>>[number];

function splitCurrent({ size, content_type, version_id, blob_id, blob_key_version, object_key_id, sealed_size, version_created_by, version_created_at, version_destroyed_at, version, ...document }: JoinedRow): DocumentWithCurrent {
  // PostgreSQL returns bigint columns as strings.
  const current = { id: version_id, document_id: document.id, version, blob_id, key_version: blob_key_version, object_key_id, size: Number(size), sealed_size: Number(sealed_size), content_type, created_by: version_created_by, created_at: version_created_at, destroyed_at: version_destroyed_at };
  return { ...document, current };
}

/** A page of the authorized matter's live (or, `trashed`, trashed) documents with their current versions, by id (at most `page.limit + 1`). */
export async function findDocumentRowsOfMatter(ctx: RequestContext, auth: MatterAuth, page: Page, trashed = false): Promise<DocumentWithCurrent[]> {
  let query = documentsWithCurrentVersion(ctx)
    .where('d.matter_id', '=', auth.matterId)
    .where('d.trashed_at', trashed ? 'is not' : 'is', null)
    .orderBy('d.id', 'asc')
    .limit(page.limit + 1);
  if (page.after) query = query.where('d.id', '>', page.after);
  return (await query.execute()).map(splitCurrent);
}

/** A recent document with the number, sealed title and key version of its matter. */
export type RecentDocumentRow = DocumentWithCurrent & { matter_number: string; matter_title_sealed: string; matter_key_version: number };

/**
 * The newest live documents (by last change) in matters both scopes let the actor open — the
 * documents' (document.read) and the matters' (matter.read, so the title may be shown) — at most `limit`.
 */
export async function findRecentDocumentRows(ctx: RequestContext, documents: Scope, matters: Scope, limit: number): Promise<RecentDocumentRow[]> {
  let query = documentsWithCurrentVersion(ctx)
    .innerJoin('vault_matters as m', 'm.id', 'd.matter_id')
    .select(['m.number as matter_number', 'm.title_sealed as matter_title_sealed', 'm.key_version as matter_key_version'])
    .where('d.trashed_at', 'is', null)
    .orderBy('d.updated_at', 'desc')
    .orderBy('d.id', 'desc')
    .limit(limit);
  query = documents.apply(query, 'd.matter_id', 'matter');
  query = matters.apply(query, 'd.matter_id', 'matter');
  return (await query.execute()).map(({ matter_number, matter_title_sealed, matter_key_version, ...row }) => ({ ...splitCurrent(row), matter_number, matter_title_sealed, matter_key_version }));
}

/** Every document of the authorized client with its current version, by id (for the client's export). */
export async function findCurrentDocumentsOfClient(ctx: RequestContext, auth: ClientAuth): Promise<DocumentWithCurrent[]> {
  return (await documentsWithCurrentVersion(ctx).where('d.client_id', '=', auth.clientId).orderBy('d.id').execute()).map(splitCurrent);
}

/** Some documents of the authorized client, with their current version (ids of other clients are ignored). */
export async function findDocumentsOfClientByIds(ctx: RequestContext, auth: { clientId: ClientId | null }, ids: string[]): Promise<DocumentWithCurrent[]> {
  if (ids.length === 0 || auth.clientId === null) return [];
  return (await documentsWithCurrentVersion(ctx).where('d.client_id', '=', auth.clientId).where('d.id', 'in', ids.slice(0, 1000)).orderBy('d.id').execute()).map(splitCurrent);
}

/** A version with the matter and client of its document (re-encryption makes its new object key for that matter). */
export type VersionOfMatter = VaultDocumentVersionsTable & { matter_id: string; client_id: string };

/** The authorized client's document versions still under a key version older than `keyVersion` (re-encryption). */
export async function findStaleDocumentVersions(ctx: RequestContext, auth: ClientAuth, keyVersion: number): Promise<VersionOfMatter[]> {
  const rows = await db(ctx)
    .selectFrom('vault_document_versions as v')
    .innerJoin('vault_documents as d', 'd.id', 'v.document_id')
    .selectAll('v')
    .select(['d.matter_id', 'd.client_id'])
    .where('d.client_id', '=', auth.clientId)
    .where('v.key_version', '<', keyVersion)
    .where('v.destroyed_at', 'is', null)
    .orderBy('v.id')
    .execute();
  return rows.map((row) => ({ ...row, size: Number(row.size), sealed_size: Number(row.sealed_size) }));
}

/** Where a re-encrypted version's content now lives. */
export interface MovedBlob {
  blobId: string;
  keyVersion: number;
  sealedSize: number;
  objectKeyId: string;
}

/**
 * Points a re-encrypted version of the authorized client at its new blob and object key, if it
 * still points at `version.blob_id`. Throws CONFLICT when the version changed meanwhile.
 */
export async function moveDocumentVersionBlob(ctx: RequestContext, auth: ClientAuth, version: VaultDocumentVersionsTable, to: MovedBlob): Promise<void> {
  const result = await db(ctx)
    .updateTable('vault_document_versions')
    .set({ blob_id: to.blobId, key_version: to.keyVersion, sealed_size: to.sealedSize, object_key_id: to.objectKeyId })
    .where('id', '=', version.id)
    .where('blob_id', '=', version.blob_id)
    // Only a version of the authorized client's documents.
    .where('document_id', 'in', db(ctx).selectFrom('vault_documents').select('id').where('client_id', '=', auth.clientId))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new AppError('CONFLICT', 'The version changed meanwhile');
}

/**
 * Legacy versions (blob under the client key alone: no object key) after `after` by id, `limit` at
 * a time, with their document's matter and client. Unsafe (every client's rows, no
 * authorization): only for the migration to object keys, a system job that audits each move.
 */
export async function unsafeFindLegacyDocumentVersions(ctx: RequestContext, after: string, limit: number): Promise<VersionOfMatter[]> {
  const rows = await db(ctx)
    .selectFrom('vault_document_versions as v')
    .innerJoin('vault_documents as d', 'd.id', 'v.document_id')
    .selectAll('v')
    .select(['d.matter_id', 'd.client_id'])
    .where('v.object_key_id', 'is', null)
    .where('v.destroyed_at', 'is', null)
    .where('v.id', '>', after)
    .orderBy('v.id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...row, size: Number(row.size), sealed_size: Number(row.sealed_size) }));
}

/**
 * Every live (not destroyed) version after `after` by id, `limit` at a time, with its document's
 * matter and client. Unsafe (every client's rows, no authorization): only for the integrity check
 * of a restored backup (`backup drill`), a system act on a scratch instance.
 */
export async function unsafeFindLiveDocumentVersions(ctx: RequestContext, after: string, limit: number): Promise<VersionOfMatter[]> {
  const rows = await db(ctx)
    .selectFrom('vault_document_versions as v')
    .innerJoin('vault_documents as d', 'd.id', 'v.document_id')
    .selectAll('v')
    .select(['d.matter_id', 'd.client_id'])
    .where('v.destroyed_at', 'is', null)
    .where('v.id', '>', after)
    .orderBy('v.id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...row, size: Number(row.size), sealed_size: Number(row.sealed_size) }));
}

/**
 * Points a legacy version at its re-encrypted blob and new object key, if it is still the legacy
 * version it was (same blob, no object key): false when another run moved it first. Unsafe (by
 * raw id): only for the migration job.
 */
export async function unsafeMoveLegacyVersionBlob(ctx: RequestContext, version: VaultDocumentVersionsTable, to: MovedBlob): Promise<boolean> {
  const result = await db(ctx)
    .updateTable('vault_document_versions')
    .set({ blob_id: to.blobId, key_version: to.keyVersion, sealed_size: to.sealedSize, object_key_id: to.objectKeyId })
    .where('id', '=', version.id)
    .where('blob_id', '=', version.blob_id)
    .where('object_key_id', 'is', null)
    .where('destroyed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Which of these blob ids some live document version references (the orphan-blob sweeper; ids
 * only, no client data). A destroyed version's blob counts as unreferenced: the retention module
 * deletes it after its commit, and the sweeper is the backstop when that was cut short.
 */
export async function findReferencedBlobIds(ctx: RequestContext, blobIds: string[]): Promise<Set<string>> {
  if (blobIds.length === 0) return new Set();
  const rows = await db(ctx).selectFrom('vault_document_versions').select('blob_id').where('blob_id', 'in', blobIds).where('destroyed_at', 'is', null).execute();
  return new Set(rows.map((r) => r.blob_id));
}

/**
 * Refuses crypto-shredding while any of the client's documents is under legal hold (registered
 * with the keys module as a shred guard; shredding has no vault authorization to pass). Throws LEGAL_HOLD.
 */
export async function refuseShredUnderHold(ctx: RequestContext, clientId: ClientId): Promise<void> {
  const held = await db(ctx).selectFrom('vault_documents').select('id').where('client_id', '=', clientId).where('legal_hold', '=', 1).where('destroyed_at', 'is', null).limit(1).executeTakeFirst();
  if (held) throw new AppError('LEGAL_HOLD', 'Some of this client’s documents are under legal hold; release the hold before destroying its data');
}

/**
 * The classification and privilege of documents by id (ids only in, counts out: no names).
 * Unsafe (every client's rows, no authorization): only for an incident's scope, counted after
 * the incidents module's own access decision.
 */
export async function unsafeDocumentClassifications(ctx: RequestContext, ids: readonly string[]): Promise<{ id: string; classification: string; privileged: boolean }[]> {
  const out: { id: string; classification: string; privileged: boolean }[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db(ctx).selectFrom('vault_documents').select(['id', 'classification', 'privileged']).where('id', 'in', ids.slice(i, i + 500)).execute();
    for (const r of rows) out.push({ id: r.id, classification: r.classification, privileged: Number(r.privileged) === 1 });
  }
  return out;
}
