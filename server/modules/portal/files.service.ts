/**
 * Files between the firm and the client: uploads from the portal (streamed, encrypted under the
 * client's key as vault documents of the matter, optionally into a team member's file request),
 * documents staff share with one contact (the client's own data to the client: not a third-party
 * disclosure), and the contact's list and download of what they are shown.
 */
import type { Readable } from 'node:stream';
import type { DocumentId, MatterId } from '../../../common/ids.js';
import { describeTargets, requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import { inTransaction, type RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { documentSummariesOfClient, getDocumentById, openDocumentContent, uploadDocument, type DocumentSummary } from '../vault/index.js';
import {
  closeFileRequestRow,
  findDocumentIdsShownTo,
  findContactRowsReaching,
  findFileRequestRowsOfMatters,
  findLiveShareRow,
  findShareRowsOfDocument,
  findUploadRowsOfRequests,
  getFileRequestRow,
  insertFileRequestRow,
  insertSharedDocumentRow,
  insertUploadRow,
  revokeShareRow,
  unsafeContactOf,
  type ClientAuth,
  type MatterAuth,
  type ObjectAuth,
} from './portal.repository.js';
import { sealerCache, sealerForWrite } from './portal.sealing.js';
import { mattersOf } from './portal.access.js';
import { actorIdOf, matterRef, nameOf, requireContact } from './portal.support.js';
import type { PortalFileRequestsTable, PortalSharedDocumentsTable } from './portal.tables.js';

const REQUESTS = 'portal_file_requests';
type MatterRefView = { id: string; number: string | null; title: string | null };

// ── uploads (the contact) ──

/**
 * A contact uploads a file to one of their matters (into an open file request when given): a vault
 * document, classified confidential, audited `document.upload`. portal.write on the matter (and
 * the request). Throws ACCESS_DENIED, VALIDATION_FAILED, CONFLICT (request closed), PAYLOAD_TOO_LARGE, DOCUMENT_EMPTY, KEY_DESTROYED, SEALED.
 */
export async function uploadFromPortal(ctx: RequestContext, matterId: MatterId, input: { name: string; fileRequestId?: string }, body: Readable): Promise<PortalDocumentView> {
  const { contact } = await requireContact(ctx, 'portal.write');
  const auth = await requireAccess(ctx, 'portal.write', { kind: 'matter', matterId });
  if (input.fileRequestId) {
    const requestAuth = await requireAccess(ctx, 'portal.write', { kind: 'object', type: 'portal_file_request', id: input.fileRequestId });
    const request = await getFileRequestRow(ctx, requestAuth);
    if (request.matter_id !== matterId) throw new AppError('VALIDATION_FAILED', 'The file request is on another matter', [{ path: 'querystring.fileRequestId', message: 'is not a request on this matter' }]);
    if (request.closed_at !== null) throw new AppError('CONFLICT', 'This file request is closed; ask your lawyer to open a new one');
  }
  const document = await uploadDocument(ctx, matterId, { name: input.name, classification: 'confidential' }, body, 'portal.write');
  await inTransaction(ctx, async (tx) => {
    await insertUploadRow(tx, auth, { document_id: document.id, client_id: document.clientId, matter_id: matterId, request_id: input.fileRequestId ?? null, uploaded_by: contact.user_id, uploaded_at: tx.app.clock.now() });
    if (input.fileRequestId) await recordEvent(tx, { action: 'portal.file_request_upload', outcome: 'allowed', resources: { clientId: document.clientId, matterId, documentId: document.id, other: { type: 'portal_file_request', id: input.fileRequestId } } });
  });
  const labels = await describeTargets(ctx, { matterIds: [matterId] });
  return { id: document.id, matter: matterRef(labels, matterId), name: document.name, size: document.size, contentType: document.contentType, updatedAt: document.updatedAt, source: 'uploaded' };
}

// ── what the contact is shown ──

export interface PortalDocumentView {
  id: string;
  matter: MatterRefView;
  name: string;
  size: number;
  contentType: string;
  updatedAt: number;
  source: 'shared' | 'uploaded' | 'attached';
}

/** The documents shown to the contact: shared with them, their uploads, attachments on their matters' threads. portal.read; one list event. Throws ACCESS_DENIED, AUDIT_UNAVAILABLE. */
export async function findPortalDocuments(ctx: RequestContext): Promise<PortalDocumentView[]> {
  const { auth, contact, matterIds } = await requireContact(ctx, 'portal.read');
  const ids = await findDocumentIdsShownTo(ctx, auth, contact.user_id, matterIds);
  const sourceOf = (id: string): PortalDocumentView['source'] => (ids.shared.includes(id) ? 'shared' : ids.uploaded.includes(id) ? 'uploaded' : 'attached');
  const summaries: DocumentSummary[] = await documentSummariesOfClient(ctx, auth, [...new Set([...ids.shared, ...ids.uploaded, ...ids.attached])]);
  // A contact limited to some matters sees nothing of the others, even a document once shared.
  const visible = summaries.filter((d) => matterIds === null || matterIds.includes(d.matterId));
  await recordEvent(ctx, { action: 'document.list', outcome: 'allowed', reason: 'PORTAL', resources: { clientId: auth.clientId, other: { type: 'result_count', id: String(visible.length) } } });
  const labels = await describeTargets(ctx, { matterIds: visible.map((d) => d.matterId) });
  return visible.sort((a, b) => b.updatedAt - a.updatedAt).map((d) => ({ id: d.id, matter: matterRef(labels, d.matterId), name: d.name, size: d.size, contentType: d.contentType, updatedAt: d.updatedAt, source: sourceOf(d.id) }));
}

/** Opens a document shown to the contact (the choke point asks the portal; audited `document.read`). Throws ACCESS_DENIED, INTEGRITY_ERROR, KEY_DESTROYED, SEALED. */
export async function openPortalDocument(ctx: RequestContext, documentId: DocumentId, rangeHeader?: string) {
  await requireContact(ctx, 'portal.read');
  return openDocumentContent(ctx, documentId, { permission: 'portal.read', ...(rangeHeader ? { rangeHeader } : {}) });
}

// ── sharing a document with a contact (staff) ──

export interface ShareView {
  id: string;
  documentId: string;
  contactId: string;
  contactName: string | null;
  sharedBy: string;
  sharedByName: string | null;
  sharedAt: number;
  revokedAt: number | null;
}

async function shareViews(ctx: RequestContext, rows: PortalSharedDocumentsTable[]): Promise<ShareView[]> {
  const labels = await describeTargets(ctx, { userIds: rows.flatMap((r) => [r.contact_id, r.shared_by]) });
  return rows.map((r) => ({ id: r.id, documentId: r.document_id, contactId: r.contact_id, contactName: nameOf(labels, r.contact_id), sharedBy: r.shared_by, sharedByName: nameOf(labels, r.shared_by), sharedAt: Number(r.shared_at), revokedAt: r.revoked_at === null ? null : Number(r.revoked_at) }));
}

/**
 * Shares a document with one of the client's contacts who reaches its matter: document.read on
 * the document and message.write on its matter. Audited `document.portal_share`. Throws
 * ACCESS_DENIED, VALIDATION_FAILED (not a live contact of this matter), CONFLICT (already shared).
 */
export async function shareWithContact(ctx: RequestContext, documentId: DocumentId, contactId: string): Promise<ShareView> {
  return inTransaction(ctx, async (tx) => {
    const document = await getDocumentById(tx, documentId);
    await requireAccess(tx, 'message.write', { kind: 'matter', matterId: document.matterId as MatterId });
    const auth = await requireAccess(tx, 'document.read', { kind: 'object', type: 'document', id: documentId });
    if (document.trashedAt !== null) throw new AppError('DOCUMENT_TRASHED', 'The document is in the trash; restore it before sharing it');
    // Validating the named contact against the document's client and matter (not a read of theirs).
    const contact = await unsafeContactOf(tx, contactId);
    const reaches = contact && contact.client_id === document.clientId && contact.status === 'active' && (mattersOf(contact) === null || mattersOf(contact)!.includes(document.matterId));
    if (!reaches) throw new AppError('VALIDATION_FAILED', "Share with one of this client's portal contacts who sees this matter", [{ path: 'body.contactId', message: "is not a live portal contact of this document's matter" }]);
    if (await findLiveShareRow(tx, auth, contactId)) throw new AppError('CONFLICT', 'This document is already shared with this contact');
    const now = tx.app.clock.now();
    const row: PortalSharedDocumentsTable = { id: newId(now), document_id: documentId, client_id: document.clientId, matter_id: document.matterId, contact_id: contactId, shared_by: actorIdOf(tx), shared_at: now, revoked_by: null, revoked_at: null };
    await insertSharedDocumentRow(tx, auth, row);
    await recordEvent(tx, { action: 'document.portal_share', outcome: 'allowed', resources: { clientId: document.clientId, matterId: document.matterId, documentId, userId: contactId } });
    const [view] = await shareViews(tx, [row]);
    return view!;
  });
}

/** Who a document is shared with in the portal. document.read on it. Throws ACCESS_DENIED. */
export async function findDocumentShares(ctx: RequestContext, documentId: DocumentId): Promise<ShareView[]> {
  const auth = await requireAccess(ctx, 'document.read', { kind: 'object', type: 'document', id: documentId });
  return shareViews(ctx, await findShareRowsOfDocument(ctx, auth));
}

/** Ends a portal share at once. message.write on the document's matter. Throws ACCESS_DENIED, CONFLICT (ended already). */
export async function revokeShare(ctx: RequestContext, documentId: DocumentId, shareId: string): Promise<ShareView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'message.write', { kind: 'object', type: 'document', id: documentId });
    const now = tx.app.clock.now();
    if (!(await revokeShareRow(tx, auth, shareId, actorIdOf(tx), now))) throw new AppError('CONFLICT', 'No live share with this id on this document');
    const row = (await findShareRowsOfDocument(tx, auth)).find((r) => r.id === shareId)!;
    await recordEvent(tx, { action: 'document.portal_unshare', outcome: 'allowed', resources: { clientId: row.client_id, matterId: row.matter_id, documentId, userId: row.contact_id } });
    const [view] = await shareViews(tx, [row]);
    return view!;
  });
}

// ── file requests ──

export interface FileRequestView {
  id: string;
  matter: MatterRefView;
  title: string;
  createdBy: string;
  createdByName: string | null;
  createdAt: number;
  closedAt: number | null;
  uploads: { documentId: string; name: string | null; uploadedBy: string; uploadedByName: string | null; uploadedAt: number }[];
}

async function fileRequestViews(ctx: RequestContext, auth: ClientAuth | MatterAuth | ObjectAuth, rows: PortalFileRequestsTable[]): Promise<FileRequestView[]> {
  const uploads = await findUploadRowsOfRequests(ctx, auth, rows.map((r) => r.id));
  const names = new Map((await documentSummariesOfClient(ctx, auth, uploads.map((u) => u.document_id))).map((d) => [d.id, d.name]));
  const labels = await describeTargets(ctx, { userIds: [...rows.map((r) => r.created_by), ...uploads.map((u) => u.uploaded_by)], matterIds: rows.map((r) => r.matter_id) });
  const sealers = sealerCache(ctx, auth);
  const views: FileRequestView[] = [];
  for (const row of rows) {
    views.push({
      id: row.id,
      matter: matterRef(labels, row.matter_id),
      title: (await sealers(row.key_version)).open(REQUESTS, row.id, 'title', row.title_sealed),
      createdBy: row.created_by,
      createdByName: nameOf(labels, row.created_by),
      createdAt: Number(row.created_at),
      closedAt: row.closed_at === null ? null : Number(row.closed_at),
      uploads: uploads.filter((u) => u.request_id === row.id).map((u) => ({ documentId: u.document_id, name: names.get(u.document_id) ?? null, uploadedBy: u.uploaded_by, uploadedByName: nameOf(labels, u.uploaded_by), uploadedAt: Number(u.uploaded_at) })),
    });
  }
  return views;
}

/** Asks the client for files on a matter; the contacts who reach it are mailed (no content). message.write. Throws ACCESS_DENIED, KEY_DESTROYED, SEALED. */
export async function createFileRequest(ctx: RequestContext, matterId: MatterId, input: { title: string }): Promise<FileRequestView> {
  const { row, auth } = await inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'message.write', { kind: 'matter', matterId });
    const sealer = await sealerForWrite(tx, auth);
    const now = tx.app.clock.now();
    const id = newId(now);
    const row: PortalFileRequestsTable = { id, client_id: auth.clientId!, matter_id: matterId, key_version: sealer.version, title_sealed: sealer.seal(REQUESTS, id, 'title', input.title), created_by: actorIdOf(tx), created_at: now, closed_at: null };
    await insertFileRequestRow(tx, auth, row);
    await recordEvent(tx, { action: 'portal.file_request_create', outcome: 'allowed', resources: { clientId: row.client_id, matterId, other: { type: 'portal_file_request', id } } });
    return { row, auth };
  });
  try {
    const contacts = await findContactRowsReaching(ctx, auth, matterId);
    const users = (await describeTargets(ctx, { userIds: contacts.map((c) => c.user_id) })).users.values();
    for (const user of users) await ctx.app.mailer.send({ to: user.email, subject: 'Your lawyers ask you for files', text: `Hello ${user.name},\n\nYour lawyers asked you for files in your secure client portal. Sign in to upload them:\n\n${ctx.app.config.publicUrl}/portal/files\n` });
  } catch (error) {
    ctx.app.logger.warn({ err: error instanceof Error ? error.name : 'unknown' }, 'file request notification not sent');
  }
  return (await fileRequestViews(ctx, auth, [row]))[0]!;
}

/** File requests of a matter with what was uploaded (staff: message.read). Throws ACCESS_DENIED. */
export async function findMatterFileRequests(ctx: RequestContext, matterId: MatterId): Promise<FileRequestView[]> {
  const auth = await requireAccess(ctx, 'message.read', { kind: 'matter', matterId });
  return fileRequestViews(ctx, auth, await findFileRequestRowsOfMatters(ctx, auth, [matterId]));
}

/** The contact's file requests on their matters (open first). portal.read. Throws ACCESS_DENIED. */
export async function findPortalFileRequests(ctx: RequestContext): Promise<FileRequestView[]> {
  const { auth, matterIds } = await requireContact(ctx, 'portal.read');
  const views = await fileRequestViews(ctx, auth, await findFileRequestRowsOfMatters(ctx, auth, matterIds));
  return views.sort((a, b) => Number(a.closedAt !== null) - Number(b.closedAt !== null) || b.createdAt - a.createdAt);
}

/** Closes a file request (no more uploads into it). message.write on its matter. Throws ACCESS_DENIED, CONFLICT (closed already). */
export async function closeFileRequest(ctx: RequestContext, fileRequestId: string): Promise<FileRequestView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'message.write', { kind: 'object', type: 'portal_file_request', id: fileRequestId });
    const row = await getFileRequestRow(tx, auth);
    const now = tx.app.clock.now();
    if (!(await closeFileRequestRow(tx, auth, now))) throw new AppError('CONFLICT', 'This file request is already closed');
    await recordEvent(tx, { action: 'portal.file_request_close', outcome: 'allowed', resources: { clientId: row.client_id, matterId: row.matter_id, other: { type: 'portal_file_request', id: row.id } } });
    return (await fileRequestViews(tx, auth, [{ ...row, closed_at: now }]))[0]!;
  });
}
