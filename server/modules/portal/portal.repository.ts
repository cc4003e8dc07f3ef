/**
 * Kysely on the portal module's own tables. Functions reading or changing one client's or one
 * matter's rows take the `Authorized` value the choke point returned and filter by the id it
 * authorized. The `unsafe…` functions answer the choke point itself (`clientReach`, parent
 * resolvers): they read by raw id because they are part of the decision, not a use of its result.
 */
import { sql } from 'kysely';
import type { ClientId, MatterId } from '../../../common/ids.js';
import type { Authorized, ObjectTarget, ParentResolver } from '../../access/index.js';
import type { RequestContext } from '../../platform/context.js';
import { tablesOf } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import type { PortalExportRequestsTable, PortalConsentRequestsTable, PortalContactsTable, PortalFileRequestsTable, PortalMessagesTable, PortalSharedDocumentsTable, PortalTables, PortalThreadsTable, PortalUploadsTable } from './portal.tables.js';

export type ClientAuth = Authorized<{ kind: 'client'; clientId: ClientId }>;
export type MatterAuth = Authorized<{ kind: 'matter'; matterId: MatterId }>;
export type ObjectAuth = Authorized<ObjectTarget>;

const db = (ctx: RequestContext) => tablesOf<PortalTables>(ctx.db);
const notFound = () => new AppError('ACCESS_DENIED', 'Not found');

function objectOf(auth: ObjectAuth, type: string): string {
  if (auth.type !== type) throw notFound();
  return auth.id;
}

/** Access finds a thread's and a file request's matter, and a contact's client, itself. */
export const PARENT_RESOLVERS: Record<'portal_thread' | 'portal_file_request' | 'portal_contact' | 'portal_consent_request' | 'portal_export_request', ParentResolver> = {
  portal_thread: async (ctx, id) => {
    const row = await db(ctx).selectFrom('portal_threads').select('matter_id').where('id', '=', id).executeTakeFirst();
    return row ? { matterId: row.matter_id as MatterId } : null;
  },
  portal_file_request: async (ctx, id) => {
    const row = await db(ctx).selectFrom('portal_file_requests').select('matter_id').where('id', '=', id).executeTakeFirst();
    return row ? { matterId: row.matter_id as MatterId } : null;
  },
  portal_contact: async (ctx, id) => {
    const row = await db(ctx).selectFrom('portal_contacts').select('client_id').where('user_id', '=', id).executeTakeFirst();
    return row ? { clientId: row.client_id as ClientId } : null;
  },
  portal_export_request: async (ctx, id) => {
    const row = await db(ctx).selectFrom('portal_export_requests').select('client_id').where('id', '=', id).executeTakeFirst();
    return row ? { clientId: row.client_id as ClientId } : null;
  },
  portal_consent_request: async (ctx, id) => {
    const row = await db(ctx).selectFrom('portal_consent_requests').select('client_id').where('id', '=', id).executeTakeFirst();
    return row ? { clientId: row.client_id as ClientId } : null;
  },
};

// ── for the decision (clientReach) ──────────────────────────────────────────────────────────

/** The contact row of an account (the choke point's own question about its actor). */
export async function unsafeContactOf(ctx: RequestContext, userId: string): Promise<PortalContactsTable | undefined> {
  return db(ctx).selectFrom('portal_contacts').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** Who asked for an export. */
export async function unsafeExportRequestOwner(ctx: RequestContext, requestId: string): Promise<string | undefined> {
  return (await db(ctx).selectFrom('portal_export_requests').select('contact_id').where('id', '=', requestId).executeTakeFirst())?.contact_id;
}

/** Who a consent request was asked of. */
export async function unsafeConsentRequestOwner(ctx: RequestContext, requestId: string): Promise<string | undefined> {
  return (await db(ctx).selectFrom('portal_consent_requests').select('contact_id').where('id', '=', requestId).executeTakeFirst())?.contact_id;
}

/** Who uploaded a file through the portal (undefined: not a portal upload). */
export async function unsafeUploadedBy(ctx: RequestContext, documentId: string): Promise<string | undefined> {
  return (await db(ctx).selectFrom('portal_uploads').select('uploaded_by').where('document_id', '=', documentId).executeTakeFirst())?.uploaded_by;
}

/** Whether a document is shown to this contact: shared with them, attached in a thread of `matterIds` (null: any of the client's), or uploaded by them. */
export async function unsafeDocumentShownTo(ctx: RequestContext, contact: PortalContactsTable, documentId: string, matterIds: string[] | null): Promise<boolean> {
  const shared = await db(ctx).selectFrom('portal_shared_documents').select('id').where('document_id', '=', documentId).where('contact_id', '=', contact.user_id).where('revoked_at', 'is', null).executeTakeFirst();
  if (shared) return true;
  const uploaded = await db(ctx).selectFrom('portal_uploads').select('document_id').where('document_id', '=', documentId).where('uploaded_by', '=', contact.user_id).executeTakeFirst();
  if (uploaded) return true;
  let attached = db(ctx)
    .selectFrom('portal_message_documents as d')
    .innerJoin('portal_threads as t', 't.id', 'd.thread_id')
    .select('d.document_id')
    .where('d.document_id', '=', documentId)
    .where('t.client_id', '=', contact.client_id);
  if (matterIds !== null) attached = matterIds.length === 0 ? attached.where(sql<boolean>`1 = 0`) : attached.where('t.matter_id', 'in', matterIds);
  return (await attached.executeTakeFirst()) !== undefined;
}

// ── contacts ───────────────────────────────────────────────────────────────────────────────

export async function insertContactRow(ctx: RequestContext, auth: ClientAuth, row: PortalContactsTable): Promise<void> {
  if (row.client_id !== auth.clientId) throw notFound();
  await db(ctx).insertInto('portal_contacts').values(row).execute();
}

export async function findContactRowsOfClient(ctx: RequestContext, auth: ClientAuth): Promise<PortalContactsTable[]> {
  return db(ctx).selectFrom('portal_contacts').selectAll().where('client_id', '=', auth.clientId).orderBy('invited_at', 'desc').limit(500).execute();
}

export async function getContactRow(ctx: RequestContext, auth: ObjectAuth): Promise<PortalContactsTable> {
  const row = await db(ctx).selectFrom('portal_contacts').selectAll().where('user_id', '=', objectOf(auth, 'portal_contact')).executeTakeFirst();
  if (!row || row.client_id !== auth.clientId) throw notFound();
  return row;
}

/** The signed-in contact's own row (their client authorized by the choke point). */
export async function getOwnContactRow(ctx: RequestContext, auth: ClientAuth, userId: string): Promise<PortalContactsTable> {
  const row = await db(ctx).selectFrom('portal_contacts').selectAll().where('user_id', '=', userId).where('client_id', '=', auth.clientId).executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function updateContactRow(ctx: RequestContext, auth: ClientAuth | ObjectAuth, userId: string, changes: Partial<Pick<PortalContactsTable, 'status' | 'activated_at' | 'disabled_by' | 'disabled_at' | 'matter_scope' | 'matter_ids'>>): Promise<void> {
  await db(ctx).updateTable('portal_contacts').set(changes).where('user_id', '=', userId).where('client_id', '=', auth.clientId!).execute();
}

/** Live contacts of a client who reach a matter (for mail notifications). */
export async function findContactRowsReaching(ctx: RequestContext, auth: MatterAuth | ObjectAuth, matterId: string): Promise<PortalContactsTable[]> {
  const rows = await db(ctx).selectFrom('portal_contacts').selectAll().where('client_id', '=', auth.clientId!).where('status', '=', 'active').execute();
  return rows.filter((r) => r.matter_scope === 'all' || (JSON.parse(r.matter_ids) as string[]).includes(matterId));
}

// ── consent requests ───────────────────────────────────────────────────────────────────────

export async function insertConsentRequestRows(ctx: RequestContext, auth: ClientAuth, rows: PortalConsentRequestsTable[]): Promise<void> {
  if (rows.length === 0) return;
  if (rows.some((r) => r.client_id !== auth.clientId)) throw notFound();
  await db(ctx).insertInto('portal_consent_requests').values(rows).execute();
}

export async function findConsentRequestRowsOfContact(ctx: RequestContext, auth: ClientAuth, contactId: string): Promise<PortalConsentRequestsTable[]> {
  return db(ctx).selectFrom('portal_consent_requests').selectAll().where('client_id', '=', auth.clientId).where('contact_id', '=', contactId).orderBy('created_at').limit(200).execute();
}

export async function getConsentRequestRow(ctx: RequestContext, auth: ObjectAuth): Promise<PortalConsentRequestsTable> {
  const row = await db(ctx).selectFrom('portal_consent_requests').selectAll().where('id', '=', objectOf(auth, 'portal_consent_request')).executeTakeFirst();
  if (!row || row.client_id !== auth.clientId) throw notFound();
  return row;
}

/** Decides a pending request; false when it was decided meanwhile. */
export async function decideConsentRequestRow(ctx: RequestContext, auth: ObjectAuth, status: 'given' | 'declined', consentId: string | null, at: number): Promise<boolean> {
  const result = await db(ctx).updateTable('portal_consent_requests').set({ status, consent_id: consentId, decided_at: at }).where('id', '=', objectOf(auth, 'portal_consent_request')).where('status', '=', 'pending').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ── threads and messages ───────────────────────────────────────────────────────────────────

export async function insertThreadRow(ctx: RequestContext, auth: MatterAuth, row: PortalThreadsTable): Promise<void> {
  if (row.matter_id !== auth.matterId) throw notFound();
  await db(ctx).insertInto('portal_threads').values(row).execute();
}

export async function findThreadRowsOfMatter(ctx: RequestContext, auth: MatterAuth): Promise<PortalThreadsTable[]> {
  return db(ctx).selectFrom('portal_threads').selectAll().where('matter_id', '=', auth.matterId).orderBy('last_message_at', 'desc').limit(500).execute();
}

/** Threads on some matters of the authorized client (a contact's matters), newest activity first. */
export async function findThreadRowsOfMatters(ctx: RequestContext, auth: ClientAuth, matterIds: string[] | null): Promise<PortalThreadsTable[]> {
  let q = db(ctx).selectFrom('portal_threads').selectAll().where('client_id', '=', auth.clientId);
  if (matterIds !== null) {
    if (matterIds.length === 0) return [];
    q = q.where('matter_id', 'in', matterIds);
  }
  return q.orderBy('last_message_at', 'desc').limit(500).execute();
}

export async function getThreadRow(ctx: RequestContext, auth: ObjectAuth): Promise<PortalThreadsTable> {
  const row = await db(ctx).selectFrom('portal_threads').selectAll().where('id', '=', objectOf(auth, 'portal_thread')).executeTakeFirst();
  if (!row || row.matter_id !== auth.matterId) throw notFound();
  return row;
}

export async function insertMessageRow(ctx: RequestContext, auth: ObjectAuth | MatterAuth, row: PortalMessagesTable, documentIds: string[]): Promise<void> {
  if (row.matter_id !== auth.matterId) throw notFound();
  await db(ctx).insertInto('portal_messages').values(row).execute();
  if (documentIds.length > 0) await db(ctx).insertInto('portal_message_documents').values(documentIds.map((documentId) => ({ message_id: row.id, document_id: documentId, thread_id: row.thread_id }))).execute();
  await db(ctx).updateTable('portal_threads').set({ last_message_at: row.created_at }).where('id', '=', row.thread_id).execute();
}

/** A thread's messages, attachments and reads: the thread authorized itself, or one of the authorized client's. */
export async function findMessageRowsOfThread(ctx: RequestContext, auth: ObjectAuth | ClientAuth, threadId: string): Promise<{ messages: PortalMessagesTable[]; documents: { message_id: string; document_id: string }[]; reads: { message_id: string; user_id: string; read_at: number }[] }> {
  let query = db(ctx).selectFrom('portal_messages').selectAll().where('thread_id', '=', threadId).where('client_id', '=', auth.clientId!);
  if (auth.kind === 'object') query = query.where('matter_id', '=', auth.matterId!);
  const messages = await query.orderBy('created_at').orderBy('id').limit(2000).execute();
  const ids = messages.map((m) => m.id);
  if (ids.length === 0) return { messages, documents: [], reads: [] };
  const documents = await db(ctx).selectFrom('portal_message_documents').select(['message_id', 'document_id']).where('thread_id', '=', threadId).execute();
  const reads = await db(ctx).selectFrom('portal_reads').select(['message_id', 'user_id', 'read_at']).where('message_id', 'in', ids).execute();
  return { messages, documents, reads };
}

/** Per thread of the authorized client: messages `userId` neither wrote nor opened. */
export async function countUnreadOfThreads(ctx: RequestContext, auth: ClientAuth | MatterAuth | ObjectAuth, threadIds: string[], userId: string): Promise<Map<string, number>> {
  if (threadIds.length === 0) return new Map();
  const rows = await db(ctx)
    .selectFrom('portal_messages as m')
    .leftJoin('portal_reads as r', (j) => j.onRef('r.message_id', '=', 'm.id').on('r.user_id', '=', userId))
    .select(['m.thread_id', sql<number>`count(*)`.as('n')])
    .where('m.client_id', '=', auth.clientId!)
    .where('m.thread_id', 'in', threadIds)
    .where('m.author_id', '!=', userId)
    .where('r.message_id', 'is', null)
    .groupBy('m.thread_id')
    .execute();
  return new Map(rows.map((r) => [r.thread_id, Number(r.n)]));
}

/** Records first reads (idempotent). */
export async function insertReadRows(ctx: RequestContext, _auth: ObjectAuth, rows: { message_id: string; user_id: string; read_at: number }[]): Promise<void> {
  if (rows.length === 0) return;
  await db(ctx).insertInto('portal_reads').values(rows).onConflict((oc) => oc.columns(['message_id', 'user_id']).doNothing()).execute();
}

/** Messages on the threads of `matterIds` (null: the whole client) not yet read by `userId` nor written by them. */
export async function countUnreadOfClient(ctx: RequestContext, auth: ClientAuth, userId: string, matterIds: string[] | null): Promise<number> {
  if (matterIds !== null && matterIds.length === 0) return 0;
  let q = db(ctx)
    .selectFrom('portal_messages as m')
    .leftJoin('portal_reads as r', (j) => j.onRef('r.message_id', '=', 'm.id').on('r.user_id', '=', userId))
    .select(sql<number>`count(*)`.as('n'))
    .where('m.client_id', '=', auth.clientId)
    .where('m.author_id', '!=', userId)
    .where('r.message_id', 'is', null);
  if (matterIds !== null) q = q.where('m.matter_id', 'in', matterIds);
  return Number((await q.executeTakeFirst())?.n ?? 0);
}

// ── shared documents, uploads, file requests ──────────────────────────────────────────────

export async function insertSharedDocumentRow(ctx: RequestContext, auth: ObjectAuth, row: PortalSharedDocumentsTable): Promise<void> {
  if (row.document_id !== objectOf(auth, 'document') || row.client_id !== auth.clientId) throw notFound();
  await db(ctx).insertInto('portal_shared_documents').values(row).execute();
}

export async function findLiveShareRow(ctx: RequestContext, auth: ObjectAuth, contactId: string): Promise<PortalSharedDocumentsTable | undefined> {
  return db(ctx).selectFrom('portal_shared_documents').selectAll().where('document_id', '=', objectOf(auth, 'document')).where('contact_id', '=', contactId).where('revoked_at', 'is', null).executeTakeFirst();
}

export async function findShareRowsOfDocument(ctx: RequestContext, auth: ObjectAuth): Promise<PortalSharedDocumentsTable[]> {
  return db(ctx).selectFrom('portal_shared_documents').selectAll().where('document_id', '=', objectOf(auth, 'document')).where('client_id', '=', auth.clientId!).orderBy('shared_at', 'desc').execute();
}

export async function revokeShareRow(ctx: RequestContext, auth: ObjectAuth, shareId: string, by: string, at: number): Promise<boolean> {
  const result = await db(ctx).updateTable('portal_shared_documents').set({ revoked_by: by, revoked_at: at }).where('id', '=', shareId).where('document_id', '=', objectOf(auth, 'document')).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Ids of the documents shown to a contact in the portal: shared with them, their uploads, attachments on their matters' threads. */
export async function findDocumentIdsShownTo(ctx: RequestContext, auth: ClientAuth, contactId: string, matterIds: string[] | null): Promise<{ shared: string[]; uploaded: string[]; attached: string[] }> {
  const shared = await db(ctx).selectFrom('portal_shared_documents').select('document_id').where('client_id', '=', auth.clientId).where('contact_id', '=', contactId).where('revoked_at', 'is', null).execute();
  const uploaded = await db(ctx).selectFrom('portal_uploads').select('document_id').where('client_id', '=', auth.clientId).where('uploaded_by', '=', contactId).execute();
  let attached: { document_id: string }[] = [];
  if (matterIds === null || matterIds.length > 0) {
    let q = db(ctx).selectFrom('portal_message_documents as d').innerJoin('portal_threads as t', 't.id', 'd.thread_id').select('d.document_id').where('t.client_id', '=', auth.clientId);
    if (matterIds !== null) q = q.where('t.matter_id', 'in', matterIds);
    attached = await q.execute();
  }
  const ids = (rows: { document_id: string }[]) => [...new Set(rows.map((r) => r.document_id))].slice(0, 1000);
  return { shared: ids(shared), uploaded: ids(uploaded), attached: ids(attached) };
}

export async function insertUploadRow(ctx: RequestContext, auth: MatterAuth | ObjectAuth, row: PortalUploadsTable): Promise<void> {
  if (row.matter_id !== auth.matterId) throw notFound();
  await db(ctx).insertInto('portal_uploads').values(row).execute();
}

export async function insertFileRequestRow(ctx: RequestContext, auth: MatterAuth, row: PortalFileRequestsTable): Promise<void> {
  if (row.matter_id !== auth.matterId) throw notFound();
  await db(ctx).insertInto('portal_file_requests').values(row).execute();
}

export async function findFileRequestRowsOfMatters(ctx: RequestContext, auth: ClientAuth | MatterAuth, matterIds: string[] | null): Promise<PortalFileRequestsTable[]> {
  let q = db(ctx).selectFrom('portal_file_requests').selectAll().where('client_id', '=', auth.clientId!);
  if (matterIds !== null) {
    if (matterIds.length === 0) return [];
    q = q.where('matter_id', 'in', matterIds);
  }
  return q.orderBy('created_at', 'desc').limit(500).execute();
}

export async function getFileRequestRow(ctx: RequestContext, auth: ObjectAuth): Promise<PortalFileRequestsTable> {
  const row = await db(ctx).selectFrom('portal_file_requests').selectAll().where('id', '=', objectOf(auth, 'portal_file_request')).executeTakeFirst();
  if (!row || row.matter_id !== auth.matterId) throw notFound();
  return row;
}

export async function closeFileRequestRow(ctx: RequestContext, auth: ObjectAuth, at: number): Promise<boolean> {
  const result = await db(ctx).updateTable('portal_file_requests').set({ closed_at: at }).where('id', '=', objectOf(auth, 'portal_file_request')).where('closed_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findUploadRowsOfRequests(ctx: RequestContext, auth: ClientAuth | MatterAuth | ObjectAuth, requestIds: string[]): Promise<PortalUploadsTable[]> {
  if (requestIds.length === 0) return [];
  return db(ctx).selectFrom('portal_uploads').selectAll().where('client_id', '=', auth.clientId!).where('request_id', 'in', requestIds).orderBy('uploaded_at').execute();
}

// ── export requests ─────────────────────────────────────────────────────────────────────────

export async function insertExportRequestRow(ctx: RequestContext, auth: ClientAuth, row: PortalExportRequestsTable): Promise<void> {
  if (row.client_id !== auth.clientId) throw notFound();
  await db(ctx).insertInto('portal_export_requests').values(row).execute();
}

export async function findExportRequestRows(ctx: RequestContext, auth: ClientAuth, contactId?: string): Promise<PortalExportRequestsTable[]> {
  let q = db(ctx).selectFrom('portal_export_requests').selectAll().where('client_id', '=', auth.clientId);
  if (contactId) q = q.where('contact_id', '=', contactId);
  return q.orderBy('created_at', 'desc').limit(200).execute();
}

export async function getExportRequestRow(ctx: RequestContext, auth: ObjectAuth): Promise<PortalExportRequestsTable> {
  const row = await db(ctx).selectFrom('portal_export_requests').selectAll().where('id', '=', objectOf(auth, 'portal_export_request')).executeTakeFirst();
  if (!row || row.client_id !== auth.clientId) throw notFound();
  return row;
}

/** Moves a request out of `from`; false when it moved meanwhile (a concurrent decision). */
export async function moveExportRequestRow(ctx: RequestContext, auth: ObjectAuth, from: PortalExportRequestsTable['status'], patch: Partial<PortalExportRequestsTable>): Promise<boolean> {
  const result = await db(ctx).updateTable('portal_export_requests').set(patch).where('id', '=', objectOf(auth, 'portal_export_request')).where('status', '=', from).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function countExportDownload(ctx: RequestContext, auth: ObjectAuth): Promise<void> {
  await db(ctx).updateTable('portal_export_requests').set((eb) => ({ downloads: eb('downloads', '+', 1) })).where('id', '=', objectOf(auth, 'portal_export_request')).execute();
}

/** Drops a contact's pending export requests with their sealed protection (the contact was disabled). */
export async function expirePendingExportsOf(ctx: RequestContext, auth: ClientAuth | ObjectAuth, contactId: string): Promise<void> {
  await db(ctx).updateTable('portal_export_requests').set({ status: 'expired', protection_sealed: null }).where('client_id', '=', auth.clientId!).where('contact_id', '=', contactId).where('status', '=', 'pending').execute();
}

/**
 * Export requests past their time, of every client (the daily sweep: it reads no client data,
 * only ids, dates and blob names): made archives past `expires_at`, and requests pending since before `pendingBefore`.
 */
export async function unsafeFindStaleExportRows(ctx: RequestContext, now: number, pendingBefore: number): Promise<Pick<PortalExportRequestsTable, 'id' | 'client_id' | 'status' | 'blob_id'>[]> {
  return db(ctx)
    .selectFrom('portal_export_requests')
    .select(['id', 'client_id', 'status', 'blob_id'])
    .where((eb) => eb.or([eb.and([eb('status', '=', 'ready'), eb('expires_at', '<=', now)]), eb.and([eb('status', '=', 'pending'), eb('created_at', '<', pendingBefore)])]))
    .limit(1000)
    .execute();
}

/** Marks a stale request expired and forgets its archive and protection (the sweep, after deleting the blob). */
export async function unsafeExpireExportRow(ctx: RequestContext, id: string, from: 'ready' | 'pending'): Promise<boolean> {
  const result = await db(ctx).updateTable('portal_export_requests').set({ status: 'expired', blob_id: null, protection_sealed: null }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Forgets everything the portal keeps of a matter the retention module destroyed, in its
 * transaction: threads, messages (and their attachments and read receipts), file requests,
 * uploads and shares. Unsafe (raw id): only for retention's execution, after its own decision.
 */
export async function unsafeForgetMatter(ctx: RequestContext, matterId: string): Promise<void> {
  const messages = db(ctx).selectFrom('portal_messages').select('id').where('matter_id', '=', matterId);
  await db(ctx).deleteFrom('portal_reads').where('message_id', 'in', messages).execute();
  await db(ctx).deleteFrom('portal_message_documents').where('message_id', 'in', messages).execute();
  await db(ctx).deleteFrom('portal_messages').where('matter_id', '=', matterId).execute();
  await db(ctx).deleteFrom('portal_threads').where('matter_id', '=', matterId).execute();
  await db(ctx).deleteFrom('portal_uploads').where('matter_id', '=', matterId).execute();
  await db(ctx).deleteFrom('portal_file_requests').where('matter_id', '=', matterId).execute();
  await db(ctx).deleteFrom('portal_shared_documents').where('matter_id', '=', matterId).execute();
}
