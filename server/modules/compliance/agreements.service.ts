/**
 * Confidentiality agreements per person (employee, contractor, vendor): the signed document (an
 * optional PDF), the signed day and an optional expiry. The `confidentiality_agreement` gate is
 * decided on these records (compliance.gates.ts). Managed by compliance.manage; each person sees
 * their own (compliance.self).
 */
import { bumpPolicyVersion, requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import { inTransaction, type RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { findAgreement, findAgreements, insertAgreement, updateAgreement, type AgreementSummary } from './compliance.repository.js';
import { actorIdOf, checkPeople, DAY_MS, dayOf, decodePdf, fieldError, FIRM, labelsFor, parseDay, personOf, sha256Hex } from './compliance.support.js';
import type { AgreementParty } from './compliance.tables.js';

/** Agreements ending within this many days are "expiring" (and their people are reminded). */
export const AGREEMENT_RENEWAL_DAYS = 30;

export type AgreementStatus = 'current' | 'expiring' | 'expired' | 'revoked' | 'not_yet_signed';

export interface AgreementView {
  id: string;
  person: { id: string; name: string };
  party: AgreementParty;
  title: string;
  signedOn: string;
  expiresOn: string | null;
  status: AgreementStatus;
  hasDocument: boolean;
  documentName: string | null;
  documentSha256: string | null;
  recordedBy: { id: string; name: string };
  createdAt: number;
}

export function agreementStatus(row: Pick<AgreementSummary, 'signed_at' | 'expires_at' | 'revoked_at'>, now: number): AgreementStatus {
  if (row.revoked_at !== null) return 'revoked';
  if (Number(row.signed_at) > now) return 'not_yet_signed';
  if (row.expires_at === null) return 'current';
  const expires = Number(row.expires_at);
  if (expires <= now) return 'expired';
  return expires - now <= AGREEMENT_RENEWAL_DAYS * DAY_MS ? 'expiring' : 'current';
}

async function views(ctx: RequestContext, rows: AgreementSummary[]): Promise<AgreementView[]> {
  const labels = await labelsFor(ctx, rows.flatMap((r) => [r.user_id, r.recorded_by]));
  const now = ctx.app.clock.now();
  return rows.map((r) => ({
    id: r.id,
    person: personOf(labels, r.user_id),
    party: r.party,
    title: r.title,
    signedOn: dayOf(Number(r.signed_at))!,
    expiresOn: r.expires_at === null ? null : dayOf(Number(r.expires_at) - 1),
    status: agreementStatus(r, now),
    hasDocument: r.document_sha256 !== null,
    documentName: r.document_name,
    documentSha256: r.document_sha256,
    recordedBy: personOf(labels, r.recorded_by),
    createdAt: Number(r.created_at),
  }));
}

/** Agreements on file, optionally of one person (compliance.manage). Throws ACCESS_DENIED. */
export async function findComplianceAgreements(ctx: RequestContext, filter: { userId?: string } = {}): Promise<AgreementView[]> {
  await requireAccess(ctx, 'compliance.manage', FIRM);
  return views(ctx, await findAgreements(ctx, filter.userId));
}

export interface AgreementInput {
  userId: string;
  party: AgreementParty;
  title: string;
  signedDate: string;
  /** The last day it holds (absent: no end). */
  expiresDate?: string | null;
  document?: { name: string; pdfBase64: string } | null;
}

/** Records a signed agreement (the gate sees it on the next request). Throws ACCESS_DENIED, VALIDATION_FAILED. */
export async function recordComplianceAgreement(ctx: RequestContext, input: AgreementInput): Promise<AgreementView> {
  const row = await inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'compliance.manage', FIRM);
    await checkPeople(tx, [input.userId], 'body.userId');
    const title = input.title.trim();
    if (title === '') throw fieldError('body.title', 'must not be blank');
    const signed = parseDay(input.signedDate, 'body.signedDate');
    const expires = input.expiresDate ? parseDay(input.expiresDate, 'body.expiresDate') + DAY_MS : null;
    if (expires !== null && expires <= signed + DAY_MS - 1) throw fieldError('body.expiresDate', 'must be after the day it was signed');
    const pdf = input.document ? decodePdf(input.document.pdfBase64, 'body.document.pdfBase64') : null;
    const now = tx.app.clock.now();
    await bumpPolicyVersion(tx);
    const row = {
      id: newId(now),
      user_id: input.userId,
      party: input.party,
      title,
      signed_at: signed,
      expires_at: expires,
      document_name: input.document ? input.document.name.trim() || 'agreement.pdf' : null,
      document_base64: pdf ? pdf.base64 : null,
      document_sha256: pdf ? sha256Hex(pdf.bytes) : null,
      revoked_at: null,
      recorded_by: actorIdOf(tx),
      created_at: now,
    };
    await insertAgreement(tx, row);
    await recordEvent(tx, { action: 'compliance.agreement.record', outcome: 'allowed', reason: input.party.toUpperCase(), resources: { userId: input.userId, other: { type: 'agreement', id: row.id } } });
    return row;
  });
  return (await views(ctx, [row]))[0]!;
}

/** Withdraws an agreement (kept as history; the gate stops counting it at once). Throws ACCESS_DENIED, NOT_FOUND. */
export async function revokeComplianceAgreement(ctx: RequestContext, id: string): Promise<AgreementView> {
  return inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'compliance.manage', FIRM);
    const row = await findAgreement(tx, id);
    if (!row) throw new AppError('NOT_FOUND', 'No such agreement');
    const now = tx.app.clock.now();
    if (row.revoked_at === null) {
      await bumpPolicyVersion(tx);
      await updateAgreement(tx, id, { revoked_at: now });
      await recordEvent(tx, { action: 'compliance.agreement.revoke', outcome: 'allowed', resources: { userId: row.user_id, other: { type: 'agreement', id } } });
    }
    return (await views(tx, [{ ...row, revoked_at: row.revoked_at ?? now }]))[0]!;
  });
}

/** The signed document (compliance.manage, or the person it belongs to). Throws ACCESS_DENIED, NOT_FOUND. */
export async function getAgreementDocument(ctx: RequestContext, id: string): Promise<{ name: string; pdf: Buffer }> {
  await requireAccess(ctx, 'compliance.self', FIRM);
  const row = await findAgreement(ctx, id);
  const self = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
  const mine = row !== undefined && self === row.user_id;
  if (!mine) await requireAccess(ctx, 'compliance.manage', FIRM);
  if (!row || row.document_base64 === null) throw new AppError('NOT_FOUND', 'No such document');
  await recordEvent(ctx, { action: 'compliance.agreement.document', outcome: 'allowed', resources: { userId: row.user_id, other: { type: 'agreement', id } } });
  return { name: row.document_name ?? 'agreement.pdf', pdf: Buffer.from(row.document_base64, 'base64') };
}

/** My own agreements (compliance.self). */
export async function myAgreements(ctx: RequestContext): Promise<AgreementView[]> {
  await requireAccess(ctx, 'compliance.self', FIRM);
  const self = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
  return self ? views(ctx, await findAgreements(ctx, self)) : [];
}
