/**
 * Certificates of destruction: listed and downloaded (JSON as signed, or the PDF) by the
 * compliance officer and the matter's team; a client's own portal contacts download theirs.
 */
import { canAccess, requireAccess, scopeFor } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { ClientId, MatterId } from '../../../common/ids.js';
import type { Permission } from '../../../common/permissions.js';
import type { RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import type { SignedCertificate } from './certificate.js';
import { renderCertificatePdf } from './certificate.pdf.js';
import { certificatesOfClient, findCertificateRows, getCertificate, CERTIFICATE } from './retention.repository.js';
import { clientRefOf, isCompliance, labelsFor, matterRefOf } from './retention.support.js';
import type { RetentionCertificatesTable } from './retention.tables.js';

const readPermission = (ctx: RequestContext): Permission => (ctx.actor.kind === 'user' && ctx.actor.role === 'client' ? 'portal.read' : isCompliance(ctx) ? 'retention.manage' : 'hold.read');

export interface CertificateSummaryView {
  id: string;
  dispositionId: string;
  client: { id: string; label: string };
  matter: { id: string; label: string } | null;
  scope: string;
  items: number;
  createdAt: number;
}

async function summaries(ctx: RequestContext, rows: RetentionCertificatesTable[]): Promise<CertificateSummaryView[]> {
  const labels = await labelsFor(ctx, { matterIds: rows.map((r) => r.matter_id), clientIds: rows.map((r) => r.client_id) });
  return rows.map((row) => {
    const signed = JSON.parse(row.body) as SignedCertificate;
    const body = signed.certificate as unknown as { scope?: string; items?: unknown[]; client?: { number?: string | null } };
    return { id: row.id, dispositionId: row.disposition_id, client: clientRefOf(labels, row.client_id, body.client?.number ?? null), matter: matterRefOf(labels, row.matter_id), scope: body.scope ?? 'unknown', items: body.items?.length ?? 0, createdAt: Number(row.created_at) };
  });
}

/** Only matters the viewer may see (a certificate of another matter of the same client stays unknown). */
async function visibleRows(ctx: RequestContext, rows: RetentionCertificatesTable[], permission: Permission): Promise<RetentionCertificatesTable[]> {
  const ok = new Map<string, boolean>();
  const out: RetentionCertificatesTable[] = [];
  for (const row of rows) {
    if (row.matter_id) {
      if (!ok.has(row.matter_id)) ok.set(row.matter_id, await canAccess(ctx, permission, { kind: 'matter', matterId: row.matter_id as MatterId }));
      if (!ok.get(row.matter_id)) continue;
    }
    out.push(row);
  }
  return out;
}

/** Certificates the actor may see. One `certificate.list` event. */
export async function findCertificates(ctx: RequestContext, filter: { clientId?: string }): Promise<CertificateSummaryView[]> {
  const permission = readPermission(ctx);
  const rows = await visibleRows(ctx, await findCertificateRows(ctx, await scopeFor(ctx, permission), filter), permission);
  await recordEvent(ctx, { action: 'certificate.list', outcome: 'allowed', resources: { other: { type: 'result_count', id: String(rows.length) }, ...(filter.clientId ? { clientId: filter.clientId } : {}) } });
  return summaries(ctx, rows);
}

/** One certificate as signed (the JSON the signature covers). 404 for anyone who may not see its matter or client. */
export async function getCertificateById(ctx: RequestContext, id: string): Promise<SignedCertificate> {
  const auth = await requireAccess(ctx, readPermission(ctx), { kind: 'object', type: CERTIFICATE, id });
  return JSON.parse((await getCertificate(ctx, auth)).body) as SignedCertificate;
}

export async function certificatePdfById(ctx: RequestContext, id: string): Promise<Buffer> {
  return renderCertificatePdf(await getCertificateById(ctx, id));
}

/** The client's own certificates, for its portal contact (their client; matter ones only for their matters). */
export async function portalCertificates(ctx: RequestContext): Promise<CertificateSummaryView[]> {
  if (ctx.actor.kind !== 'user' || ctx.actor.role !== 'client' || !ctx.actor.clientId) throw new AppError('ACCESS_DENIED', 'Not found');
  const auth = await requireAccess(ctx, 'portal.read', { kind: 'client', clientId: ctx.actor.clientId as ClientId });
  const rows = await visibleRows(ctx, await certificatesOfClient(ctx, auth), 'portal.read');
  await recordEvent(ctx, { action: 'certificate.list', outcome: 'allowed', resources: { clientId: auth.clientId, other: { type: 'result_count', id: String(rows.length) } } });
  return summaries(ctx, rows);
}
