/**
 * What no incumbent shows a client: who at the firm can open their data today (names and roles of
 * team members and client-wide grant holders; screened people are cut by the walls, as in the
 * firm's own report), who did (from the audit log, each entry with its index and leaf hash so the
 * browser checks its inclusion proof against the signed checkpoint), their consents (withdrawn in
 * one click) and the disclosures made of their data (never one under a gag order).
 */
import { auditedRefusal, couldAccessNow, describeTargets } from '../../access/index.js';
import { AppError } from '../../platform/errors.js';
import { readClientTrail, recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { findConsents, findDisclosuresForClient, withdrawConsent, type ConsentView } from '../consent/index.js';
import { documentSummariesOfClient } from '../vault/index.js';
import { findContactRowsOfClient, findDocumentIdsShownTo } from './portal.repository.js';
import { matterRef, nameOf, requireContact } from './portal.support.js';

/** What a client is told was done with their data: reads and changes of it, not decisions or lists. */
const HANDLING_ACTIONS = [
  'client.read',
  'client.update',
  'client.export',
  'matter.read',
  'matter.update',
  'document.read',
  'document.write',
  'document.upload',
  'document.version',
  'document.classify',
  'document.trash',
  'document.portal_share',
  'note.read',
  'note.write',
  'record.read',
  'record.write',
  'consent.record',
  'consent.withdraw',
  // Not disclosure.execute: a disclosure under a gag order must not be told this way; the
  // client's disclosures page shows the others.
  'message.send',
  'message.read',
];

/** People at the firm who can open the contact's data now, with how. portal.read. Throws ACCESS_DENIED. */
export async function whoCanAccess(ctx: RequestContext) {
  const { auth, matterIds } = await requireContact(ctx, 'portal.read');
  const report = await couldAccessNow(ctx, auth);
  const labels = await describeTargets(ctx, { userIds: report.people.map((p) => p.userId), matterIds: report.people.flatMap((p) => p.periods.map((x) => x.matterId)) });
  const items = report.people
    .map((person) => ({
      userId: person.userId,
      name: person.name,
      access: person.periods
        .filter((p) => p.matterId === null || matterIds === null || matterIds.includes(p.matterId))
        .map((p) => ({ basis: p.basis, role: p.role, matter: p.matterId ? matterRef(labels, p.matterId) : null })),
    }))
    .filter((p) => p.access.length > 0);
  await recordEvent(ctx, { action: 'portal.people_read', outcome: 'allowed', resources: { clientId: auth.clientId, other: { type: 'result_count', id: String(items.length) } } });
  return items;
}

/** Who did what with the contact's data, newest first, 100 a page. portal.read. Throws ACCESS_DENIED. */
export async function activity(ctx: RequestContext, before?: number) {
  const { auth, contact, matterIds } = await requireContact(ctx, 'portal.read');
  // The client's own contacts are not "the firm": their actions are theirs.
  const contacts = (await findContactRowsOfClient(ctx, auth)).map((c) => c.user_id);
  const { entries, next } = await readClientTrail(ctx, auth.clientId, { actions: HANDLING_ACTIONS, excludeActorIds: contacts, limit: 100, ...(before !== undefined ? { before } : {}) });
  const reaches = (matterId: string | null) => matterId === null || matterIds === null || matterIds.includes(matterId);
  // A document's name only when the portal shows it to this contact; an entry about a document
  // of a matter they do not reach is theirs to know nothing of.
  const summaries = new Map((await documentSummariesOfClient(ctx, auth, entries.flatMap((e) => (e.documentId ? [e.documentId] : [])))).map((d) => [d.id, d]));
  const shownIds = await findDocumentIdsShownTo(ctx, auth, contact.user_id, matterIds);
  const shownToThem = new Set([...shownIds.shared, ...shownIds.uploaded, ...shownIds.attached]);
  const shown = entries.filter((e) => reaches(e.matterId) && (e.documentId === null || (summaries.has(e.documentId) ? reaches(summaries.get(e.documentId)!.matterId) : matterIds === null)));
  const labels = await describeTargets(ctx, { userIds: shown.map((e) => e.actorId), matterIds: shown.map((e) => e.matterId) });
  const documents = new Map([...summaries.values()].filter((d) => shownToThem.has(d.id)).map((d) => [d.id, d.name]));
  await recordEvent(ctx, { action: 'portal.activity_read', outcome: 'allowed', resources: { clientId: auth.clientId, other: { type: 'result_count', id: String(shown.length) } } });
  return {
    items: shown.map((e) => ({ index: e.index, leafHash: e.leafHash, at: e.at, person: nameOf(labels, e.actorId), action: e.action, matter: e.matterId ? matterRef(labels, e.matterId) : null, document: e.documentId ? (documents.get(e.documentId) ?? null) : null })),
    next,
  };
}

/** Whether a consent concerns the contact's matters (one for all matters concerns every contact). */
const concerns = (consent: ConsentView, matterIds: string[] | null) => matterIds === null || consent.matterScope === 'all' || consent.matters.some((m) => matterIds.includes(m.id));
/** Whether the contact speaks for everything the consent covers (only then may they withdraw it). */
const speaksFor = (consent: ConsentView, matterIds: string[] | null) => matterIds === null || (consent.matterScope === 'listed' && consent.matters.every((m) => matterIds.includes(m.id)));

/** As the portal shows a consent: no recording address (it may be a staff member's or another contact's). */
const portalView = (consent: ConsentView): ConsentView => ({ ...consent, recordedIp: null });

/** The client's consents that concern the contact's matters. portal.read. Throws ACCESS_DENIED. */
export async function portalConsents(ctx: RequestContext): Promise<ConsentView[]> {
  const { auth, matterIds } = await requireContact(ctx, 'portal.read');
  return (await findConsents(ctx, auth.clientId, 'portal.read')).filter((c) => concerns(c, matterIds)).map(portalView);
}

/**
 * Withdraws a consent of the client in one click, effective at once — one the contact speaks for
 * entirely (a contact limited to some matters cannot withdraw one covering others: 404, audited).
 * portal.write. Throws ACCESS_DENIED, CONSENT_WITHDRAWN.
 */
export async function withdrawPortalConsent(ctx: RequestContext, consentId: string): Promise<ConsentView> {
  const { auth, matterIds } = await requireContact(ctx, 'portal.write');
  const consent = (await findConsents(ctx, auth.clientId, 'portal.read')).find((c) => c.id === consentId);
  if (consent && !speaksFor(consent, matterIds)) {
    throw await auditedRefusal(ctx, new AppError('ACCESS_DENIED', 'Not found'), { action: 'consent.withdraw', reason: 'PORTAL_SCOPE', resources: { clientId: auth.clientId, other: { type: 'consent', id: consentId } } });
  }
  return portalView(await withdrawConsent(ctx, consentId, 'portal.write'));
}

/** Disclosures of the contact's data (executed, on their matters, never gag-ordered). portal.read. Throws ACCESS_DENIED. */
export async function portalDisclosures(ctx: RequestContext) {
  const { auth, matterIds } = await requireContact(ctx, 'portal.read');
  const views = await findDisclosuresForClient(ctx, auth.clientId, matterIds);
  return views.map((d) => ({
    id: d.id,
    matter: d.matter,
    recipient: d.recipient.name,
    recipientCategory: d.recipient.category,
    purpose: d.purpose,
    channel: d.channel,
    basis: d.basis.kind,
    consentId: d.basis.consentId,
    executedAt: d.executedAt,
    status: d.status,
    items: d.items.length,
  }));
}
