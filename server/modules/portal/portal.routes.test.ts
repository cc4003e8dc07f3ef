/**
 * The client portal from both sides (issue 16): a lead invites a contact; the contact's session
 * (second factor always) reaches only their own client, their matters and what is shown to them;
 * messages with attachments and read receipts; file requests; documents shared and unshared; the
 * consents asked at onboarding given by a click on the notice in force; who can and who did
 * access, each entry provable in the log; and the attacker's side — another client, another
 * matter, staff-only items, a staff session on the portal and the reverse, a disabled contact,
 * replayed decisions — each refused with the same 404 and audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyInclusion } from '../../audit/merkle.js';
import { ageChecker } from '../../test-support/age-check.js';
import type { ManualClock } from '../../platform/clock.js';
import { EXPORT_ARCHIVE_LIFETIME_MS, sweepPortalExports } from './exports.service.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildDocument, buildMatter, buildPortalContact, buildSession, buildUser, buildWall, type BuiltMatter, type BuiltPortalContact, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';

type Headers = Record<string, string>;
const PASSPHRASE = 'a passphrase the client chose 9';
const NOTE_BODY = 'Internal: the client may not know of the second valuation';

describe.each(DIALECTS)('client portal on %s', (dialect) => {
  let instance: TestInstance;
  let matter: BuiltMatter;
  let otherMatter: BuiltMatter;
  let contact: BuiltPortalContact;
  let limited: BuiltPortalContact;
  let stranger: BuiltPortalContact;
  let compliance: BuiltUser;
  let noticeId: string;

  const api = (method: 'GET' | 'POST' | 'PUT', url: string, headers: Headers = {}, payload?: unknown) =>
    instance.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload !== undefined ? { payload: payload as string } : {}) });
  const upload = (url: string, headers: Headers, name: string, content: string) =>
    instance.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: { ...headers, 'content-type': 'application/octet-stream', 'x-document-name': Buffer.from(name, 'utf8').toString('base64url') }, payload: Buffer.from(content, 'utf8') });
  const denials = async (actorId: string, action: string) =>
    instance.services.database.db.selectFrom('audit_event').select(['action', 'reason']).where('actor_id', '=', actorId).where('action', '=', action).where('outcome', '=', 'denied').execute();

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    compliance = await buildUser(instance, { role: 'compliance_officer' });
    const section = 'How the firm handles your data.';
    const notice = await api('POST', '/notices', compliance.headers, { title: 'How we handle your data', content: { collected: section, purposes: section, recipients: section, protection: section, retention: section, rights: section } });
    noticeId = notice.json().id as string;
    expect((await api('POST', `/notices/${noticeId}/publish`, compliance.headers)).statusCode).toBe(200);
    matter = await buildMatter(instance, { title: 'Estate of Ada' });
    otherMatter = await buildMatter(instance, { client: matter.client, lead: matter.lead, title: 'Private second matter' });
    contact = await buildPortalContact(instance, {
      matter,
      input: {
        consentRequests: [
          { purposes: ['litigation'], purposeText: 'Share the file with the court expert', dataCategories: ['documents'], recipientCategories: ['expert'], channels: ['secure_link'], matterScope: 'listed', matterIds: [matter.id] },
          { purposes: ['insurance_claim'], purposeText: 'Tell the insurer', dataCategories: ['documents'], recipientCategories: ['insurer'], channels: ['secure_link'], matterScope: 'all' },
        ],
      },
    });
    limited = await buildPortalContact(instance, { matter, matterScope: 'listed' });
    stranger = await buildPortalContact(instance);
  });
  afterAll(async () => {
    await instance?.close();
  });

  it('invites a contact: 401 without a session, 400 naming the field, 404 for an attorney off the client, the mail holds only the link', async () => {
    expect((await api('POST', `/clients/${matter.clientId}/portal-invitations`, {}, { email: 'a@client.example', name: 'A', matterScope: 'all' })).statusCode).toBe(401);
    const bad = await api('POST', `/clients/${matter.clientId}/portal-invitations`, matter.lead.headers, { email: 'not-an-email', name: 'A', matterScope: 'all' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields[0].path).toBe('body.email');
    const foreign = await api('POST', `/clients/${matter.clientId}/portal-invitations`, matter.lead.headers, { email: 'b@client.example', name: 'B', matterScope: 'listed', matterIds: [stranger.matter.id] });
    expect(foreign.statusCode).toBe(404);
    const outsider = await buildUser(instance, { role: 'attorney' });
    const refused = await api('POST', `/clients/${matter.clientId}/portal-invitations`, outsider.headers, { email: 'c@client.example', name: 'C', matterScope: 'all' });
    expect(refused.statusCode).toBe(404);
    const unknown = await api('POST', `/clients/00000000-0000-4000-8000-00000000abcd/portal-invitations`, outsider.headers, { email: 'c@client.example', name: 'C', matterScope: 'all' });
    expect({ ...refused.json().error, requestId: null }).toEqual({ ...unknown.json().error, requestId: null });
    expect((await denials(outsider.id, 'portal.manage')).length).toBeGreaterThanOrEqual(2);
    const listed = (await api('GET', `/clients/${matter.clientId}/portal-contacts`, matter.lead.headers)).json().items as { id: string; status: string; matterScope: string; consentRequests: unknown[] }[];
    expect(listed.find((c) => c.id === contact.id)).toMatchObject({ status: 'invited', matterScope: 'all' });
    expect(listed.find((c) => c.id === contact.id)!.consentRequests).toHaveLength(2);
    expect(listed.find((c) => c.id === limited.id)!.matterScope).toBe('listed');
  });

  it('always needs the second factor, and the home shows the client, the matters and the consents asked', async () => {
    const noFactor = await buildSession(instance, { id: contact.id }, { mfa: false });
    const refused = await api('GET', '/portal/home', noFactor.headers);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('MFA_REQUIRED');
    const home = await api('GET', '/portal/home', contact.headers);
    expect(home.statusCode).toBe(200);
    const body = home.json();
    expect(body.client.name).toBe(matter.client.name);
    expect(body.matters.map((m: { title: string }) => m.title).sort()).toEqual(['Estate of Ada', 'Private second matter']);
    expect(body.notice.id).toBe(noticeId);
    expect(body.consentRequests.map((r: { purposeText: string }) => r.purposeText)).toEqual(['Share the file with the court expert', 'Tell the insurer']);
    expect(body.people.map((p: { email: string }) => p.email)).toEqual(expect.arrayContaining([contact.email, limited.email]));
    expect(body.people.map((p: { email: string }) => p.email)).not.toContain(stranger.email);
    const limitedHome = (await api('GET', '/portal/home', limited.headers)).json();
    expect(limitedHome.matters.map((m: { title: string }) => m.title)).toEqual(['Estate of Ada']);
    const listed = (await api('GET', `/clients/${matter.clientId}/portal-contacts`, matter.lead.headers)).json().items as { id: string; status: string }[];
    expect(listed.find((c) => c.id === contact.id)!.status).toBe('active');
  });

  it('records a consent given by a click on the notice in force, refuses a stale notice and a replay', async () => {
    const pending = (await api('GET', '/portal/home', contact.headers)).json().consentRequests as { id: string }[];
    const stale = await api('POST', `/portal/consent-requests/${pending[0]!.id}`, contact.headers, { decision: 'give', noticeId: '00000000-0000-4000-8000-000000000001' });
    expect(stale.statusCode).toBe(400);
    expect(stale.json().error.fields[0].path).toBe('body.noticeId');
    const given = await api('POST', `/portal/consent-requests/${pending[0]!.id}`, contact.headers, { decision: 'give', noticeId });
    expect(given.statusCode).toBe(200);
    expect(given.json().consent).toMatchObject({ evidence: { kind: 'portal_click', documentId: null }, notice: { id: noticeId }, recordedBy: contact.id, status: 'active' });
    expect((await api('POST', `/portal/consent-requests/${pending[0]!.id}`, contact.headers, { decision: 'decline', noticeId })).statusCode).toBe(409);
    // Another contact of the same client cannot answer what was asked of this one.
    expect((await api('POST', `/portal/consent-requests/${pending[1]!.id}`, limited.headers, { decision: 'give', noticeId })).statusCode).toBe(404);
    expect((await api('POST', `/portal/consent-requests/${pending[1]!.id}`, contact.headers, { decision: 'decline', noticeId })).statusCode).toBe(200);
    const ledger = (await api('GET', `/clients/${matter.clientId}/consents`, matter.lead.headers)).json().items as { id: string; evidence: { kind: string } }[];
    expect(ledger.find((c) => c.id === given.json().consent.id)!.evidence.kind).toBe('portal_click');
    const mine = (await api('GET', '/portal/consents', contact.headers)).json().items as { id: string }[];
    expect(mine.map((c) => c.id)).toContain(given.json().consent.id);
    const withdrawn = await api('POST', `/portal/consents/${given.json().consent.id}/withdraw`, contact.headers);
    expect(withdrawn.statusCode).toBe(200);
    expect(withdrawn.json().status).toBe('withdrawn');
    expect((await api('POST', `/portal/consents/${given.json().consent.id}/withdraw`, stranger.headers)).statusCode).toBe(404);
  });

  it('exchanges messages with an attachment, stored as text, with read receipts, and mails no content', async () => {
    const file = await upload(`/portal/matters/${matter.id}/uploads`, contact.headers, 'bank statement.pdf', 'statement bytes');
    expect(file.statusCode, file.body).toBe(201);
    const body = '<img src=x onerror=alert(1)> Please see the statement';
    const started = await api('POST', `/portal/matters/${matter.id}/threads`, contact.headers, { subject: 'Statement', body, attachmentIds: [file.json().id] });
    expect(started.statusCode).toBe(201);
    const threadId = started.json().thread.id as string;
    const staffList = (await api('GET', `/matters/${matter.id}/threads`, matter.lead.headers)).json().items as { id: string; subject: string; unread: number }[];
    expect(staffList.find((t) => t.id === threadId)).toMatchObject({ subject: 'Statement', unread: 1 });
    const opened = (await api('GET', `/threads/${threadId}`, matter.lead.headers)).json();
    expect(opened.messages[0].body).toBe(body);
    expect(opened.messages[0].attachments[0].name).toBe('bank statement.pdf');
    const reply = await api('POST', `/threads/${threadId}/messages`, matter.lead.headers, { body: 'Received, thank you.' });
    expect(reply.statusCode).toBe(201);
    const seen = (await api('GET', `/portal/threads/${threadId}`, contact.headers)).json();
    expect(seen.messages[0].readBy.map((r: { userId: string }) => r.userId), JSON.stringify(seen.messages)).toEqual([matter.lead.id]);
    expect(seen.messages[1].body).toBe('Received, thank you.');
    // The contact downloads their own upload; a contact limited to the matter sees the thread's attachment too; a stranger nothing.
    expect((await api('GET', `/portal/documents/${file.json().id}/content`, contact.headers)).body).toBe('statement bytes');
    expect((await api('GET', `/portal/documents/${file.json().id}/content`, limited.headers)).statusCode).toBe(200);
    expect((await api('GET', `/portal/threads/${threadId}`, stranger.headers)).statusCode).toBe(404);
    expect((await api('POST', `/portal/threads/${threadId}/messages`, stranger.headers, { body: 'injected' })).statusCode).toBe(404);
    // A contact may attach only their own uploads, not a staff-only document of the matter.
    const internal = await buildDocument(instance, { matter, name: 'Internal strategy memo.txt' });
    const smuggled = await api('POST', `/portal/threads/${threadId}/messages`, contact.headers, { body: 'x', attachmentIds: [internal.id] });
    expect(smuggled.statusCode).toBe(400);
    expect(smuggled.json().error.fields[0].path).toBe('body.attachmentIds.0');
    const outbox = instance.config.mail.outboxDir;
    const { readdirSync, readFileSync, existsSync } = await import('node:fs');
    const mails = existsSync(outbox) ? readdirSync(outbox).map((f) => readFileSync(`${outbox}/${f}`, 'utf8')) : [];
    const notices = mails.filter((m) => m.includes('new message'));
    expect(notices.length).toBeGreaterThan(0);
    for (const mail of notices) {
      expect(mail).not.toContain('Received, thank you');
      expect(mail).not.toContain('statement');
      expect(mail).not.toContain('Estate of Ada');
    }
  });

  it('keeps staff-only data, other matters and other clients out of reach (404, audited), and the staff API closed to contacts', async () => {
    const internal = await buildDocument(instance, { matter, name: 'Internal note.txt' });
    const missing = await api('GET', `/portal/documents/00000000-0000-4000-8000-000000000009/content`, contact.headers);
    const hidden = await api('GET', `/portal/documents/${internal.id}/content`, contact.headers);
    expect(hidden.statusCode).toBe(404);
    expect({ ...hidden.json().error, requestId: null }).toEqual({ ...missing.json().error, requestId: null });
    expect((await denials(contact.id, 'portal.read')).length).toBeGreaterThan(0);
    // Their matter list through the staff API, a note, the matter itself: refused like a missing id.
    const ownThread = (await api('GET', '/portal/threads', contact.headers)).json().items[0].id as string;
    for (const url of [`/clients/${matter.clientId}`, `/matters/${matter.id}`, `/matters/${matter.id}/documents`, `/matters/${matter.id}/threads`, `/threads/${ownThread}`, `/documents/${internal.id}`, `/clients/${matter.clientId}/portal-contacts`]) {
      const response = await api('GET', url, contact.headers);
      expect([403, 404], url).toContain(response.statusCode);
    }
    // A contact limited to one matter does not reach the other; another client's contact reaches neither.
    expect((await api('POST', `/portal/matters/${otherMatter.id}/threads`, limited.headers, { subject: 's', body: 'b' })).statusCode).toBe(404);
    expect((await upload(`/portal/matters/${otherMatter.id}/uploads`, limited.headers, 'x.txt', 'x')).statusCode).toBe(404);
    expect((await api('POST', `/portal/matters/${matter.id}/threads`, stranger.headers, { subject: 's', body: 'b' })).statusCode).toBe(404);
    // A staff session on the portal is refused; so is the lead.
    expect((await api('GET', '/portal/home', matter.lead.headers)).statusCode).toBe(404);
    expect((await api('GET', '/portal/threads', matter.lead.headers)).statusCode).toBe(404);
  });

  it('the team reads the messages; a paralegal screened by a wall never does, nor one removed from the team (404, audited)', async () => {
    // A matter of its own: a wall asks everyone on it to acknowledge its memo.
    const screened = await buildMatter(instance, { client: matter.client, lead: matter.lead, title: 'Screened matter' });
    const thread = (await api('POST', `/matters/${screened.id}/threads`, matter.lead.headers, { subject: 'Plan', body: 'Our plan' })).json().thread.id as string;
    const paralegal = await buildUser(instance, { role: 'paralegal' });
    const removed = await buildUser(instance, { role: 'paralegal' });
    for (const member of [paralegal, removed]) {
      const seat = await instance.app.inject({ method: 'PUT', url: `/api/v1/matters/${screened.id}/team/${member.id}`, headers: matter.lead.headers, payload: { role: 'paralegal' } });
      expect(seat.statusCode, seat.body).toBe(200);
    }
    expect((await api('GET', `/threads/${thread}`, paralegal.headers)).statusCode).toBe(200);
    expect((await instance.app.inject({ method: 'DELETE', url: `/api/v1/matters/${screened.id}/team/${removed.id}`, headers: matter.lead.headers })).statusCode).toBe(204);
    expect((await api('GET', `/threads/${thread}`, removed.headers)).statusCode).toBe(404);
    await buildWall(instance, { matter: { matterId: screened.id, clientId: screened.clientId }, members: [paralegal] });
    expect((await api('GET', `/matters/${screened.id}/threads`, paralegal.headers)).statusCode).toBe(404);
    expect((await api('GET', `/threads/${thread}`, paralegal.headers)).statusCode).toBe(404);
    expect((await api('POST', `/threads/${thread}/messages`, paralegal.headers, { body: 'still here?' })).statusCode).toBe(404);
    expect((await denials(paralegal.id, 'message.read')).map((d) => d.reason)).toContain('WALL');
  });

  it('shares a document with one contact, and ending the share ends the download at once', async () => {
    const doc = await buildDocument(instance, { matter, name: 'Signed deed.pdf', content: 'deed' });
    expect((await api('GET', `/portal/documents/${doc.id}/content`, contact.headers)).statusCode).toBe(404);
    const badContact = await api('POST', `/documents/${doc.id}/portal-shares`, matter.lead.headers, { contactId: stranger.id });
    expect(badContact.statusCode).toBe(400);
    expect(badContact.json().error.fields[0].path).toBe('body.contactId');
    const share = await api('POST', `/documents/${doc.id}/portal-shares`, matter.lead.headers, { contactId: contact.id });
    expect(share.statusCode).toBe(201);
    expect((await api('POST', `/documents/${doc.id}/portal-shares`, matter.lead.headers, { contactId: contact.id })).statusCode).toBe(409);
    const listed = (await api('GET', '/portal/documents', contact.headers)).json().items as { id: string; source: string; name: string }[];
    expect(listed.find((d) => d.id === doc.id)).toMatchObject({ source: 'shared', name: 'Signed deed.pdf' });
    expect((await api('GET', `/portal/documents/${doc.id}/content`, contact.headers)).body).toBe('deed');
    // Shared with one contact, not with the client's other contacts.
    expect((await api('GET', `/portal/documents/${doc.id}/content`, limited.headers)).statusCode).toBe(404);
    expect((await api('POST', `/documents/${doc.id}/portal-shares/${share.json().id}/revoke`, matter.lead.headers)).statusCode).toBe(200);
    expect((await api('GET', `/portal/documents/${doc.id}/content`, contact.headers)).statusCode).toBe(404);
  });

  it('asks for files: the contact uploads into the request, the team sees it, a closed request refuses more', async () => {
    const created = await api('POST', `/matters/${matter.id}/file-requests`, matter.lead.headers, { title: 'Your bank statements for 2025' });
    expect(created.statusCode).toBe(201);
    const requestId = created.json().id as string;
    const mine = (await api('GET', '/portal/file-requests', contact.headers)).json().items as { id: string; title: string }[];
    expect(mine.find((r) => r.id === requestId)!.title).toBe('Your bank statements for 2025');
    expect((await upload(`/portal/matters/${matter.id}/uploads?fileRequestId=${requestId}`, contact.headers, 'january.pdf', 'jan')).statusCode).toBe(201);
    expect((await upload(`/portal/matters/${matter.id}/uploads?fileRequestId=${requestId}`, stranger.headers, 'evil.pdf', 'x')).statusCode).toBe(404);
    const staffView = (await api('GET', `/matters/${matter.id}/file-requests`, matter.lead.headers)).json().items as { id: string; uploads: { name: string; uploadedBy: string }[] }[];
    expect(staffView.find((r) => r.id === requestId)!.uploads).toEqual([expect.objectContaining({ name: 'january.pdf', uploadedBy: contact.id })]);
    expect((await api('POST', `/file-requests/${requestId}/close`, matter.lead.headers)).statusCode).toBe(200);
    expect((await upload(`/portal/matters/${matter.id}/uploads?fileRequestId=${requestId}`, contact.headers, 'february.pdf', 'feb')).statusCode).toBe(409);
  });

  it('shows who can open the data and who did, each entry provable against the signed checkpoint', async () => {
    const doc = await buildDocument(instance, { matter, name: 'Valuation.pdf' });
    expect((await api('POST', `/documents/${doc.id}/portal-shares`, matter.lead.headers, { contactId: contact.id })).statusCode).toBe(201);
    expect((await api('GET', `/documents/${doc.id}/content`, matter.lead.headers)).statusCode).toBe(200);
    const people = (await api('GET', '/portal/people', contact.headers)).json().items as { userId: string; name: string; access: { basis: string }[] }[];
    expect(people.find((p) => p.userId === matter.lead.id)!.name).toBe(matter.lead.name);
    const activity = (await api('GET', '/portal/activity', contact.headers)).json().items as { index: number; leafHash: string; person: string; action: string; document: string | null }[];
    const read = activity.find((e) => e.action === 'document.read' && e.document === 'Valuation.pdf');
    expect(read?.person).toBe(matter.lead.name);
    // Nothing the contact did themselves, nothing of another client.
    expect(activity.some((e) => e.person === contact.name)).toBe(false);
    expect((await api('GET', '/portal/activity', stranger.headers)).json().items.some((e: { document: string | null }) => e.document === 'Valuation.pdf')).toBe(false);
    const checkpoint = (await api('POST', '/audit/checkpoints', compliance.headers)).json() as { size: number; rootHash: string };
    const proof = (await api('GET', `/audit/proofs/inclusion?index=${read!.index}&treeSize=${checkpoint.size}`, contact.headers)).json() as { leafHash: string; proof: string[]; rootHash: string };
    expect(proof.leafHash).toBe(read!.leafHash);
    const b = (s: string) => Buffer.from(s, 'base64');
    expect(verifyInclusion(b(read!.leafHash), read!.index, checkpoint.size, proof.proof.map(b), b(checkpoint.rootHash))).toBe(true);
  });

  it('shows a matter-limited contact nothing of the other matter in the activity, and names only documents shown to them', async () => {
    const elsewhere = await buildDocument(instance, { matter: otherMatter, name: 'Other matter valuation.pdf' });
    const internal = await buildDocument(instance, { matter, name: 'Internal costing.pdf' });
    for (const id of [elsewhere.id, internal.id]) expect((await api('GET', `/documents/${id}/content`, matter.lead.headers)).statusCode).toBe(200);
    type Entry = { action: string; document: string | null; matter: { id: string } | null };
    const theirs = (await api('GET', '/portal/activity', limited.headers)).json().items as Entry[];
    expect(theirs.some((e) => e.matter?.id === otherMatter.id)).toBe(false);
    expect(theirs.some((e) => e.document === 'Other matter valuation.pdf' || e.document === 'Internal costing.pdf')).toBe(false);
    // The all-matters contact sees that the internal document was opened, without its name.
    const all = (await api('GET', '/portal/activity', contact.headers)).json().items as Entry[];
    expect(all.some((e) => e.action === 'document.read' && e.matter?.id === otherMatter.id && e.document === null)).toBe(true);
    expect(all.some((e) => e.action === 'disclosure.execute')).toBe(false);
  });

  it('lets only a contact who speaks for all of a consent withdraw it, and never shows where it was recorded from', async () => {
    const form = await buildDocument(instance, { matter, name: 'Signed form.pdf' });
    const recorded = await api('POST', `/clients/${matter.clientId}/consents`, matter.lead.headers, {
      purposes: ['litigation'], purposeText: 'For the court', dataCategories: ['documents'], recipientCategories: ['court'], channels: ['secure_link'], matterScope: 'all', noticeId, evidence: { kind: 'signed_form', documentId: form.id },
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    const id = recorded.json().id as string;
    const seen = ((await api('GET', '/portal/consents', limited.headers)).json().items as { id: string; recordedIp: string | null }[]).find((c) => c.id === id);
    expect(seen?.recordedIp).toBeNull();
    expect((await api('POST', `/portal/consents/${id}/withdraw`, limited.headers)).statusCode).toBe(404);
    expect((await denials(limited.id, 'consent.withdraw')).map((d) => d.reason)).toContain('PORTAL_SCOPE');
    expect((await api('POST', `/portal/consents/${id}/withdraw`, contact.headers)).json().status).toBe('withdrawn');
  });

  it('exports a limited contact\'s data once the lead approves with a fresh factor: age-encrypted, only their matters', async () => {
    expect((await api('POST', `/matters/${matter.id}/notes`, matter.lead.headers, { title: 'Valuation', body: NOTE_BODY })).statusCode).toBe(201);
    const short = await api('POST', '/portal/export-requests', limited.headers, { passphrase: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.fields[0].path).toBe('body.passphrase');
    const asked = await api('POST', '/portal/export-requests', limited.headers, { passphrase: PASSPHRASE });
    expect(asked.statusCode).toBe(201);
    expect(asked.json()).toMatchObject({ status: 'pending', protection: 'passphrase' });
    expect((await api('POST', '/portal/export-requests', limited.headers, { passphrase: PASSPHRASE })).statusCode).toBe(409);
    const id = asked.json().id as string;
    // Not downloadable before approval; not anyone else's to approve or download.
    expect((await api('GET', `/portal/export-requests/${id}/archive`, limited.headers)).statusCode).toBe(409);
    expect((await api('GET', `/portal/export-requests/${id}/archive`, contact.headers)).statusCode).toBe(404);
    const outsider = await buildUser(instance, { role: 'attorney' });
    expect((await api('POST', `/export-requests/${id}/approve`, outsider.headers)).statusCode).toBe(404);
    // The lead's token alone is not a fresh factor.
    expect((await api('POST', `/export-requests/${id}/approve`, matter.lead.headers)).json().error.code).toBe('STEP_UP_REQUIRED');
    const fresh = await buildSession(instance, matter.lead);
    const approved = await api('POST', `/export-requests/${id}/approve`, fresh.headers);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().status).toBe('ready');
    const stored = await instance.services.database.db.selectFrom('portal_export_requests').select(['protection_sealed']).where('id', '=', id).executeTakeFirst();
    expect(stored?.protection_sealed).toBeNull();
    const archive = await api('GET', `/portal/export-requests/${id}/archive`, limited.headers);
    expect(archive.statusCode).toBe(200);
    const tar = (await ageChecker().decryptWithPassphrase(archive.rawPayload, PASSPHRASE)).toString('latin1');
    expect(tar).toContain('confidant-portal-export/v1');
    // What the portal shows them: the statement attached on their matter's thread, the thread itself.
    expect(tar).toContain('bank statement.pdf');
    expect(tar).toContain('statement bytes');
    expect(tar).toContain('Received, thank you.');
    // Nothing of the firm's own: no note, no internal document, nothing of the other matter.
    expect(tar).not.toContain(NOTE_BODY);
    expect(tar).not.toContain('Internal strategy memo');
    expect(tar).not.toContain('Private second matter');
    expect((await api('GET', '/portal/export-requests', limited.headers)).json().items[0].downloads).toBe(1);
    expect((await api('GET', `/clients/${matter.clientId}/export-requests`, matter.lead.headers)).json().items.map((r: { id: string }) => r.id)).toContain(id);
  });

  it('never lets a contact mint an API token (a credential that would outlive their session)', async () => {
    const minted = await api('POST', '/auth/tokens', contact.headers, { name: 'script', scopes: ['api'], expiresInDays: 1 });
    expect(minted.statusCode).toBe(403);
    expect(minted.json().error.code).toBe('FORBIDDEN');
    expect((await api('GET', '/auth/tokens', contact.headers)).json().tokens).toEqual([]);
  });

  it('takes a matter away from a contact: refused on their next request, like a matter never theirs (404, audited)', async () => {
    const mover = await buildPortalContact(instance, { matter });
    const thread = (await api('POST', `/portal/matters/${otherMatter.id}/threads`, mover.headers, { subject: 'About the second matter', body: 'Hello' })).json().thread.id as string;
    expect((await api('GET', `/portal/threads/${thread}`, mover.headers)).statusCode).toBe(200);
    const bad = await api('PUT', `/portal-contacts/${mover.id}/matters`, matter.lead.headers, { matterScope: 'listed', matterIds: [] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields[0].path).toBe('body.matterIds');
    const changed = await api('PUT', `/portal-contacts/${mover.id}/matters`, matter.lead.headers, { matterScope: 'listed', matterIds: [matter.id] });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().matterScope).toBe('listed');
    const refused = await api('GET', `/portal/threads/${thread}`, mover.headers);
    expect(refused.statusCode).toBe(404);
    expect((await api('POST', `/portal/matters/${otherMatter.id}/threads`, mover.headers, { subject: 's', body: 'b' })).statusCode).toBe(404);
    expect((await api('GET', '/portal/home', mover.headers)).json().matters.map((m: { id: string }) => m.id)).toEqual([matter.id]);
    expect((await denials(mover.id, 'portal.read')).length).toBeGreaterThan(0);
  });

  it("tells the client's active contacts, without a name, when the firm lets someone new in", async () => {
    const { readdirSync, readFileSync, existsSync } = await import('node:fs');
    const outbox = instance.config.mail.outboxDir;
    const before = new Set(existsSync(outbox) ? readdirSync(outbox) : []);
    const newcomer = await buildPortalContact(instance, { matter, input: { name: 'Nina Newcomer' } });
    const mails = readdirSync(outbox).filter((f) => !before.has(f)).map((f) => readFileSync(`${outbox}/${f}`, 'utf8')).filter((m) => m.includes('Someone new can use your client portal'));
    expect(mails.some((m) => m.startsWith(`To: ${contact.email}`))).toBe(true);
    for (const mail of mails) expect(mail).not.toContain('Nina Newcomer');
    expect(mails.some((m) => m.startsWith(`To: ${newcomer.email}`))).toBe(false);
  });

  it('disabling a contact ends their session at once; only someone with authority over all they see may', async () => {
    const leaving = await buildPortalContact(instance, { matter });
    expect((await api('GET', '/portal/home', leaving.headers)).statusCode).toBe(200);
    expect((await api('POST', `/portal-contacts/${leaving.id}/disable`, stranger.headers)).statusCode).toBe(404);
    // A lead seated on one matter of the client does not run the portal of its other matters.
    const seatLead = await buildUser(instance, { role: 'attorney' });
    expect((await instance.app.inject({ method: 'PUT', url: `/api/v1/matters/${otherMatter.id}/team/${seatLead.id}`, headers: matter.lead.headers, payload: { role: 'lead_attorney' } })).statusCode).toBe(200);
    const narrow = await api('POST', `/portal-contacts/${leaving.id}/disable`, seatLead.headers);
    expect(narrow.statusCode).toBe(403);
    expect(narrow.json().error.code).toBe('CLIENT_WIDE_ACCESS_REQUIRED');
    const disabled = await api('POST', `/portal-contacts/${leaving.id}/disable`, matter.lead.headers);
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json().status).toBe('disabled');
    expect((await api('GET', '/portal/home', leaving.headers)).statusCode).toBe(401);
  });

  it('drops a made archive after its week (the daily sweep; last: it moves the clock)', async () => {
    const fresh = await buildSession(instance, matter.lead);
    const asked = (await api('POST', '/portal/export-requests', contact.headers, { passphrase: PASSPHRASE })).json().id as string;
    expect((await api('POST', `/export-requests/${asked}/approve`, fresh.headers)).statusCode).toBe(200);
    const blob = (await instance.services.database.db.selectFrom('portal_export_requests').select('blob_id').where('id', '=', asked).executeTakeFirstOrThrow()).blob_id!;
    expect(await instance.services.blobs.size(blob)).toBeGreaterThan(0);
    (instance.clock as ManualClock).advance(EXPORT_ARCHIVE_LIFETIME_MS + 1);
    expect(await sweepPortalExports(instance.services)).toBeGreaterThanOrEqual(1);
    expect(await instance.services.blobs.size(blob)).toBeNull();
    // Sessions do not last a week either: a new one.
    const again = await buildSession(instance, { id: contact.id });
    expect((await api('GET', `/portal/export-requests/${asked}/archive`, again.headers)).statusCode).toBe(409);
    const mine = (await api('GET', '/portal/export-requests', again.headers)).json().items as { id: string; status: string }[];
    expect(mine.find((r) => r.id === asked)!.status).toBe('expired');
  });
});
