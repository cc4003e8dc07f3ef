/**
 * A contact's request for an export of their data: they choose the protection (a passphrase, or
 * their own age public keys); the lead attorney approves with a fresh second factor (client.export
 * + step-up, the vault's own export), which makes the archive once — age-encrypted, only the
 * contact's matters — and keeps it in the blob store for a week; the sealed protection is wiped
 * as soon as the archive is made or the request declined. The contact downloads it from the portal.
 */
import { PassThrough, Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ClientId } from '../../../common/ids.js';
import { describeTargets, requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import { inTransaction, systemContext, type AppServices, type RequestContext } from '../../platform/context.js';
import { safeSegment, tarStream, uniqueNamer, type TarFile } from '../../platform/archive/tar.js';
import { createAgeEncryptStreamFor } from '../../platform/crypto/age.js';
import { checkedProtection, type ArchiveProtection } from '../../platform/crypto/archive-protection.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { findConsents } from '../consent/index.js';
import { documentsOfClientForExport } from '../vault/index.js';
import { countExportDownload, findDocumentIdsShownTo, findExportRequestRows, findMessageRowsOfThread, findThreadRowsOfMatters, getExportRequestRow, getOwnContactRow, insertExportRequestRow, moveExportRequestRow, unsafeExpireExportRow, unsafeFindStaleExportRows, type ClientAuth, type ObjectAuth } from './portal.repository.js';
import { sealerCache, sealerForRead, sealerForWrite } from './portal.sealing.js';
import { actorIdOf, nameOf, requireAuthorityOverMatters, requireContact } from './portal.support.js';
import type { PortalExportRequestsTable } from './portal.tables.js';

const TABLE = 'portal_export_requests';
/** How long a made archive stays downloadable. */
export const EXPORT_ARCHIVE_LIFETIME_MS = 7 * 86_400_000;
const BLOB_SUFFIX = '-portal-export';

export interface ExportRequestView {
  id: string;
  contactId: string;
  contactName: string | null;
  protection: 'passphrase' | 'recipients';
  status: PortalExportRequestsTable['status'];
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: number | null;
  size: number | null;
  documents: number | null;
  downloads: number;
  expiresAt: number | null;
  createdAt: number;
}

async function views(ctx: RequestContext, rows: PortalExportRequestsTable[]): Promise<ExportRequestView[]> {
  const labels = await describeTargets(ctx, { userIds: rows.flatMap((r) => [r.contact_id, r.decided_by]) });
  const now = ctx.app.clock.now();
  return rows.map((r) => ({
    id: r.id,
    contactId: r.contact_id,
    contactName: nameOf(labels, r.contact_id),
    protection: r.protection_kind,
    status: r.status === 'ready' && r.expires_at !== null && Number(r.expires_at) <= now ? 'expired' : r.status,
    decidedBy: r.decided_by,
    decidedByName: nameOf(labels, r.decided_by),
    decidedAt: r.decided_at === null ? null : Number(r.decided_at),
    size: r.size === null ? null : Number(r.size),
    documents: r.documents === null ? null : Number(r.documents),
    downloads: Number(r.downloads),
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
    createdAt: Number(r.created_at),
  }));
}

/** The contact asks for an export under their protection (checked now: 400 naming the field). portal.write. Throws ACCESS_DENIED, VALIDATION_FAILED, CONFLICT (one already waits). */
export async function requestExport(ctx: RequestContext, protection: ArchiveProtection): Promise<ExportRequestView> {
  checkedProtection(protection);
  const { auth, contact, matterIds } = await requireContact(ctx, 'portal.write');
  return inTransaction(ctx, async (tx) => {
    if ((await findExportRequestRows(tx, auth, contact.user_id)).some((r) => r.status === 'pending')) throw new AppError('CONFLICT', 'Your earlier request still waits for your lawyer');
    const sealer = await sealerForWrite(tx, auth);
    const now = tx.app.clock.now();
    const id = newId(now);
    const row: PortalExportRequestsTable = {
      id,
      client_id: auth.clientId,
      contact_id: contact.user_id,
      matter_ids: matterIds === null ? null : JSON.stringify(matterIds),
      key_version: sealer.version,
      protection_kind: 'passphrase' in protection ? 'passphrase' : 'recipients',
      protection_sealed: sealer.seal(TABLE, id, 'protection', JSON.stringify(protection)),
      status: 'pending',
      decided_by: null,
      decided_at: null,
      blob_id: null,
      size: null,
      documents: null,
      downloads: 0,
      expires_at: null,
      created_at: now,
    };
    await insertExportRequestRow(tx, auth, row);
    await recordEvent(tx, { action: 'portal.export_request', outcome: 'allowed', reason: row.protection_kind, resources: { clientId: auth.clientId, other: { type: 'portal_export_request', id } } });
    return (await views(tx, [row]))[0]!;
  });
}

/** The contact's own export requests. portal.read. Throws ACCESS_DENIED. */
export async function findMyExportRequests(ctx: RequestContext): Promise<ExportRequestView[]> {
  const { auth, contact } = await requireContact(ctx, 'portal.read');
  return views(ctx, await findExportRequestRows(ctx, auth, contact.user_id));
}

/** The client's export requests (staff: portal.manage on the client). Throws ACCESS_DENIED. */
export async function findClientExportRequests(ctx: RequestContext, clientId: ClientId): Promise<ExportRequestView[]> {
  const auth = await requireAccess(ctx, 'portal.manage', { kind: 'client', clientId });
  return views(ctx, await findExportRequestRows(ctx, auth));
}

/**
 * Approves an export request and makes the archive: client.export on the client and a fresh
 * second factor (the same authority as the firm's own client export). The archive holds what the
 * portal shows this contact and nothing of the firm's own: the documents shown to them (shared,
 * uploaded, attached on their matters' threads; current versions, none from the trash), their
 * matters' message threads, and the client's consents they see — never notes, records, internal
 * documents or trash. The protection is wiped once the archive is stored. Throws ACCESS_DENIED,
 * STEP_UP_REQUIRED, CONFLICT (decided already, or the contact is no longer active), INTEGRITY_ERROR,
 * KEY_DESTROYED, SEALED.
 */
export async function approveExport(ctx: RequestContext, requestId: string): Promise<ExportRequestView> {
  const auth = await requireAccess(ctx, 'portal.manage', { kind: 'object', type: 'portal_export_request', id: requestId });
  const row = await getExportRequestRow(ctx, auth);
  if (row.status !== 'pending' || row.protection_sealed === null) throw new AppError('CONFLICT', 'This request was already decided');
  const clientId = row.client_id as ClientId;
  const clientAuth = await requireAccess(ctx, 'client.export', { kind: 'client', clientId }, { purpose: 'portal export request', stepUp: true });
  const contact = await getOwnContactRow(ctx, clientAuth, row.contact_id);
  if (contact.status !== 'active') throw new AppError('CONFLICT', 'This contact is no longer active: decline the request');
  const protection = JSON.parse((await sealerForRead(ctx, auth, row.key_version)).open(TABLE, row.id, 'protection', row.protection_sealed)) as ArchiveProtection;
  const matterIds = row.matter_ids === null ? null : (JSON.parse(row.matter_ids) as string[]);
  const archive = await portalArchive(ctx, clientAuth, contact.user_id, matterIds, protection);
  const blobId = `${newId()}${BLOB_SUFFIX}`;
  const output = new PassThrough();
  const writing = archive.writeTo(output).catch((error: unknown) => {
    output.destroy(error instanceof Error ? error : new Error('export failed'));
    throw error;
  });
  let stored: { size: number };
  try {
    [stored] = await Promise.all([ctx.app.blobs.put(blobId, output), writing]);
  } catch (error) {
    await ctx.app.blobs.delete(blobId).catch(() => undefined);
    throw error;
  }
  try {
    return await inTransaction(ctx, async (tx) => {
      const now = tx.app.clock.now();
      const patch = { status: 'ready' as const, protection_sealed: null, decided_by: actorIdOf(tx), decided_at: now, blob_id: blobId, size: stored.size, documents: archive.documents, expires_at: now + EXPORT_ARCHIVE_LIFETIME_MS };
      if (!(await moveExportRequestRow(tx, auth, 'pending', patch))) throw new AppError('CONFLICT', 'This request was already decided');
      await recordEvent(tx, { action: 'portal.export_approve', outcome: 'allowed', reason: `${archive.documents}d`, resources: { clientId, userId: row.contact_id, other: { type: 'portal_export_request', id: row.id } } });
      return (await views(tx, [{ ...row, ...patch }]))[0]!;
    });
  } catch (error) {
    await ctx.app.blobs.delete(blobId).catch(() => undefined);
    throw error;
  }
}

/** The contact's archive: a tar (manifest, documents, messages, consents), age-encrypted under their protection. */
async function portalArchive(ctx: RequestContext, auth: ClientAuth, contactId: string, matterIds: string[] | null, protection: ArchiveProtection): Promise<{ documents: number; writeTo(output: Writable): Promise<void> }> {
  const age = checkedProtection(protection);
  const reaches = (matterId: string) => matterIds === null || matterIds.includes(matterId);
  const shown = await findDocumentIdsShownTo(ctx, auth, contactId, matterIds);
  const ids = new Set([...shown.shared, ...shown.uploaded, ...shown.attached]);
  const documents = (await documentsOfClientForExport(ctx, auth)).filter((d) => ids.has(d.id) && d.trashedAt === null && reaches(d.matterId));
  const threads = await findThreadRowsOfMatters(ctx, auth, matterIds);
  const sealers = sealerCache(ctx, auth);
  const labels = await describeTargets(ctx, { matterIds: [...documents.map((d) => d.matterId), ...threads.map((t) => t.matter_id)] });
  const folder = (matterId: string) => safeSegment(labels.matters.get(matterId)?.number ?? matterId);
  const unique = uniqueNamer();
  const files = documents.map((d) => ({ document: d, path: `documents/${folder(d.matterId)}/${unique(folder(d.matterId), safeSegment(d.name))}` }));
  const conversations = [];
  for (const thread of threads) {
    const { messages, documents: attached } = await findMessageRowsOfThread(ctx, auth, thread.id);
    conversations.push({
      matter: labels.matters.get(thread.matter_id)?.number ?? null,
      subject: (await sealers(thread.key_version)).open('portal_threads', thread.id, 'subject', thread.subject_sealed),
      messages: await Promise.all(
        messages.map(async (m) => ({ at: new Date(Number(m.created_at)).toISOString(), from: m.author_kind, body: (await sealers(m.key_version)).open('portal_messages', m.id, 'body', m.body_sealed), attachments: attached.filter((a) => a.message_id === m.id).map((a) => a.document_id) })),
      ),
    });
  }
  const consents = (await findConsents(ctx, auth.clientId)).filter((c) => c.matterScope === 'all' || matterIds === null || c.matters.some((m) => matterIds.includes(m.id)));
  const now = ctx.app.clock.now();
  const json = (value: unknown) => Buffer.from(JSON.stringify(value, null, 2), 'utf8');
  const manifest = json({
    format: 'confidant-portal-export/v1',
    exportedAt: new Date(now).toISOString(),
    documents: files.map(({ document: d, path }) => ({ id: d.id, matterNumber: labels.matters.get(d.matterId)?.number ?? null, name: d.name, version: d.version.version, size: d.version.size, contentType: d.version.content_type, path })),
  });
  const messagesJson = json(conversations);
  const consentsJson = json(consents.map((c) => ({ id: c.id, purposes: c.purposes, purposeText: c.purposeText, dataCategories: c.dataCategories, recipients: c.recipients, recipientCategories: c.recipientCategories, channels: c.channels, matterScope: c.matterScope, status: c.status, validFrom: c.validFrom, validUntil: c.validUntil, notice: c.notice, evidence: c.evidence.kind, recordedAt: c.recordedAt, withdrawnAt: c.withdrawnAt })));
  const entries: TarFile[] = [
    { path: 'manifest.json', size: manifest.length, mtime: now, bytes: () => [manifest] },
    { path: 'messages.json', size: messagesJson.length, mtime: now, bytes: () => [messagesJson] },
    { path: 'consents.json', size: consentsJson.length, mtime: now, bytes: () => [consentsJson] },
    ...files.map(({ document, path }) => ({ path, size: document.version.size, mtime: document.version.created_at, bytes: async () => document.open() })),
  ];
  const encrypt = await createAgeEncryptStreamFor(age);
  await recordEvent(ctx, { action: 'client.export', outcome: 'allowed', reason: 'PORTAL', resources: { clientId: auth.clientId, other: { type: 'export_documents', id: String(files.length) } } });
  return {
    documents: files.length,
    writeTo: async (output) => {
      await pipeline(Readable.from(tarStream(entries), { objectMode: false }), encrypt, output);
    },
  };
}

/** Declines an export request (authority over the contact's matters); the protection is wiped. Throws ACCESS_DENIED, CLIENT_WIDE_ACCESS_REQUIRED, CONFLICT. */
export async function declineExport(ctx: RequestContext, requestId: string): Promise<ExportRequestView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'portal.manage', { kind: 'object', type: 'portal_export_request', id: requestId });
    const row = await getExportRequestRow(tx, auth);
    await requireAuthorityOverMatters(tx, row.client_id as ClientId, row.matter_ids === null ? null : (JSON.parse(row.matter_ids) as string[]), 'portal.export_decline');
    const now = tx.app.clock.now();
    if (!(await moveExportRequestRow(tx, auth, 'pending', { status: 'declined', protection_sealed: null, decided_by: actorIdOf(tx), decided_at: now }))) throw new AppError('CONFLICT', 'This request was already decided');
    await recordEvent(tx, { action: 'portal.export_decline', outcome: 'allowed', resources: { clientId: row.client_id, userId: row.contact_id, other: { type: 'portal_export_request', id: row.id } } });
    return (await views(tx, [{ ...row, status: 'declined', protection_sealed: null, decided_by: actorIdOf(tx), decided_at: now }]))[0]!;
  });
}

/** The contact downloads their archive while it lasts (audited `portal.export_download`). portal.read on their own request. Throws ACCESS_DENIED, CONFLICT (not made), EXPORT_EXPIRED. */
export async function openExportArchive(ctx: RequestContext, requestId: string): Promise<{ size: number; stream: Readable; createdAt: number }> {
  await requireContact(ctx, 'portal.read');
  const auth: ObjectAuth = await requireAccess(ctx, 'portal.read', { kind: 'object', type: 'portal_export_request', id: requestId });
  const row = await getExportRequestRow(ctx, auth);
  if (row.status !== 'ready' || row.blob_id === null) throw new AppError('CONFLICT', 'This export is not ready');
  if (row.expires_at !== null && Number(row.expires_at) <= ctx.app.clock.now()) {
    await ctx.app.blobs.delete(row.blob_id).catch(() => undefined);
    await moveExportRequestRow(ctx, auth, 'ready', { status: 'expired', blob_id: null });
    throw new AppError('EXPORT_EXPIRED', 'This export has expired; ask for a new one');
  }
  await countExportDownload(ctx, auth);
  await recordEvent(ctx, { action: 'portal.export_download', outcome: 'allowed', resources: { clientId: row.client_id, other: { type: 'portal_export_request', id: row.id } } });
  return { size: Number(row.size), stream: await ctx.app.blobs.get(row.blob_id), createdAt: Number(row.created_at) };
}

export const JOB_SWEEP_EXPORTS = 'portal.exports.sweep';
/** A request nobody decided within this time is dropped with its sealed protection. */
export const PENDING_EXPORT_LIFETIME_MS = 30 * 86_400_000;

/**
 * The daily sweep: made archives past their week are deleted from the blob store, and requests
 * pending for 30 days are dropped with their sealed protection; each audited
 * `portal.export_expire`. Returns how many were expired.
 */
export async function sweepPortalExports(services: AppServices): Promise<number> {
  const ctx = systemContext(services, 'portal.exports.sweep');
  const now = services.clock.now();
  let expired = 0;
  for (const row of await unsafeFindStaleExportRows(ctx, now, now - PENDING_EXPORT_LIFETIME_MS)) {
    if (row.blob_id) await services.blobs.delete(row.blob_id);
    if (await unsafeExpireExportRow(ctx, row.id, row.status === 'ready' ? 'ready' : 'pending')) {
      expired += 1;
      await recordEvent(ctx, { action: 'portal.export_expire', outcome: 'allowed', reason: row.status, resources: { clientId: row.client_id, other: { type: 'portal_export_request', id: row.id } } });
    }
  }
  return expired;
}
