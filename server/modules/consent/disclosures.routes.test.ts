/**
 * The disclosure gate from the attacker's side (issue 15, points 3, 5, 6 and 9): no basis, a
 * withdrawn or expired consent, items, recipient, purpose, channel or matter outside the consent,
 * privileged items without a waiver, self-approval of an exception, and a walled or non-team
 * user — each refused (the fields naming what is outside) and audited; then the register (JSON and
 * CSV with the SHA-256 of what left) and the privilege log.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../platform/clock.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildConsent, buildDisclosure, buildDocument, buildMatter, buildUser, buildWall, type BuiltConsent, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';

interface EventRow {
  action: string;
  outcome: string;
  reason: string | null;
  actor_id: string | null;
  matter_id: string | null;
  other_id: string | null;
  purpose: string | null;
}

describe.each(DIALECTS)('the disclosure gate on %s', (dialect) => {
  let instance: TestInstance;
  let consent: BuiltConsent;

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    consent = await buildConsent(instance);
  });
  afterAll(async () => instance?.close());

  const api = (method: 'GET' | 'POST', url: string, user?: BuiltUser, payload?: unknown) =>
    instance.app.inject({ method, url: `/api/v1${url}`, headers: { ...(user?.headers ?? {}) }, ...(payload !== undefined ? { payload: payload as string } : {}) });

  const eventsOf = async (requestId: unknown): Promise<EventRow[]> =>
    (await instance.services.database.db.selectFrom('audit_event').select(['action', 'outcome', 'reason', 'actor_id', 'matter_id', 'other_id', 'purpose']).where('request_id', '=', String(requestId)).orderBy('seq').execute()) as EventRow[];

  /** A disclosure request under the shared consent, with `overrides`. */
  async function requestBody(overrides: Record<string, unknown> = {}, items?: unknown[]): Promise<Record<string, unknown>> {
    const document = items ? null : await buildDocument(instance, { matter: consent.matter });
    return {
      clientId: consent.clientId,
      matterId: consent.matter.id,
      recipient: { name: 'Opposing Counsel LLP', email: 'Counsel@Opposing.example' },
      items: items ?? [{ type: 'document', id: document!.id }],
      purpose: 'litigation',
      purposeText: 'Settlement talks',
      channel: 'secure_link',
      basis: { kind: 'consent', consentId: consent.id },
      ...overrides,
    };
  }

  it('files a disclosure covered by the consent as ready, audited without the recipient or purpose', async () => {
    const response = await api('POST', '/disclosures', consent.by, await requestBody());
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({ status: 'ready', recipient: { email: 'counsel@opposing.example' }, basis: { kind: 'consent', consentId: consent.id }, matter: { id: consent.matter.id, number: consent.matter.number } });
    const events = await eventsOf(response.headers['x-request-id']);
    expect(events.find((e) => e.action === 'disclosure.request' && e.reason === 'CONSENT')).toMatchObject({ outcome: 'allowed', other_id: body.id });
    expect(JSON.stringify(events)).not.toMatch(/Opposing|Settlement/i);
    // Sealed at rest: neither the recipient nor the purpose is in the row.
    const row = JSON.stringify(await instance.services.database.db.selectFrom('consent_disclosures').selectAll().where('id', '=', body.id).execute());
    expect(row).not.toMatch(/opposing|Settlement/i);
  });

  it('refuses a request without a basis, naming the field', async () => {
    const body = await requestBody();
    delete body.basis;
    const response = await api('POST', '/disclosures', consent.by, body);
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json().error.fields)).toContain('basis');
    const unknown = await api('POST', '/disclosures', consent.by, await requestBody({ basis: { kind: 'consent', consentId: '01900000-0000-7000-8000-000000000000' } }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.fields).toEqual([{ path: 'body.basis.consentId', message: 'is not a consent of this client' }]);
    expect((await eventsOf(unknown.headers['x-request-id'])).at(-1)).toMatchObject({ action: 'disclosure.request', outcome: 'denied', reason: 'NO_BASIS' });
  });

  it('refuses items, recipient, purpose, channel and matter outside the consent, naming each, never dropping them', async () => {
    const note = await api('POST', `/matters/${consent.matter.id}/notes`, consent.by, { title: 'Call notes', body: 'Privileged strategy' });
    const noteId = note.json().id as string;
    // A consent for documents only, one named recipient, litigation, by secure link, on one listed matter.
    const narrow = await buildConsent(instance, { matter: consent.matter, input: { dataCategories: ['documents'], recipientCategories: [], matterScope: 'listed', matterIds: [consent.matter.id] } });
    const other = await buildMatter(instance, { client: consent.matter.client, lead: consent.by });
    const document = await buildDocument(instance, { matter: consent.matter });
    const response = await api(
      'POST',
      '/disclosures',
      consent.by,
      await requestBody(
        { basis: { kind: 'consent', consentId: narrow.id }, recipient: { name: 'Someone Else', email: 'someone@else.example', category: 'court' }, purpose: 'insurance_claim', channel: 'email_unencrypted' },
        [
          { type: 'document', id: document.id },
          { type: 'note', id: noteId },
        ],
      ),
    );
    expect(response.statusCode).toBe(403);
    const error = response.json().error;
    expect(error.code).toBe('DISCLOSURE_OUTSIDE_CONSENT');
    const paths = (error.fields as { path: string; message: string }[]).map((f) => f.path);
    expect(paths).toEqual(['body.items.1', 'body.recipient', 'body.purpose', 'body.channel']);
    expect(error.fields[0].message).toContain(noteId);
    expect((await eventsOf(response.headers['x-request-id'])).at(-1)).toMatchObject({ action: 'disclosure.request', outcome: 'denied', reason: 'OUTSIDE_CONSENT' });
    // Another matter of the same client is outside a consent that lists one.
    const otherDocument = await buildDocument(instance, { matter: other });
    const outsideMatter = await api('POST', '/disclosures', consent.by, { ...(await requestBody({ basis: { kind: 'consent', consentId: narrow.id }, matterId: other.id }, [{ type: 'document', id: otherDocument.id }])) });
    expect(outsideMatter.statusCode).toBe(403);
    expect(outsideMatter.json().error.fields).toEqual([{ path: 'body.matterId', message: 'is not a matter the consent covers' }]);
    // Nothing was filed by either attempt.
    const filed = await instance.services.database.db.selectFrom('consent_disclosures').select('id').where('consent_id', '=', narrow.id).execute();
    expect(filed).toHaveLength(0);
    // An item from another matter is refused by name too.
    const elsewhere = await api('POST', '/disclosures', consent.by, await requestBody({}, [{ type: 'document', id: otherDocument.id }]));
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json().error.fields).toEqual([{ path: 'body.items.0', message: `document ${otherDocument.id} is not on this matter` }]);
  });

  it('refuses under a withdrawn consent and under an expired one, audited', async () => {
    const withdrawn = await buildConsent(instance, { matter: consent.matter });
    expect((await api('POST', `/consents/${withdrawn.id}/withdraw`, consent.by)).statusCode).toBe(200);
    const refused = await api('POST', '/disclosures', consent.by, await requestBody({ basis: { kind: 'consent', consentId: withdrawn.id } }));
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('CONSENT_WITHDRAWN');
    expect((await eventsOf(refused.headers['x-request-id'])).at(-1)).toMatchObject({ action: 'disclosure.request', outcome: 'denied', reason: 'CONSENT_WITHDRAWN' });

    const now = instance.clock.now();
    const brief = await buildConsent(instance, { matter: consent.matter, input: { validUntil: now + 60_000 } });
    (instance.clock as ManualClock).advance(120_000);
    const expired = await api('POST', '/disclosures', consent.by, await requestBody({ basis: { kind: 'consent', consentId: brief.id } }));
    expect(expired.statusCode).toBe(409);
    expect(expired.json().error.code).toBe('CONSENT_EXPIRED');
    expect((await eventsOf(expired.headers['x-request-id'])).at(-1)).toMatchObject({ outcome: 'denied', reason: 'CONSENT_EXPIRED' });
  });

  it('stops a ready disclosure when its consent is withdrawn', async () => {
    const own = await buildConsent(instance, { matter: consent.matter });
    const disclosure = await buildDisclosure(instance, { consent: own });
    expect(disclosure.status).toBe('ready');
    expect((await api('POST', `/consents/${own.id}/withdraw`, consent.by)).statusCode).toBe(200);
    const after = await api('GET', `/disclosures/${disclosure.id}`, consent.by);
    expect(after.json().status).toBe('stopped');
    const execute = await api('POST', `/disclosures/${disclosure.id}/execute`, consent.by, {});
    expect(execute.statusCode).toBe(409);
  });

  it('needs an explicit waiver naming the risk for privileged items, and the privileged category', async () => {
    const privileged = await buildDocument(instance, { matter: consent.matter, privileged: true });
    const items = [{ type: 'document', id: privileged.id }];
    const noWaiver = await api('POST', '/disclosures', consent.by, await requestBody({}, items));
    expect(noWaiver.statusCode).toBe(400);
    expect(noWaiver.json().error).toMatchObject({ code: 'PRIVILEGE_WAIVER_REQUIRED', fields: [{ path: 'body.items.0' }, { path: 'body.waivePrivilege' }] });
    expect((await eventsOf(noWaiver.headers['x-request-id'])).at(-1)).toMatchObject({ outcome: 'denied', reason: 'PRIVILEGE_NOT_WAIVED' });
    const notConfirmed = await api('POST', '/disclosures', consent.by, await requestBody({ waivePrivilege: { confirmed: false, risk: 'x' } }, items));
    expect(notConfirmed.statusCode).toBe(400);
    // Waived, but the client never consented to privileged material.
    const waived = { waivePrivilege: { confirmed: true, risk: 'Waives privilege over the whole subject matter' } };
    const outside = await api('POST', '/disclosures', consent.by, await requestBody(waived, items));
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error.fields[0].message).toContain('privileged');
    const broad = await buildConsent(instance, { matter: consent.matter, input: { dataCategories: ['documents', 'privileged'] } });
    const ok = await api('POST', '/disclosures', consent.by, await requestBody({ ...waived, basis: { kind: 'consent', consentId: broad.id } }, items));
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ privilegeWaived: true, waiverRisk: 'Waives privilege over the whole subject matter' });
  });

  it('holds a legal exception for a second person: self-approval refused and audited, a non-lead refused, the compliance officer approves', async () => {
    const order = await buildDocument(instance, { matter: consent.matter, name: 'Subpoena.pdf' });
    const basis = { kind: 'exception', exception: 'court_order', reference: 'Case 24-cv-1234, order of 3 March', supportingDocumentId: order.id, gagOrder: true };
    const filed = await api('POST', '/disclosures', consent.by, await requestBody({ basis, recipient: { name: 'Clerk of Court', email: 'clerk@court.example' } }));
    expect(filed.statusCode, filed.body).toBe(201);
    const disclosure = filed.json();
    expect(disclosure).toMatchObject({ status: 'pending_approval', basis: { kind: 'exception', exception: 'court_order', gagOrder: true, reference: 'Case 24-cv-1234, order of 3 March' } });
    expect((await api('POST', `/disclosures/${disclosure.id}/execute`, consent.by, {})).statusCode).toBe(409);

    const self = await api('POST', `/disclosures/${disclosure.id}/approve`, consent.by);
    expect(self.statusCode).toBe(403);
    expect(self.json().error.code).toBe('SEPARATION_OF_DUTIES');
    expect((await eventsOf(self.headers['x-request-id'])).at(-1)).toMatchObject({ action: 'disclosure.approve', outcome: 'denied', reason: 'SELF_APPROVAL' });

    const outsider = await buildUser(instance, { role: 'attorney' });
    const notLead = await api('POST', `/disclosures/${disclosure.id}/approve`, outsider);
    expect(notLead.statusCode).toBe(404);
    expect((await eventsOf(notLead.headers['x-request-id'])).at(-1)).toMatchObject({ action: 'disclosure.approve', outcome: 'denied' });

    const approved = await api('POST', `/disclosures/${disclosure.id}/approve`, consent.compliance);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'ready', approvedBy: consent.compliance.id, approvedByName: consent.compliance.name });
    const again = await api('POST', `/disclosures/${disclosure.id}/approve`, consent.compliance);
    expect(again.statusCode).toBe(409);
  });

  it('answers 404 to a walled or non-team user asking to disclose from the matter, like a missing matter, audited', async () => {
    const outsider = await buildUser(instance, { role: 'attorney' });
    const screened = await buildUser(instance, { role: 'attorney' });
    const matter = await buildMatter(instance);
    const seated = await instance.app.inject({ method: 'PUT', url: `/api/v1/matters/${matter.id}/team/${screened.id}`, headers: matter.lead.headers, payload: { role: 'attorney' } });
    expect(seated.statusCode, seated.body).toBe(200);
    await buildWall(instance, { matter, members: [screened] });
    const body = { ...(await requestBody()), clientId: matter.clientId, matterId: matter.id };
    const missing = await api('POST', '/disclosures', outsider, { ...body, matterId: '01900000-0000-7000-8000-000000000001' });
    for (const user of [outsider, screened]) {
      const response = await api('POST', '/disclosures', user, body);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe(missing.json().error.code);
      expect(response.json().error.message).toBe(missing.json().error.message);
      expect((await eventsOf(response.headers['x-request-id']))[0]).toMatchObject({ action: 'disclosure.request', outcome: 'denied', matter_id: matter.id });
    }
    // Nor may they read the disclosures of that matter, one by one or in the register.
    const existing = await buildDisclosure(instance, { consent });
    for (const user of [outsider, screened]) {
      expect((await api('GET', `/disclosures/${existing.id}`, user)).statusCode).toBe(404);
      expect((await api('GET', `/disclosures?clientId=${consent.clientId}`, user)).json().items).toEqual([]);
    }
    expect((await api('POST', '/disclosures', undefined, body)).statusCode).toBe(401);
    expect((await api('GET', '/disclosures')).statusCode).toBe(401);
  });

  it('keeps a register with the SHA-256 of every released item, as JSON and as CSV', async () => {
    const disclosure = await buildDisclosure(instance, { consent });
    const executed = await api('POST', `/disclosures/${disclosure.id}/execute`, consent.by, { downloadLimit: 3 });
    expect(executed.statusCode, executed.body).toBe(200);
    const sha256 = createHash('sha256').update(disclosure.document!.content).digest('hex');
    const register = await api('GET', `/disclosures?clientId=${consent.clientId}&status=executed`, consent.by);
    expect(register.statusCode).toBe(200);
    const entry = (register.json().items as { id: string }[]).find((d) => d.id === disclosure.id);
    expect(entry).toMatchObject({ status: 'executed', executedBy: consent.by.id, released: [{ id: disclosure.document!.id, sha256 }], share: { downloadLimit: 3, downloads: 0 } });
    expect((await eventsOf(register.headers['x-request-id'])).at(-1)).toMatchObject({ action: 'disclosure.list', outcome: 'allowed' });
    const csv = await api('GET', `/disclosures?clientId=${consent.clientId}&format=csv`, consent.by);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toContain('disclosure_id,status');
    expect(csv.body).toContain(`sha256=${sha256}`);
    expect(csv.body).toContain('counsel@opposing.example');
  });

  it('reports disclosures by recipient category and by basis (consent or legal exception)', async () => {
    const toCounsel = await buildDisclosure(instance, { consent });
    const consented = consent.body as { recipientCategories?: string[] };
    expect(consented.recipientCategories).toContain('court');
    const toCourt = await buildDisclosure(instance, { consent, input: { recipient: { name: 'Clerk of the Court', email: 'clerk@court.example', category: 'court' } } });
    const ids = async (query: string) => ((await api('GET', `/disclosures?clientId=${consent.clientId}&${query}`, consent.by)).json().items as { id: string }[]).map((d) => d.id);
    // By category (an address never travels in a URL: the web app narrows by named recipient on the page).
    const courts = await ids('recipientCategory=court');
    expect(courts).toContain(toCourt.id);
    expect(courts).not.toContain(toCounsel.id);
    expect(await ids('basis=consent')).toEqual(expect.arrayContaining([toCounsel.id, toCourt.id]));
    expect(await ids('basis=exception')).not.toContain(toCounsel.id);
    const bad = await api('GET', `/disclosures?basis=hunch`, consent.by);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields[0].path).toBe('querystring.basis');
  });

  it('neutralises a spreadsheet formula in a recipient name in the CSV', async () => {
    const disclosure = await buildDisclosure(instance, { consent, input: { recipient: { name: '=HYPERLINK("http://evil.example")', email: 'counsel@opposing.example' } } });
    const csv = await api('GET', `/disclosures?clientId=${consent.clientId}&format=csv`, consent.by);
    const line = csv.body.split('\r\n').find((l) => l.startsWith(disclosure.id))!;
    expect(line).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
  });

  it('produces the privilege log of a matter as JSON, CSV and PDF, without content, and refuses outsiders', async () => {
    const matter = await buildMatter(instance);
    const privileged = await buildDocument(instance, { matter, name: 'Advice memo to client.pdf', privileged: true, content: 'PRIVILEGED CONTENT NEVER LOGGED' });
    await buildDocument(instance, { matter, name: 'Public filing.pdf' });
    const json = await api('GET', `/matters/${matter.id}/privilege-log`, matter.lead);
    expect(json.statusCode, json.body).toBe(200);
    expect(json.json().entries).toEqual([expect.objectContaining({ documentId: privileged.id, author: matter.lead.name, description: 'Advice memo to client.pdf', privilege: expect.stringContaining('privilege') })]);
    const csv = await api('GET', `/matters/${matter.id}/privilege-log?format=csv`, matter.lead);
    expect(csv.body).toContain('Advice memo to client.pdf');
    expect(csv.body).not.toContain('Public filing');
    expect(csv.body).not.toContain('PRIVILEGED CONTENT');
    const pdf = await api('GET', `/matters/${matter.id}/privilege-log?format=pdf`, matter.lead);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const outsider = await buildUser(instance, { role: 'attorney' });
    const refused = await api('GET', `/matters/${matter.id}/privilege-log`, outsider);
    expect(refused.statusCode).toBe(404);
    expect((await eventsOf(refused.headers['x-request-id']))[0]).toMatchObject({ action: 'privilege_log.read', outcome: 'denied' });
  });
});
