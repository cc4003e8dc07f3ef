/**
 * Consents: a client's informed, specific, documented and withdrawable permission to share their
 * data — purposes, data categories, recipients (named and/or by category), channels, matters,
 * validity — with its evidence (the published notice shown, by id and SHA-256, and the signed
 * form uploaded as an encrypted document). Withdrawal takes effect at once: disclosures not yet
 * executed under it stop, and every share made under it refuses its next use.
 */
import type { ClientId, DocumentId, MatterId } from '../../../common/ids.js';
import { auditedRefusal, canAccess, describeTargets, requireAccess, scopeFor } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import { inTransaction, type RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { getDocumentById } from '../vault/index.js';
import { CONSENTS_TABLE, presentConsent, type ConsentView, type NamedRecipient } from './consent.presenter.js';
import { findConsentRowsOfClient, findExecutedDisclosureIdsOfConsent, findExpiringConsentRows, getConsentRow, insertConsentRow, stopDisclosuresOfConsent, withdrawConsentRow } from './consent.repository.js';
import { sealerForRead, sealerForWrite, unsafeSealerCache } from './consent.sealing.js';
import type { Channel, DataCategory, Purpose, RecipientCategory } from './consent.schemas.js';
import type { ConsentConsentsTable } from './consent.tables.js';
import { publishedNoticeFor } from './notices.service.js';

export interface ConsentInput {
  purposes: Purpose[];
  purposeText: string;
  dataCategories: DataCategory[];
  recipients?: { name: string; email?: string }[];
  recipientCategories?: RecipientCategory[];
  channels: Channel[];
  matterScope: 'all' | 'listed';
  matterIds?: MatterId[];
  validFrom?: number;
  validUntil?: number | null;
  noticeId: string;
  evidence: { kind: 'signed_form'; documentId: string };
}

const actorOf = (ctx: RequestContext) => (ctx.actor.kind === 'user' ? ctx.actor.userId : ctx.actor.kind === 'system' ? ctx.actor.name : 'anonymous');
const invalid = (path: string, message: string, summary: string) => new AppError('VALIDATION_FAILED', summary, [{ path, message }]);

async function labelsFor(ctx: RequestContext, rows: ConsentConsentsTable[]) {
  return describeTargets(ctx, { userIds: rows.flatMap((r) => [r.recorded_by, r.withdrawn_by]), matterIds: rows.flatMap((r) => JSON.parse(r.matter_ids) as string[]) });
}

/**
 * Records a consent for a client. consent.write on the client, and on each listed matter; a consent
 * for all matters needs client-wide access (client.update: a client grant).
 * Throws ACCESS_DENIED, CLIENT_WIDE_ACCESS_REQUIRED, VALIDATION_FAILED (naming the field: no recipient, bad dates, a matter of
 * another client, an unpublished notice, evidence not on this client), KEY_DESTROYED, SEALED.
 */
export async function recordConsent(ctx: RequestContext, clientId: ClientId, input: ConsentInput): Promise<ConsentView> {
  return writeConsent(ctx, clientId, input, 'consent.write');
}

/**
 * Records the consent a client's portal contact gave by their own click, on the notice they were
 * shown (evidence `portal_click`: who, when, from where, the notice's SHA-256). portal.write on
 * the client and on each listed matter (the portal decides whether the contact may speak for all
 * matters before asking). Throws ACCESS_DENIED, VALIDATION_FAILED, KEY_DESTROYED, SEALED.
 */
export async function recordClientConsent(ctx: RequestContext, clientId: ClientId, input: Omit<ConsentInput, 'evidence'>): Promise<ConsentView> {
  return writeConsent(ctx, clientId, { ...input, evidence: { kind: 'portal_click' } }, 'portal.write');
}

async function writeConsent(ctx: RequestContext, clientId: ClientId, input: Omit<ConsentInput, 'evidence'> & { evidence: ConsentInput['evidence'] | { kind: 'portal_click' } }, permission: 'consent.write' | 'portal.write'): Promise<ConsentView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, permission, { kind: 'client', clientId });
    const now = tx.app.clock.now();
    const matterIds = input.matterIds ?? [];
    if (input.matterScope === 'listed' && matterIds.length === 0) throw invalid('body.matterIds', 'must list at least one matter when matterScope is listed', 'List the matters the consent covers');
    if (input.matterScope === 'all' && matterIds.length > 0) throw invalid('body.matterIds', 'must be empty when matterScope is all', 'A consent for all matters lists none');
    // A consent for all matters reaches matters of other teams: it takes client-wide authority (a
    // client grant), not a seat on one matter — a seated person lists the matters they hold.
    if (input.matterScope === 'all' && permission === 'consent.write' && !(await canAccess(tx, 'client.update', { kind: 'client', clientId }))) {
      throw await auditedRefusal(tx, new AppError('CLIENT_WIDE_ACCESS_REQUIRED', 'A consent for all matters needs client-wide access; list your matters instead', [{ path: 'body.matterScope', message: 'all needs client-wide access to the client: list the matters instead' }]), { action: 'consent.record', reason: 'CLIENT_WIDE_REQUIRED', resources: { clientId } });
    }
    for (const [index, matterId] of matterIds.entries()) {
      const matter = await requireAccess(tx, permission, { kind: 'matter', matterId });
      if (matter.clientId !== clientId) throw invalid(`body.matterIds.${index}`, "is not one of this client's matters", "A listed matter is not this client's");
    }
    const recipients = input.recipients ?? [];
    const recipientCategories = input.recipientCategories ?? [];
    if (recipients.length === 0 && recipientCategories.length === 0) throw invalid('body.recipients', 'name at least one recipient or recipient category', 'Name who may receive the data');
    const validFrom = input.validFrom ?? now;
    const validUntil = input.validUntil ?? null;
    if (validUntil !== null && validUntil <= validFrom) throw invalid('body.validUntil', 'must be after validFrom', 'The consent must end after it starts');
    const notice = await publishedNoticeFor(tx, input.noticeId, 'body.noticeId');
    // The signed form: a document the recorder may open, on one of this client's matters (its read
    // is audited). A portal click is its own evidence: the contact, the time, the address, the notice.
    let evidenceId: string | null = null;
    if (input.evidence.kind === 'signed_form') {
      const evidence = await getDocumentById(tx, input.evidence.documentId as DocumentId);
      if (evidence.clientId !== clientId || evidence.trashedAt !== null) throw invalid('body.evidence.documentId', "is not a live document of this client's", "The signed form must be one of this client's documents");
      evidenceId = evidence.id;
    }
    const sealer = await sealerForWrite(tx, auth);
    const id = newId(now);
    const named: NamedRecipient[] = recipients.map((r) => ({ name: r.name, email: r.email ? r.email.toLowerCase() : null }));
    const row: ConsentConsentsTable = {
      id,
      client_id: clientId,
      key_version: sealer.version,
      purposes: JSON.stringify(input.purposes),
      purpose_text_sealed: sealer.seal(CONSENTS_TABLE, id, 'purpose_text', input.purposeText),
      data_categories: JSON.stringify(input.dataCategories),
      recipients_sealed: sealer.seal(CONSENTS_TABLE, id, 'recipients', JSON.stringify(named)),
      recipient_categories: JSON.stringify(recipientCategories),
      channels: JSON.stringify(input.channels),
      matter_scope: input.matterScope,
      matter_ids: JSON.stringify(matterIds),
      valid_from: validFrom,
      valid_until: validUntil,
      notice_id: notice.id,
      notice_sha256: notice.sha256,
      evidence_kind: input.evidence.kind,
      evidence_document_id: evidenceId,
      status: 'active',
      recorded_by: actorOf(tx),
      recorded_at: now,
      recorded_ip: tx.ip ? tx.ip.slice(0, 64) : null,
      withdrawn_by: null,
      withdrawn_at: null,
    };
    await insertConsentRow(tx, auth, row);
    await recordEvent(tx, { action: 'consent.record', outcome: 'allowed', ...(permission === 'portal.write' ? { reason: 'PORTAL_CLICK' } : {}), resources: { clientId, ...(evidenceId ? { documentId: evidenceId } : {}), other: { type: 'consent', id } } });
    return presentConsent(row, sealer, await labelsFor(tx, [row]), now);
  });
}

/** A client's consents, newest first. consent.read on the client (portal.read: the client's own contact). Throws ACCESS_DENIED, KEY_DESTROYED, SEALED. */
export async function findConsents(ctx: RequestContext, clientId: ClientId, permission: 'consent.read' | 'portal.read' = 'consent.read'): Promise<ConsentView[]> {
  const auth = await requireAccess(ctx, permission, { kind: 'client', clientId });
  const rows = await findConsentRowsOfClient(ctx, auth);
  const labels = await labelsFor(ctx, rows);
  const sealers = new Map<number, Awaited<ReturnType<typeof sealerForRead>>>();
  const now = ctx.app.clock.now();
  const views: ConsentView[] = [];
  for (const row of rows) {
    let sealer = sealers.get(row.key_version);
    if (!sealer) sealers.set(row.key_version, (sealer = await sealerForRead(ctx, auth, row.key_version)));
    views.push(presentConsent(row, sealer, labels, now));
  }
  return views;
}

/** One consent. consent.read on its client. Throws ACCESS_DENIED (missing or not yours), KEY_DESTROYED, SEALED. */
export async function getConsentById(ctx: RequestContext, consentId: string): Promise<ConsentView> {
  const auth = await requireAccess(ctx, 'consent.read', { kind: 'object', type: 'consent', id: consentId });
  const row = await getConsentRow(ctx, auth);
  return presentConsent(row, await sealerForRead(ctx, auth, row.key_version), await labelsFor(ctx, [row]), ctx.app.clock.now());
}

/**
 * Withdraws a consent, at once: disclosures not yet executed under it are stopped (each audited),
 * and shares made under it refuse their next use. consent.write on its client (portal.write: the
 * client's own contact, in one click). Throws
 * ACCESS_DENIED, CONSENT_WITHDRAWN (already withdrawn).
 */
export async function withdrawConsent(ctx: RequestContext, consentId: string, permission: 'consent.write' | 'portal.write' = 'consent.write'): Promise<ConsentView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, permission, { kind: 'object', type: 'consent', id: consentId });
    const row = await getConsentRow(tx, auth);
    const now = tx.app.clock.now();
    const by = actorOf(tx);
    if (!(await withdrawConsentRow(tx, auth, by, now))) {
      throw await auditedRefusal(tx, new AppError('CONSENT_WITHDRAWN', 'This consent is already withdrawn'), { action: 'consent.withdraw', reason: 'ALREADY_WITHDRAWN', resources: { clientId: row.client_id, other: { type: 'consent', id: consentId } } });
    }
    await recordEvent(tx, { action: 'consent.withdraw', outcome: 'allowed', resources: { clientId: row.client_id, other: { type: 'consent', id: consentId } } });
    for (const stopped of await stopDisclosuresOfConsent(tx, auth, by, now)) {
      await recordEvent(tx, { action: 'disclosure.stop', outcome: 'allowed', reason: 'CONSENT_WITHDRAWN', resources: { clientId: row.client_id, matterId: stopped.matter_id, other: { type: 'disclosure', id: stopped.id } } });
    }
    // Live shares are ended by the check on every use; recorded here so the log shows which.
    for (const executed of await findExecutedDisclosureIdsOfConsent(tx, auth)) {
      await recordEvent(tx, { action: 'share.end', outcome: 'allowed', reason: 'CONSENT_WITHDRAWN', resources: { clientId: row.client_id, matterId: executed.matter_id, other: { type: 'disclosure', id: executed.id } } });
    }
    const next = { ...row, status: 'withdrawn' as const, withdrawn_by: by, withdrawn_at: now };
    return presentConsent(next, await sealerForRead(tx, auth, row.key_version), await labelsFor(tx, [next]), now);
  });
}

/**
 * Active consents ending within `days`, over the clients the actor may read consents of (the
 * report and the daily reminder). Audited as one list read. Throws AUDIT_UNAVAILABLE, SEALED.
 */
export async function findExpiringConsents(ctx: RequestContext, days: number): Promise<ConsentView[]> {
  const scope = await scopeFor(ctx, 'consent.read');
  const now = ctx.app.clock.now();
  const rows = await findExpiringConsentRows(ctx, scope, now, now + days * 86_400_000);
  await recordEvent(ctx, { action: 'consent.list', outcome: 'allowed', reason: 'EXPIRING', resources: { other: { type: 'result_count', id: String(rows.length) }, ...(new Set(rows.map((r) => r.client_id)).size === 1 ? { clientId: rows[0]!.client_id } : {}) } });
  // Rows came through the actor's scope: opened with each client's key.
  const sealers = unsafeSealerCache(ctx);
  const labels = await labelsFor(ctx, rows);
  const views: ConsentView[] = [];
  for (const row of rows) views.push(presentConsent(row, await sealers(row.client_id, row.key_version), labels, now));
  return views;
}
