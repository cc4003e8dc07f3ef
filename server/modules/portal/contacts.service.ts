/**
 * A client's portal contacts (staff side: invite, list, disable) and the contact's own home and
 * onboarding (the notice in force, the consents asked of them, given or declined by their click).
 */
import type { ClientId, MatterId } from '../../../common/ids.js';
import { auditedRefusal, describeTargets, matterIdsOfClient, requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import { inTransaction, type RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { currentNotice, recordClientConsent, type ConsentInput, type ConsentView, type NoticeView } from '../consent/index.js';
import { disableClientAccount, inviteClientAccount } from '../identity/index.js';
import {
  countUnreadOfClient,
  expirePendingExportsOf,
  decideConsentRequestRow,
  findConsentRequestRowsOfContact,
  findContactRowsOfClient,
  findFileRequestRowsOfMatters,
  getConsentRequestRow,
  getContactRow,
  insertConsentRequestRows,
  insertContactRow,
  updateContactRow,
  type ClientAuth,
} from './portal.repository.js';
import { sealerCache, sealerForWrite } from './portal.sealing.js';
import { mattersOf } from './portal.access.js';
import { actorIdOf, matterRef, nameOf, requireAuthorityOverMatters, requireContact } from './portal.support.js';
import type { PortalConsentRequestsTable, PortalContactsTable } from './portal.tables.js';

const REQUESTS_TABLE = 'portal_consent_requests';
const invalid = (path: string, message: string, summary: string) => new AppError('VALIDATION_FAILED', summary, [{ path, message }]);

export type ConsentTerms = Omit<ConsentInput, 'noticeId' | 'evidence' | 'validFrom'>;

export interface InvitationInput {
  email: string;
  name: string;
  matterScope: 'all' | 'listed';
  matterIds?: MatterId[];
  consentRequests?: ConsentTerms[];
}

type MatterRefView = { id: string; number: string | null; title: string | null };

export interface ContactView {
  id: string;
  clientId: string;
  name: string | null;
  email: string | null;
  status: 'invited' | 'active' | 'disabled';
  matterScope: 'all' | 'listed';
  matters: MatterRefView[];
  invitedBy: string;
  invitedByName: string | null;
  invitedAt: number;
  activatedAt: number | null;
  disabledAt: number | null;
  consentRequests: { id: string; status: string; consentId: string | null; decidedAt: number | null }[];
}

export interface ConsentRequestView extends Omit<ConsentTerms, 'matterIds' | 'recipients' | 'recipientCategories' | 'validUntil'> {
  id: string;
  status: PortalConsentRequestsTable['status'];
  recipients: { name: string; email: string | null }[];
  recipientCategories: string[];
  matters: MatterRefView[];
  validUntil: number | null;
  askedAt: number;
}

function presentContact(row: PortalContactsTable, labels: Awaited<ReturnType<typeof describeTargets>>, requests: PortalConsentRequestsTable[]): ContactView {
  const user = labels.users.get(row.user_id);
  return {
    id: row.user_id,
    clientId: row.client_id,
    name: user?.name ?? null,
    email: user?.email ?? null,
    status: row.status === 'disabled' ? 'disabled' : row.activated_at === null ? 'invited' : 'active',
    matterScope: row.matter_scope,
    matters: (JSON.parse(row.matter_ids) as string[]).map((id) => matterRef(labels, id)),
    invitedBy: row.invited_by,
    invitedByName: nameOf(labels, row.invited_by),
    invitedAt: Number(row.invited_at),
    activatedAt: row.activated_at === null ? null : Number(row.activated_at),
    disabledAt: row.disabled_at === null ? null : Number(row.disabled_at),
    consentRequests: requests.map((r) => ({ id: r.id, status: r.status, consentId: r.consent_id, decidedAt: r.decided_at === null ? null : Number(r.decided_at) })),
  };
}

/**
 * Invites a contact of the client to the portal. portal.manage on the client (a lead attorney),
 * and on each listed matter; all matters needs client-wide access (client.update: a client grant).
 * Each consent asked for must stay within the contact's matters. The account, the contact and the
 * requests commit together; then the link is mailed. Throws ACCESS_DENIED,
 * CLIENT_WIDE_ACCESS_REQUIRED, VALIDATION_FAILED, USER_EXISTS, KEY_DESTROYED, SEALED.
 */
export async function inviteContact(ctx: RequestContext, clientId: ClientId, input: InvitationInput): Promise<{ contact: ContactView; delivered: 'smtp' | 'outbox' }> {
  const auth = await requireAccess(ctx, 'portal.manage', { kind: 'client', clientId });
  const matterIds = input.matterIds ?? [];
  if (input.matterScope === 'listed' && matterIds.length === 0) throw invalid('body.matterIds', 'must list at least one matter when matterScope is listed', 'List the matters this contact may see');
  if (input.matterScope === 'all' && matterIds.length > 0) throw invalid('body.matterIds', 'must be empty when matterScope is all', 'A contact for all matters lists none');
  const clientsOfMatters = await requireAuthorityOverMatters(ctx, clientId, input.matterScope === 'all' ? null : matterIds, 'portal.contact_invite');
  for (const [index, matterClient] of clientsOfMatters.entries()) {
    if (matterClient !== clientId) throw invalid(`body.matterIds.${index}`, "is not one of this client's matters", "A listed matter is not this client's");
  }
  const requests = input.consentRequests ?? [];
  for (const [index, terms] of requests.entries()) {
    const path = `body.consentRequests.${index}`;
    const termMatters = terms.matterIds ?? [];
    if (terms.matterScope === 'listed' && termMatters.length === 0) throw invalid(`${path}.matterIds`, 'must list at least one matter when matterScope is listed', 'List the matters the consent covers');
    if (terms.matterScope === 'all' && input.matterScope !== 'all') throw invalid(`${path}.matterScope`, "cannot be all for a contact limited to some matters", "A contact limited to some matters cannot consent for all of them");
    if (terms.matterScope === 'listed' && input.matterScope === 'listed' && termMatters.some((m) => !matterIds.includes(m))) throw invalid(`${path}.matterIds`, "must be among the contact's matters", "A consent may only cover the contact's matters");
    if ((terms.recipients ?? []).length === 0 && (terms.recipientCategories ?? []).length === 0) throw invalid(`${path}.recipients`, 'name at least one recipient or recipient category', 'Name who may receive the data');
  }
  const { user, delivered } = await inviteClientAccount(ctx, { email: input.email, name: input.name, clientId }, async (tx, created) => {
    const now = tx.app.clock.now();
    const by = actorIdOf(tx);
    await insertContactRow(tx, auth, { user_id: created.id, client_id: clientId, matter_scope: input.matterScope, matter_ids: JSON.stringify(matterIds), status: 'active', invited_by: by, invited_at: now, activated_at: null, disabled_by: null, disabled_at: null });
    const sealer = await sealerForWrite(tx, auth);
    const rows: PortalConsentRequestsTable[] = requests.map((terms) => {
      const id = newId(now);
      return { id, client_id: clientId, contact_id: created.id, key_version: sealer.version, request_sealed: sealer.seal(REQUESTS_TABLE, id, 'request', JSON.stringify(terms)), status: 'pending', consent_id: null, decided_at: null, created_by: by, created_at: now };
    });
    await insertConsentRequestRows(tx, auth, rows);
    await recordEvent(tx, { action: 'portal.contact_invite', outcome: 'allowed', reason: `${rows.length}r`, resources: { clientId, userId: created.id } });
  });
  const contact = (await contactsOf(ctx, auth)).find((c) => c.id === user.id)!;
  await tellOtherContacts(ctx, auth, user.id);
  return { contact, delivered };
}

/** The client's other live contacts learn that someone new was let in (no name, no matter: a link to see who). */
async function tellOtherContacts(ctx: RequestContext, auth: ClientAuth, newcomer: string): Promise<void> {
  try {
    const others = (await findContactRowsOfClient(ctx, auth)).filter((r) => r.user_id !== newcomer && r.status === 'active' && r.activated_at !== null);
    for (const user of (await describeTargets(ctx, { userIds: others.map((r) => r.user_id) })).users.values()) {
      await ctx.app.mailer.send({ to: user.email, subject: 'Someone new can use your client portal', text: `Hello ${user.name},\n\nYour lawyers gave one more person access to your secure client portal. Sign in to see who; if you do not know them, tell your lawyers:\n\n${ctx.app.config.publicUrl}/portal\n` });
    }
  } catch (error) {
    ctx.app.logger.warn({ err: error instanceof Error ? error.name : 'unknown' }, 'new-contact notice not sent');
  }
}

async function contactsOf(ctx: RequestContext, auth: ClientAuth): Promise<ContactView[]> {
  const rows = await findContactRowsOfClient(ctx, auth);
  const labels = await describeTargets(ctx, { userIds: rows.flatMap((r) => [r.user_id, r.invited_by]), matterIds: rows.flatMap((r) => JSON.parse(r.matter_ids) as string[]) });
  const views: ContactView[] = [];
  for (const row of rows) views.push(presentContact(row, labels, await findConsentRequestRowsOfContact(ctx, auth, row.user_id)));
  return views;
}

/** The client's portal contacts. portal.manage on the client. Throws ACCESS_DENIED. */
export async function findContacts(ctx: RequestContext, clientId: ClientId): Promise<ContactView[]> {
  const auth = await requireAccess(ctx, 'portal.manage', { kind: 'client', clientId });
  return contactsOf(ctx, auth);
}

/** Disables a contact: their sessions end at once and the portal refuses them. portal.manage on their client. Throws ACCESS_DENIED. */
export async function disableContact(ctx: RequestContext, contactId: string): Promise<ContactView> {
  const auth = await requireAccess(ctx, 'portal.manage', { kind: 'object', type: 'portal_contact', id: contactId });
  // Only someone with authority over everything the contact sees (a lead of one matter does not
  // run the portal of the client's other matters).
  const contactRow = await getContactRow(ctx, auth);
  await requireAuthorityOverMatters(ctx, contactRow.client_id as ClientId, mattersOf(contactRow), 'portal.contact_disable');
  await inTransaction(ctx, async (tx) => {
    const row = await getContactRow(tx, auth);
    if (row.status === 'disabled') return;
    const now = tx.app.clock.now();
    await updateContactRow(tx, auth, row.user_id, { status: 'disabled', disabled_by: actorIdOf(tx), disabled_at: now });
    await disableClientAccount(tx, row.user_id);
    // An export they asked for and nobody approved is dropped with its sealed protection.
    await expirePendingExportsOf(tx, auth, row.user_id);
    await recordEvent(tx, { action: 'portal.contact_disable', outcome: 'allowed', resources: { clientId: row.client_id, userId: row.user_id } });
  });
  const clientAuth = await requireAccess(ctx, 'portal.manage', { kind: 'client', clientId: auth.clientId! });
  return (await contactsOf(ctx, clientAuth)).find((c) => c.id === contactId)!;
}

/**
 * Changes which matters a contact sees (all, or listed ones): effective on their next request —
 * a matter taken away is refused like any other (404, audited). Takes authority over the matters
 * before and after. Throws ACCESS_DENIED, CLIENT_WIDE_ACCESS_REQUIRED, VALIDATION_FAILED.
 */
export async function updateContactMatters(ctx: RequestContext, contactId: string, input: { matterScope: 'all' | 'listed'; matterIds?: MatterId[] }): Promise<ContactView> {
  const auth = await requireAccess(ctx, 'portal.manage', { kind: 'object', type: 'portal_contact', id: contactId });
  const row = await getContactRow(ctx, auth);
  const clientId = row.client_id as ClientId;
  const matterIds = input.matterIds ?? [];
  if (input.matterScope === 'listed' && matterIds.length === 0) throw invalid('body.matterIds', 'must list at least one matter when matterScope is listed', 'List the matters this contact may see');
  if (input.matterScope === 'all' && matterIds.length > 0) throw invalid('body.matterIds', 'must be empty when matterScope is all', 'A contact for all matters lists none');
  await requireAuthorityOverMatters(ctx, clientId, mattersOf(row), 'portal.contact_update');
  const clientsOfMatters = await requireAuthorityOverMatters(ctx, clientId, input.matterScope === 'all' ? null : matterIds, 'portal.contact_update');
  for (const [index, matterClient] of clientsOfMatters.entries()) {
    if (matterClient !== clientId) throw invalid(`body.matterIds.${index}`, "is not one of this client's matters", "A listed matter is not this client's");
  }
  await inTransaction(ctx, async (tx) => {
    await updateContactRow(tx, auth, row.user_id, { matter_scope: input.matterScope, matter_ids: JSON.stringify(matterIds) });
    await recordEvent(tx, { action: 'portal.contact_update', outcome: 'allowed', reason: input.matterScope === 'all' ? 'all' : `${matterIds.length}m`, resources: { clientId, userId: row.user_id } });
  });
  const clientAuth = await requireAccess(ctx, 'portal.manage', { kind: 'client', clientId });
  return (await contactsOf(ctx, clientAuth)).find((c) => c.id === contactId)!;
}

// ── the contact's own side ──

async function requestViews(ctx: RequestContext, auth: ClientAuth, rows: PortalConsentRequestsTable[]): Promise<ConsentRequestView[]> {
  const sealers = sealerCache(ctx, auth);
  const opened = await Promise.all(rows.map(async (row) => ({ row, terms: JSON.parse((await sealers(row.key_version)).open(REQUESTS_TABLE, row.id, 'request', row.request_sealed)) as ConsentTerms })));
  const labels = await describeTargets(ctx, { matterIds: opened.flatMap((o) => o.terms.matterIds ?? []) });
  return opened.map(({ row, terms }) => ({
    id: row.id,
    status: row.status,
    purposes: terms.purposes,
    purposeText: terms.purposeText,
    dataCategories: terms.dataCategories,
    recipients: (terms.recipients ?? []).map((r) => ({ name: r.name, email: r.email ?? null })),
    recipientCategories: terms.recipientCategories ?? [],
    channels: terms.channels,
    matterScope: terms.matterScope,
    matters: (terms.matterIds ?? []).map((id) => matterRef(labels, id)),
    validUntil: terms.validUntil ?? null,
    askedAt: Number(row.created_at),
  }));
}

export interface PortalHome {
  contact: { id: string; name: string | null; email: string | null };
  client: { id: string; name: string | null };
  matters: MatterRefView[];
  notice: NoticeView | null;
  consentRequests: ConsentRequestView[];
  unreadMessages: number;
  openFileRequests: number;
  people: { name: string | null; email: string | null; status: 'invited' | 'active'; invitedAt: number }[];
}

/** The contact's home: who they are, their matters, the notice in force, what waits for them. portal.read. The first visit marks the contact active. Throws ACCESS_DENIED. */
export async function portalHome(ctx: RequestContext): Promise<PortalHome> {
  const { auth, contact, matterIds } = await requireContact(ctx, 'portal.read');
  if (contact.activated_at === null) {
    await inTransaction(ctx, async (tx) => {
      await updateContactRow(tx, auth, contact.user_id, { activated_at: tx.app.clock.now() });
      await recordEvent(tx, { action: 'portal.contact_activate', outcome: 'allowed', resources: { clientId: auth.clientId, userId: contact.user_id } });
    });
  }
  const matters = matterIds ?? (await matterIdsOfClient(ctx, auth));
  const labels = await describeTargets(ctx, { userIds: [contact.user_id], matterIds: matters, clientIds: [auth.clientId] });
  const pending = (await findConsentRequestRowsOfContact(ctx, auth, contact.user_id)).filter((r) => r.status === 'pending');
  // The client's own people see whom the firm let into their portal (a contact the firm invited
  // without the client's knowledge is seen by the others).
  const others = (await findContactRowsOfClient(ctx, auth)).filter((r) => r.status !== 'disabled');
  const people = await describeTargets(ctx, { userIds: others.map((r) => r.user_id) });
  const user = labels.users.get(contact.user_id);
  return {
    contact: { id: contact.user_id, name: user?.name ?? null, email: user?.email ?? null },
    client: { id: auth.clientId, name: labels.clients.get(auth.clientId)?.name ?? null },
    matters: matters.map((id) => matterRef(labels, id)),
    notice: await currentNotice(ctx),
    consentRequests: await requestViews(ctx, auth, pending),
    unreadMessages: await countUnreadOfClient(ctx, auth, contact.user_id, matterIds),
    openFileRequests: (await findFileRequestRowsOfMatters(ctx, auth, matterIds)).filter((r) => r.closed_at === null).length,
    people: others.map((r) => ({ name: people.users.get(r.user_id)?.name ?? null, email: people.users.get(r.user_id)?.email ?? null, status: r.activated_at === null ? 'invited' : 'active', invitedAt: Number(r.invited_at) })),
  };
}

/**
 * The contact gives or declines a consent asked of them, on the notice they read (it must be the
 * one in force). Given: recorded in the consent ledger as their own click (evidence portal_click,
 * the notice's SHA-256). portal.write on the request (only the contact it was asked of). Throws
 * ACCESS_DENIED, CONFLICT (decided already), VALIDATION_FAILED (notice), KEY_DESTROYED, SEALED.
 */
export async function decideConsentRequest(ctx: RequestContext, requestId: string, input: { decision: 'give' | 'decline'; noticeId: string }): Promise<{ request: ConsentRequestView; consent: ConsentView | null }> {
  const { auth: clientAuth } = await requireContact(ctx, 'portal.write');
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'portal.write', { kind: 'object', type: 'portal_consent_request', id: requestId });
    const row = await getConsentRequestRow(tx, auth);
    if (row.status !== 'pending') throw await auditedRefusal(tx, new AppError('CONFLICT', 'You already answered this request'), { action: 'portal.consent_decide', reason: 'ALREADY_DECIDED', resources: { clientId: row.client_id, other: { type: 'portal_consent_request', id: row.id } } });
    const notice = await currentNotice(tx);
    if (!notice || notice.id !== input.noticeId) throw invalid('body.noticeId', 'is not the notice in force', 'The notice changed since you read it; read the current one');
    const [view] = await requestViews(tx, clientAuth, [row]);
    let consent: ConsentView | null = null;
    const now = tx.app.clock.now();
    if (input.decision === 'give') {
      const terms = JSON.parse((await sealerCache(tx, clientAuth)(row.key_version)).open(REQUESTS_TABLE, row.id, 'request', row.request_sealed)) as ConsentTerms;
      consent = await recordClientConsent(tx, row.client_id as ClientId, { ...terms, noticeId: notice.id });
    } else {
      await recordEvent(tx, { action: 'portal.consent_decline', outcome: 'allowed', resources: { clientId: row.client_id, other: { type: 'portal_consent_request', id: row.id } } });
    }
    if (!(await decideConsentRequestRow(tx, auth, input.decision === 'give' ? 'given' : 'declined', consent?.id ?? null, now))) throw new AppError('CONFLICT', 'You already answered this request');
    return { request: { ...view!, status: input.decision === 'give' ? 'given' : 'declined' }, consent };
  });
}
