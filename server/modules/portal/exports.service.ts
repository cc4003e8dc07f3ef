/**
 * A contact's request for an export of their data: they choose the protection (a passphrase, or
 * their own age public keys); the lead attorney approves with a fresh second factor (client.export
 * + step-up, the vault's own export), which makes the archive once — age-encrypted, only the
 * contact's matters — and keeps it in the blob store for a week; the sealed protection is wiped
 * as soon as the archive is made or the request declined. The contact downloads it from the portal.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { ClientId } from '../../../common/ids.js';
import { describeTargets, requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import { inTransaction, type RequestContext } from '../../platform/context.js';
import { checkedProtection, type ArchiveProtection } from '../../platform/crypto/archive-protection.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { prepareClientExport } from '../vault/index.js';
import { countExportDownload, findExportRequestRows, getExportRequestRow, insertExportRequestRow, moveExportRequestRow, type ObjectAuth } from './portal.repository.js';
import { sealerForRead, sealerForWrite } from './portal.sealing.js';
import { actorIdOf, nameOf, requireContact } from './portal.support.js';
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
 * Approves an export request and makes the archive (client.export on the client + a fresh second
 * factor: the vault's export decides it). Only the contact's matters when they were limited. The
 * protection is wiped once the archive is stored. Throws ACCESS_DENIED, STEP_UP_REQUIRED,
 * CONFLICT (decided already), INTEGRITY_ERROR, KEY_DESTROYED, SEALED.
 */
export async function approveExport(ctx: RequestContext, requestId: string): Promise<ExportRequestView> {
  const auth = await requireAccess(ctx, 'portal.manage', { kind: 'object', type: 'portal_export_request', id: requestId });
  const row = await getExportRequestRow(ctx, auth);
  if (row.status !== 'pending' || row.protection_sealed === null) throw new AppError('CONFLICT', 'This request was already decided');
  const protection = JSON.parse((await sealerForRead(ctx, auth, row.key_version)).open(TABLE, row.id, 'protection', row.protection_sealed)) as ArchiveProtection;
  const matterIds = row.matter_ids === null ? null : (JSON.parse(row.matter_ids) as string[]);
  const job = await prepareClientExport(ctx, row.client_id as ClientId, protection, { matterIds, purpose: 'portal export request' });
  const blobId = `${newId()}${BLOB_SUFFIX}`;
  const output = new PassThrough();
  const writing = job.writeTo(output).catch((error: unknown) => {
    output.destroy(error instanceof Error ? error : new Error('export failed'));
    throw error;
  });
  let stored: { size: number };
  let result: Awaited<typeof writing>;
  try {
    [stored, result] = await Promise.all([ctx.app.blobs.put(blobId, output), writing]);
  } catch (error) {
    await ctx.app.blobs.delete(blobId).catch(() => undefined);
    throw error;
  }
  try {
    return await inTransaction(ctx, async (tx) => {
      const now = tx.app.clock.now();
      const moved = await moveExportRequestRow(tx, auth, 'pending', { status: 'ready', protection_sealed: null, decided_by: actorIdOf(tx), decided_at: now, blob_id: blobId, size: stored.size, documents: result.documents, expires_at: now + EXPORT_ARCHIVE_LIFETIME_MS });
      if (!moved) throw new AppError('CONFLICT', 'This request was already decided');
      await recordEvent(tx, { action: 'portal.export_approve', outcome: 'allowed', reason: `${result.documents}d`, resources: { clientId: row.client_id, userId: row.contact_id, other: { type: 'portal_export_request', id: row.id } } });
      return (await views(tx, [{ ...row, status: 'ready', protection_sealed: null, decided_by: actorIdOf(tx), decided_at: now, blob_id: blobId, size: stored.size, documents: result.documents, expires_at: now + EXPORT_ARCHIVE_LIFETIME_MS }]))[0]!;
    });
  } catch (error) {
    await ctx.app.blobs.delete(blobId).catch(() => undefined);
    throw error;
  }
}

/** Declines an export request (portal.manage); the protection is wiped. Throws ACCESS_DENIED, CONFLICT. */
export async function declineExport(ctx: RequestContext, requestId: string): Promise<ExportRequestView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'portal.manage', { kind: 'object', type: 'portal_export_request', id: requestId });
    const row = await getExportRequestRow(tx, auth);
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
