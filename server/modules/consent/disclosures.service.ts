/**
 * The disclosure gate: any release of client data outside the firm is a disclosure with a basis —
 * a live consent covering every item, the recipient, the purpose and the channel, or a legal
 * exception (kind, reference, the supporting order uploaded as an encrypted document) approved by
 * a second person: the compliance officer or the matter's lead attorney, never the requester.
 * Whatever falls outside the basis is refused with the fields naming it — never silently dropped.
 * Privileged items need an explicit waiver naming the risk. Executing a disclosure pins each
 * document version and records the SHA-256 of the bytes released (the register), and for the
 * secure-link channel creates the recipient's share (shares.service.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ClientId, DocumentId, MatterId, NoteId } from '../../../common/ids.js';
import { auditedRefusal, canAccess, describeTargets, requireAccess, scopeFor } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import { inTransaction, type RequestContext } from '../../platform/context.js';
import { AppError, type FieldProblem } from '../../platform/errors.js';
import { csvCell } from '../../platform/reports/tables.js';
import { newId } from '../../platform/ids.js';
import { getDocumentById, getNoteById, openDocumentContent } from '../vault/index.js';
import { consentState, DISCLOSURES_TABLE, openRecipients, presentDisclosure, RELEASED_TABLE, type DisclosureView } from './consent.presenter.js';
import { findConsentRowOfClient, findDisclosureRows, findExecutedDisclosureRowsOfClient, findReleasedItemRows, findShareRows, getDisclosureRow, insertDisclosureRow, insertReleasedItemRows, insertShareRow, moveDisclosureRow, type ObjectAuth, unsafeRevokeDisclosureRowsRequestedBy } from './consent.repository.js';
import { sealerForRead, sealerForWrite, unsafeSealerCache, type Sealer } from './consent.sealing.js';
import type { Channel, ExceptionKind, Purpose, RecipientCategory } from './consent.schemas.js';
import type { ConsentConsentsTable, ConsentDisclosuresTable, ConsentReleasedItemsTable, ConsentSharesTable, DisclosureStatus } from './consent.tables.js';
import { hashShareSecret, notifyApprovers, sendShareLink } from './shares.service.js';

export interface DisclosureInput {
  clientId: ClientId;
  matterId: MatterId;
  recipient: { name: string; email: string; category?: RecipientCategory };
  items: { type: 'document' | 'note'; id: string }[];
  purpose: Purpose;
  purposeText: string;
  channel: Channel;
  basis: { kind: 'consent'; consentId: string } | { kind: 'exception'; exception: ExceptionKind; reference: string; supportingDocumentId: string; gagOrder?: boolean };
  waivePrivilege?: { confirmed: true; risk: string };
}

/** How long a share lives unless the executor says otherwise, and how many downloads it allows. */
export const DEFAULT_SHARE_DAYS = 7;
export const DEFAULT_DOWNLOAD_LIMIT = 10;

const actorOf = (ctx: RequestContext) => (ctx.actor.kind === 'user' ? ctx.actor.userId : ctx.actor.kind === 'system' ? ctx.actor.name : 'anonymous');
const isCompliance = (ctx: RequestContext) => ctx.actor.kind === 'user' && ctx.actor.role === 'compliance_officer';
const disclosureTarget = (id: string) => ({ kind: 'object', type: 'disclosure', id }) as const;

/** An item as the gate sees it: what it is, and whether it is privileged. */
interface CheckedItem {
  type: 'document' | 'note';
  id: string;
  privileged: boolean;
}

/** A consent covers a disclosure when it is live and every item, the matter, recipient, purpose and channel are within it; the problems name each that is not. */
export function outsideConsent(consent: ConsentConsentsTable, recipients: { email: string | null }[], input: Pick<DisclosureInput, 'matterId' | 'recipient' | 'purpose' | 'channel'>, items: CheckedItem[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const categories = new Set(JSON.parse(consent.data_categories) as string[]);
  if (consent.matter_scope === 'listed' && !(JSON.parse(consent.matter_ids) as string[]).includes(input.matterId)) problems.push({ path: 'body.matterId', message: 'is not a matter the consent covers' });
  items.forEach((item, index) => {
    const needs = [item.type === 'document' ? 'documents' : 'notes', ...(item.privileged ? ['privileged'] : [])].filter((c) => !categories.has(c));
    if (needs.length > 0) problems.push({ path: `body.items.${index}`, message: `${item.type} ${item.id} is outside the consent (data category ${needs.join(', ')} not consented)` });
  });
  const email = input.recipient.email.toLowerCase();
  const named = recipients.some((r) => r.email !== null && r.email === email);
  const byCategory = input.recipient.category !== undefined && (JSON.parse(consent.recipient_categories) as string[]).includes(input.recipient.category);
  if (!named && !byCategory) problems.push({ path: 'body.recipient', message: 'is neither a recipient the client named (by e-mail) nor of a category they consented to' });
  if (!(JSON.parse(consent.purposes) as string[]).includes(input.purpose)) problems.push({ path: 'body.purpose', message: 'is not a purpose the client consented to' });
  if (!(JSON.parse(consent.channels) as string[]).includes(input.channel)) problems.push({ path: 'body.channel', message: 'is not a channel the client consented to' });
  return problems;
}

/** Refuses a consent that is not a basis now (withdrawn, expired, not yet valid), audited as `action`. */
async function requireLiveConsent(ctx: RequestContext, consent: ConsentConsentsTable, action: string, resources: { clientId: string; matterId: string; other: { type: string; id: string } }): Promise<void> {
  const state = consentState(consent, ctx.app.clock.now());
  if (state === 'active') return;
  const error = state === 'withdrawn' ? new AppError('CONSENT_WITHDRAWN', 'The consent was withdrawn: nothing may be disclosed under it', [{ path: 'body.basis.consentId', message: 'was withdrawn' }]) : new AppError('CONSENT_EXPIRED', 'The consent is not valid now', [{ path: 'body.basis.consentId', message: state === 'expired' ? 'has expired' : 'is not valid yet' }]);
  throw await auditedRefusal(ctx, error, { action, reason: state === 'withdrawn' ? 'CONSENT_WITHDRAWN' : 'CONSENT_EXPIRED', resources });
}

/** The items, each opened through the vault (the requester must be able to read it; audited) and on this matter. */
async function checkItems(ctx: RequestContext, matterId: string, items: DisclosureInput['items']): Promise<CheckedItem[]> {
  const checked: CheckedItem[] = [];
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const [index, item] of items.entries()) {
    if (seen.has(`${item.type}:${item.id}`)) problems.push({ path: `body.items.${index}`, message: 'is listed twice' });
    seen.add(`${item.type}:${item.id}`);
    if (item.type === 'document') {
      const document = await getDocumentById(ctx, item.id as DocumentId);
      if (document.matterId !== matterId) problems.push({ path: `body.items.${index}`, message: `document ${item.id} is not on this matter` });
      else if (document.trashedAt !== null) problems.push({ path: `body.items.${index}`, message: `document ${item.id} is in the trash` });
      checked.push({ type: 'document', id: item.id, privileged: document.privileged || document.classification === 'privileged' });
    } else {
      const note = await getNoteById(ctx, item.id as NoteId);
      if (note.matterId !== matterId) problems.push({ path: `body.items.${index}`, message: `note ${item.id} is not on this matter` });
      checked.push({ type: 'note', id: item.id, privileged: false });
    }
  }
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', `Items not disclosable from this matter: ${problems.map((p) => p.path).join(', ')}`, problems);
  return checked;
}

/**
 * Files a disclosure. With a consent basis it is ready to execute at once (every item, the matter,
 * recipient, purpose and channel checked against the live consent); with a legal exception it
 * waits for a second person's approval. disclosure.request on the matter (404 for anyone walled
 * off or not on its team). Throws ACCESS_DENIED, VALIDATION_FAILED, CONSENT_WITHDRAWN,
 * CONSENT_EXPIRED, DISCLOSURE_OUTSIDE_CONSENT, PRIVILEGE_WAIVER_REQUIRED (each refusal audited),
 * KEY_DESTROYED, SEALED.
 */
export async function requestDisclosure(ctx: RequestContext, input: DisclosureInput): Promise<DisclosureView> {
  const view = await inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'disclosure.request', { kind: 'matter', matterId: input.matterId });
    const id = newId(tx.app.clock.now());
    const resources = { clientId: auth.clientId ?? input.clientId, matterId: input.matterId, other: { type: 'disclosure', id } };
    const refuse = async (error: AppError, reason: string) => auditedRefusal(tx, error, { action: 'disclosure.request', reason, resources });
    if (auth.clientId !== input.clientId) throw await refuse(new AppError('VALIDATION_FAILED', 'The matter is not this client’s', [{ path: 'body.clientId', message: 'is not the client of this matter' }]), 'CLIENT_MISMATCH');
    const items = await checkItems(tx, input.matterId, input.items);
    const privileged = items.map((item, index) => ({ item, index })).filter(({ item }) => item.privileged);
    if (privileged.length > 0 && !input.waivePrivilege?.confirmed) {
      throw await refuse(
        new AppError('PRIVILEGE_WAIVER_REQUIRED', `Privileged items need waivePrivilege with the risk named: ${privileged.map(({ item }) => item.id).join(', ')}`, [
          ...privileged.map(({ item, index }) => ({ path: `body.items.${index}`, message: `document ${item.id} is privileged` })),
          { path: 'body.waivePrivilege', message: 'confirm the waiver and name its risk' },
        ]),
        'PRIVILEGE_NOT_WAIVED',
      );
    }
    let status: DisclosureStatus;
    if (input.basis.kind === 'consent') {
      const consent = await findConsentRowOfClient(tx, auth, input.basis.consentId);
      if (!consent) throw await refuse(new AppError('VALIDATION_FAILED', 'No such consent of this client', [{ path: 'body.basis.consentId', message: 'is not a consent of this client' }]), 'NO_BASIS');
      await requireLiveConsent(tx, consent, 'disclosure.request', resources);
      const problems = outsideConsent(consent, openRecipients(consent, await sealerForRead(tx, auth, consent.key_version)), input, items);
      if (problems.length > 0) throw await refuse(new AppError('DISCLOSURE_OUTSIDE_CONSENT', `Outside the consent: ${problems.map((p) => p.message).join('; ')}`, problems), 'OUTSIDE_CONSENT');
      status = 'ready';
    } else {
      const order = await getDocumentById(tx, input.basis.supportingDocumentId as DocumentId);
      if (order.matterId !== input.matterId || order.trashedAt !== null) throw await refuse(new AppError('VALIDATION_FAILED', 'The supporting order must be a document on this matter', [{ path: 'body.basis.supportingDocumentId', message: 'is not a live document on this matter' }]), 'NO_BASIS');
      status = 'pending_approval';
    }
    const sealer = await sealerForWrite(tx, auth);
    const now = tx.app.clock.now();
    const row: ConsentDisclosuresTable = {
      id,
      client_id: input.clientId,
      matter_id: input.matterId,
      key_version: sealer.version,
      recipient_sealed: sealer.seal(DISCLOSURES_TABLE, id, 'recipient', JSON.stringify({ name: input.recipient.name, email: input.recipient.email.toLowerCase() })),
      recipient_category: input.recipient.category ?? null,
      items: JSON.stringify(items.map(({ type, id: itemId }) => ({ type, id: itemId }))),
      purpose: input.purpose,
      purpose_text_sealed: sealer.seal(DISCLOSURES_TABLE, id, 'purpose_text', input.purposeText),
      channel: input.channel,
      basis: input.basis.kind,
      consent_id: input.basis.kind === 'consent' ? input.basis.consentId : null,
      exception_kind: input.basis.kind === 'exception' ? input.basis.exception : null,
      exception_reference_sealed: input.basis.kind === 'exception' ? sealer.seal(DISCLOSURES_TABLE, id, 'exception_reference', input.basis.reference) : null,
      exception_document_id: input.basis.kind === 'exception' ? input.basis.supportingDocumentId : null,
      gag_order: input.basis.kind === 'exception' && input.basis.gagOrder ? 1 : 0,
      privilege_waived: privileged.length > 0 ? 1 : 0,
      waiver_risk_sealed: privileged.length > 0 && input.waivePrivilege ? sealer.seal(DISCLOSURES_TABLE, id, 'waiver_risk', input.waivePrivilege.risk) : null,
      status,
      requested_by: actorOf(tx),
      requested_at: now,
      approved_by: null,
      approved_at: null,
      executed_by: null,
      executed_at: null,
      ended_by: null,
      ended_at: null,
    };
    await insertDisclosureRow(tx, auth, row);
    await recordEvent(tx, { action: 'disclosure.request', outcome: 'allowed', reason: input.basis.kind === 'consent' ? 'CONSENT' : `EXCEPTION:${input.basis.exception}`, resources });
    if (privileged.length > 0) await recordEvent(tx, { action: 'disclosure.privilege_waiver', outcome: 'allowed', resources });
    return (await viewsOf(tx, [row], () => Promise.resolve(sealer)))[0]!;
  });
  // Told once committed (ids only): the compliance officers, who may approve it.
  if (view.status === 'pending_approval') notifyApprovers(ctx, view.id);
  return view;
}

/** Access to one disclosure for `permission`, or for the compliance officer's oversight. */
/** One disclosure through the choke point (the compliance officer oversees them all). */
export async function authorizeDisclosure(ctx: RequestContext, permission: 'disclosure.read' | 'disclosure.request' | 'disclosure.approve', disclosureId: string, detail?: { stepUp: true }): Promise<{ auth: ObjectAuth; row: ConsentDisclosuresTable }> {
  const auth = await requireAccess(ctx, isCompliance(ctx) ? 'disclosure.oversee' : permission, disclosureTarget(disclosureId), detail);
  return { auth, row: await getDisclosureRow(ctx, auth) };
}

/** A disclosure under a consent goes on only while the consent is live (withdrawal and expiry stop it). Refusals audited as `action`. */
export async function requireBasisStillLive(ctx: RequestContext, auth: ObjectAuth, row: ConsentDisclosuresTable, action: string): Promise<void> {
  if (!row.consent_id) return;
  const consent = await findConsentRowOfClient(ctx, auth, row.consent_id);
  if (!consent) throw new AppError('CONSENT_NOT_FOUND');
  await requireLiveConsent(ctx, consent, action, { clientId: row.client_id, matterId: row.matter_id, other: { type: 'disclosure', id: row.id } });
}

const stateConflict = (row: ConsentDisclosuresTable, wanted: string) => new AppError('CONFLICT', `This disclosure is ${row.status.replace('_', ' ')}; it cannot be ${wanted}`);

/**
 * Approves a disclosure under a legal exception (two-person rule): the compliance officer or the
 * matter's lead attorney, never the requester. Throws ACCESS_DENIED, SEPARATION_OF_DUTIES
 * (self-approval, audited), CONFLICT (not pending).
 */
export async function approveDisclosure(ctx: RequestContext, disclosureId: string): Promise<DisclosureView> {
  return inTransaction(ctx, async (tx) => {
    const { auth, row } = await authorizeDisclosure(tx, 'disclosure.approve', disclosureId);
    const resources = { clientId: row.client_id, matterId: row.matter_id, other: { type: 'disclosure', id: row.id } };
    if (row.requested_by === actorOf(tx)) throw await auditedRefusal(tx, new AppError('SEPARATION_OF_DUTIES', 'Someone other than the requester must approve this disclosure'), { action: 'disclosure.approve', reason: 'SELF_APPROVAL', resources });
    if (row.status !== 'pending_approval') throw stateConflict(row, 'approved');
    const now = tx.app.clock.now();
    const patch = { status: 'ready' as const, approved_by: actorOf(tx), approved_at: now };
    if (!(await moveDisclosureRow(tx, auth, ['pending_approval'], patch))) throw stateConflict(row, 'approved');
    await recordEvent(tx, { action: 'disclosure.approve', outcome: 'allowed', reason: `EXCEPTION:${row.exception_kind ?? ''}`, resources });
    return (await viewsOf(tx, [{ ...row, ...patch }], (version) => sealerForRead(tx, auth, version)))[0]!;
  });
}

/** Ends a disclosure (pending, ready or executed): its share refuses its next use. disclosure.request on the matter, or the compliance officer. Throws ACCESS_DENIED, CONFLICT. */
export async function revokeDisclosure(ctx: RequestContext, disclosureId: string): Promise<DisclosureView> {
  return inTransaction(ctx, async (tx) => {
    const { auth, row } = await authorizeDisclosure(tx, 'disclosure.request', disclosureId);
    const now = tx.app.clock.now();
    const patch = { status: 'revoked' as const, ended_by: actorOf(tx), ended_at: now };
    if (!(await moveDisclosureRow(tx, auth, ['pending_approval', 'ready', 'executed'], patch))) throw stateConflict(row, 'revoked');
    await recordEvent(tx, { action: 'disclosure.revoke', outcome: 'allowed', resources: { clientId: row.client_id, matterId: row.matter_id, other: { type: 'disclosure', id: row.id } } });
    return (await viewsOf(tx, [{ ...row, ...patch }], (version) => sealerForRead(tx, auth, version)))[0]!;
  });
}

/**
 * Containment of an incident: revokes every disclosure the person requested that is pending, ready
 * or executed (share links end), each audited (`disclosure.revoke`, reason `INCIDENT`). No access
 * decision here: the incidents module's (`incident.manage`). Returns how many.
 */
export async function unsafeRevokeDisclosuresRequestedBy(ctx: RequestContext, userId: string): Promise<number> {
  return inTransaction(ctx, async (tx) => {
    const rows = await unsafeRevokeDisclosureRowsRequestedBy(tx, userId, actorOf(tx), tx.app.clock.now());
    for (const row of rows) await recordEvent(tx, { action: 'disclosure.revoke', outcome: 'allowed', reason: 'INCIDENT', resources: { clientId: row.client_id, matterId: row.matter_id, userId, other: { type: 'disclosure', id: row.id } } });
    return rows.length;
  });
}

/** What one item releases: the pinned version, its bytes' SHA-256 and size, its name, and (for a note) the text itself. */
interface Release {
  type: 'document' | 'note';
  id: string;
  version: number;
  sha256: string;
  size: number;
  contentType: string;
  name: string;
  text: string | null;
}

async function releaseOf(ctx: RequestContext, item: { type: 'document' | 'note'; id: string }): Promise<Release> {
  if (item.type === 'note') {
    const note = await getNoteById(ctx, item.id as NoteId);
    const text = `${note.title}\n\n${note.body}\n`;
    const bytes = Buffer.from(text, 'utf8');
    return { type: 'note', id: note.id, version: note.revision, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, contentType: 'text/plain; charset=utf-8', name: `${note.title.slice(0, 150)}.txt`, text };
  }
  const document = await getDocumentById(ctx, item.id as DocumentId);
  const content = await openDocumentContent(ctx, document.id as DocumentId, { version: document.currentVersion });
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of content.stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { type: 'document', id: document.id, version: document.currentVersion, sha256: hash.digest('hex'), size, contentType: content.contentType, name: content.name, text: null };
}

/**
 * Executes a ready disclosure: each item's current version is pinned and the SHA-256 of its bytes
 * recorded (the register); with the secure-link channel a share is created and its link e-mailed
 * to the recipient (and returned once: the token is stored only hashed); with the age-package
 * channel the executor then makes the package (packages.service.ts). The basis is checked again
 * inside the executing transaction. disclosure.request on the matter. Throws ACCESS_DENIED,
 * CONFLICT, CONSENT_WITHDRAWN, CONSENT_EXPIRED.
 */
export async function executeDisclosure(ctx: RequestContext, disclosureId: string, options: { expiresInDays?: number; downloadLimit?: number } = {}): Promise<DisclosureView & { link: string | null }> {
  const { row } = await authorizeDisclosure(ctx, 'disclosure.request', disclosureId);
  if (row.status !== 'ready') throw stateConflict(row, 'executed');
  // Hashed outside the transaction (streams of any size never hold one); each read is audited as the executor's.
  const releases: Release[] = [];
  for (const item of JSON.parse(row.items) as { type: 'document' | 'note'; id: string }[]) releases.push(await releaseOf(ctx, item));
  const executed = await inTransaction(ctx, async (tx) => {
    const { auth, row: current } = await authorizeDisclosure(tx, 'disclosure.request', disclosureId);
    const resources = { clientId: current.client_id, matterId: current.matter_id, other: { type: 'disclosure', id: current.id } };
    await requireBasisStillLive(tx, auth, current, 'disclosure.execute');
    const now = tx.app.clock.now();
    const patch = { status: 'executed' as const, executed_by: actorOf(tx), executed_at: now };
    if (!(await moveDisclosureRow(tx, auth, ['ready'], patch))) throw stateConflict(current, 'executed');
    const sealer = await sealerForWrite(tx, auth);
    const released: ConsentReleasedItemsTable[] = releases.map((r) => {
      const id = newId(now);
      return { id, disclosure_id: current.id, item_type: r.type, item_id: r.id, version: r.version, sha256: r.sha256, size: r.size, content_type: r.contentType, key_version: sealer.version, name_sealed: sealer.seal(RELEASED_TABLE, id, 'name', r.name), content_sealed: r.text === null ? null : sealer.seal(RELEASED_TABLE, id, 'content', r.text) };
    });
    await insertReleasedItemRows(tx, auth, released);
    let link: string | null = null;
    let share: ConsentSharesTable | undefined;
    if (current.channel === 'secure_link') {
      const token = randomBytes(32).toString('base64url');
      share = {
        id: newId(now),
        disclosure_id: current.id,
        token_hash: hashShareSecret(token),
        expires_at: now + (options.expiresInDays ?? DEFAULT_SHARE_DAYS) * 86_400_000,
        max_downloads: options.downloadLimit ?? DEFAULT_DOWNLOAD_LIMIT,
        downloads: 0,
        code_hash: null,
        code_expires_at: null,
        code_attempts: 0,
        failed_attempts: 0,
        codes_sent: 0,
        codes_window_start: now,
        session_hash: null,
        session_expires_at: null,
        locked_at: null,
        created_at: now,
      };
      await insertShareRow(tx, auth, share);
      // A fragment: browsers never send it, so the token stays out of every server and proxy log.
      link = `${tx.app.config.publicUrl}/share#${token}`;
    }
    for (const r of released) await recordEvent(tx, { action: 'disclosure.release', outcome: 'allowed', reason: `SHA256:${r.sha256.slice(0, 32)}`, resources: { ...resources, ...(r.item_type === 'document' ? { documentId: r.item_id } : {}) } });
    await recordEvent(tx, { action: 'disclosure.execute', outcome: 'allowed', reason: current.channel.toUpperCase(), resources });
    const view = (await viewsOf(tx, [{ ...current, ...patch }], (version) => sealerForRead(tx, auth, version), { released, share }))[0]!;
    return { ...view, link };
  });
  // Mailed once committed: the link goes to the recipient's address, where the one-time code will go too.
  if (executed.link) sendShareLink(ctx, executed.recipient.email, executed.link);
  return executed;
}

/** One disclosure. disclosure.read on its matter, or the compliance officer. Throws ACCESS_DENIED, KEY_DESTROYED, SEALED. */
export async function getDisclosureById(ctx: RequestContext, disclosureId: string): Promise<DisclosureView> {
  const { auth, row } = await authorizeDisclosure(ctx, 'disclosure.read', disclosureId);
  return (await viewsOf(ctx, [row], (version) => sealerForRead(ctx, auth, version)))[0]!;
}

/**
 * The disclosure register: the disclosures of the matters the actor may read them on (the
 * compliance officer: all), newest first, optionally of one client or matter and status. Audited
 * as one list read. Throws AUDIT_UNAVAILABLE, KEY_DESTROYED, SEALED.
 */
export async function findDisclosures(ctx: RequestContext, filter: { clientId?: string; matterId?: string; status?: DisclosureStatus; basis?: 'consent' | 'exception'; recipientCategory?: RecipientCategory } = {}): Promise<DisclosureView[]> {
  const overseer = await canAccess(ctx, 'disclosure.oversee', { kind: 'firm' });
  const scope = await scopeFor(ctx, overseer ? 'disclosure.oversee' : 'disclosure.read');
  const rows = await findDisclosureRows(ctx, scope, { ...filter, limit: 1000 });
  await recordEvent(ctx, { action: 'disclosure.list', outcome: 'allowed', resources: { other: { type: 'result_count', id: String(rows.length) }, ...(filter.clientId ? { clientId: filter.clientId } : {}), ...(filter.matterId ? { matterId: filter.matterId } : {}) } });
  // Rows came through the actor's scope: each opened with its client's key.
  const sealers = unsafeSealerCache(ctx);
  const byClient = new Map(rows.map((r) => [r.id, r.client_id]));
  return viewsOf(ctx, rows, (version, rowId) => sealers(byClient.get(rowId)!, version));
}

/** Disclosures a client may be shown (the portal, client reports): never one under a gag order. */
export async function findClientVisibleDisclosures(ctx: RequestContext, clientId: ClientId): Promise<DisclosureView[]> {
  return (await findDisclosures(ctx, { clientId })).filter((d) => !d.basis.gagOrder);
}

/**
 * What a client's portal contact is shown of the disclosures of their data: executed ones, on the
 * matters they reach, never one under a gag order. portal.read on the client; audited as one list
 * read. Throws ACCESS_DENIED, AUDIT_UNAVAILABLE, KEY_DESTROYED, SEALED.
 */
export async function findDisclosuresForClient(ctx: RequestContext, clientId: ClientId, matterIds: string[] | null): Promise<DisclosureView[]> {
  const auth = await requireAccess(ctx, 'portal.read', { kind: 'client', clientId });
  const rows = (await findExecutedDisclosureRowsOfClient(ctx, auth, matterIds)).filter((r) => r.gag_order !== 1);
  await recordEvent(ctx, { action: 'disclosure.list', outcome: 'allowed', reason: 'PORTAL', resources: { clientId, other: { type: 'result_count', id: String(rows.length) } } });
  return viewsOf(ctx, rows, (version) => sealerForRead(ctx, auth, version));
}

async function viewsOf(
  ctx: RequestContext,
  rows: ConsentDisclosuresTable[],
  sealerFor: (version: number, rowId: string) => Promise<Sealer>,
  known?: { released: ConsentReleasedItemsTable[]; share: ConsentSharesTable | undefined },
): Promise<DisclosureView[]> {
  const ids = rows.map((r) => r.id);
  const released = known ? known.released : await findReleasedItemRows(ctx, ids);
  const shares = known ? (known.share ? [known.share] : []) : await findShareRows(ctx, ids);
  const labels = await describeTargets(ctx, { userIds: rows.flatMap((r) => [r.requested_by, r.approved_by, r.executed_by]), matterIds: rows.map((r) => r.matter_id), clientIds: rows.map((r) => r.client_id) });
  const views: DisclosureView[] = [];
  for (const row of rows) {
    views.push(presentDisclosure(row, await sealerFor(row.key_version, row.id), labels, released.filter((r) => r.disclosure_id === row.id), shares.find((s) => s.disclosure_id === row.id)));
  }
  return views;
}

/** The register as CSV (one row per disclosure; cells that a spreadsheet would run as a formula are quoted as text). */
export function registerCsv(views: DisclosureView[]): string {
  const header = ['disclosure_id', 'status', 'requested_at', 'executed_at', 'client', 'matter', 'recipient_name', 'recipient_email', 'recipient_category', 'channel', 'purpose', 'basis', 'consent_id', 'exception', 'exception_reference', 'gag_order', 'privilege_waived', 'requested_by', 'approved_by', 'executed_by', 'released_items'];
  const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());
  const lines = views.map((d) =>
    [
      d.id,
      d.status,
      iso(d.requestedAt),
      iso(d.executedAt),
      d.clientName ?? d.clientId,
      d.matter.number ?? d.matter.id,
      d.recipient.name,
      d.recipient.email,
      d.recipient.category ?? '',
      d.channel,
      d.purpose,
      d.basis.kind,
      d.basis.consentId ?? '',
      d.basis.exception ?? '',
      d.basis.reference ?? '',
      d.basis.gagOrder ? 'yes' : 'no',
      d.privilegeWaived ? 'yes' : 'no',
      d.requestedByName ?? d.requestedBy,
      d.approvedByName ?? d.approvedBy ?? '',
      d.executedByName ?? d.executedBy ?? '',
      d.released.map((r) => `${r.type}:${r.id}:v${r.version}:sha256=${r.sha256}`).join(' '),
    ]
      .map(csvCell)
      .join(','),
  );
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}

/** The one CSV cell rule (formula cells defused), re-exported for the privilege log. */
export { csvCell };
