/**
 * Notices and consents over HTTP (issue 15, points 1, 2 and 7): the compliance officer writes and
 * publishes notices (immutable, named by SHA-256); attorneys record consents with evidence, sealed
 * at rest; withdrawal; the expiring report and its daily reminder; the denial tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildConsent, buildDocument, buildMatter, buildUser, type BuiltUser } from '../../test-support/factories.js';
import { startMailCatcher, type MailCatcher } from '../../test-support/mail-catcher.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { noticeSha256, remindExpiringConsents } from './index.js';

const CONTENT = { collected: 'Names, contact details, matter files.', purposes: 'To represent you.', recipients: 'Your team; courts when required.', protection: 'Encrypted with a key of your own.', retention: 'Seven years after the matter closes.', rights: 'See, correct, withdraw consent, complain.' };

describe.each(DIALECTS)('notices and consents on %s', (dialect) => {
  let instance: TestInstance;
  let smtp: MailCatcher;
  let compliance: BuiltUser;
  let attorney: BuiltUser;

  beforeAll(async () => {
    smtp = await startMailCatcher();
    instance = await createTestInstance(dialect, { env: { SMTP_URL: smtp.url } });
    compliance = await buildUser(instance, { role: 'compliance_officer' });
    attorney = await buildUser(instance, { role: 'attorney' });
  });
  afterAll(async () => {
    await instance?.close();
    await smtp?.close();
  });

  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, user?: BuiltUser, payload?: unknown) =>
    instance.app.inject({ method, url: `/api/v1${url}`, headers: { ...(user?.headers ?? {}) }, ...(payload !== undefined ? { payload: payload as string } : {}) });
  const lastEvent = async (requestId: unknown) =>
    (await instance.services.database.db.selectFrom('audit_event').select(['action', 'outcome', 'reason', 'client_id', 'other_id']).where('request_id', '=', String(requestId)).orderBy('seq', 'desc').executeTakeFirst()) as { action: string; outcome: string; reason: string | null; client_id: string | null; other_id: string | null };

  it('refuses a consent for all matters from someone seated on one matter (it reaches other teams), audited; listing the matter is accepted', async () => {
    const existing = await buildConsent(instance);
    const seated = await buildUser(instance, { role: 'attorney' });
    const seat = await instance.app.inject({ method: 'PUT', url: `/api/v1/matters/${existing.matter.id}/team/${seated.id}`, headers: existing.by.headers, payload: { role: 'attorney' } });
    expect(seat.statusCode, seat.body).toBe(200);
    const body = {
      purposes: ['litigation'],
      purposeText: 'Sharing the file with opposing counsel',
      dataCategories: ['documents'],
      recipients: [{ name: 'Opposing Counsel LLP', email: 'counsel@opposing.example' }],
      recipientCategories: [],
      channels: ['secure_link'],
      matterScope: 'all',
      noticeId: existing.noticeId,
      evidence: { kind: 'signed_form', documentId: existing.evidence.id },
    };
    const refused = await api('POST', `/clients/${existing.clientId}/consents`, seated, body);
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().error.fields).toEqual([{ path: 'body.matterScope', message: 'all needs client-wide access to the client: list the matters instead' }]);
    expect(await lastEvent(refused.headers['x-request-id'])).toMatchObject({ action: 'consent.record', outcome: 'denied', reason: 'CLIENT_WIDE_REQUIRED', client_id: existing.clientId });
    const listed = await api('POST', `/clients/${existing.clientId}/consents`, seated, { ...body, matterScope: 'listed', matterIds: [existing.matter.id] });
    expect(listed.statusCode, listed.body).toBe(201);
    // The client's lead (a client grant) records one for all matters.
    expect((await api('POST', `/clients/${existing.clientId}/consents`, existing.by, body)).statusCode).toBe(201);
  });

  it('publishes a notice once, named by the SHA-256 of its canonical content, and freezes it', async () => {
    const draft = await api('POST', '/notices', compliance, { title: 'How we handle your data', content: CONTENT });
    expect(draft.statusCode, draft.body).toBe(201);
    const { id, version } = draft.json();
    expect(draft.json()).toMatchObject({ status: 'draft', sha256: null, createdByName: compliance.name });
    const edited = await api('PATCH', `/notices/${id}`, compliance, { title: 'How we handle your data', content: { ...CONTENT, retention: 'Six years.' } });
    expect(edited.statusCode).toBe(200);
    const published = await api('POST', `/notices/${id}/publish`, compliance);
    expect(published.statusCode).toBe(200);
    expect(published.json().sha256).toBe(noticeSha256(version, 'How we handle your data', { ...CONTENT, retention: 'Six years.' }));
    const change = await api('PATCH', `/notices/${id}`, compliance, { title: 'Changed', content: CONTENT });
    expect(change.statusCode).toBe(409);
    expect(change.json().error.code).toBe('NOTICE_PUBLISHED');
    expect(await lastEvent(change.headers['x-request-id'])).toMatchObject({ action: 'notice.update', outcome: 'denied', reason: 'PUBLISHED' });
    expect((await api('POST', `/notices/${id}/publish`, compliance)).statusCode).toBe(409);
    // Staff read notices; only the compliance officer writes them.
    expect((await api('GET', '/notices', attorney)).json().items.some((n: { id: string }) => n.id === id)).toBe(true);
    const refused = await api('POST', '/notices', attorney, { title: 'Mine', content: CONTENT });
    expect(refused.statusCode).toBe(404);
    expect(await lastEvent(refused.headers['x-request-id'])).toMatchObject({ action: 'notice.manage', outcome: 'denied' });
    expect((await api('GET', '/notices')).statusCode).toBe(401);
    const invalid = await api('POST', '/notices', compliance, { title: 'x', content: { ...CONTENT, rights: undefined } });
    expect(invalid.statusCode).toBe(400);
    expect(JSON.stringify(invalid.json().error.fields)).toContain('rights');
  });

  it('records a consent with its evidence, sealed at rest, and lists it for the team', async () => {
    const consent = await buildConsent(instance, { compliance });
    expect(consent.body).toMatchObject({
      status: 'active',
      purposes: ['litigation'],
      recipients: [{ name: 'Opposing Counsel LLP', email: 'counsel@opposing.example' }],
      matterScope: 'all',
      notice: { id: consent.noticeId },
      evidence: { kind: 'signed_form', documentId: consent.evidence.id },
      recordedBy: consent.by.id,
      recordedByName: consent.by.name,
    });
    expect(consent.body.recordedIp).not.toBeUndefined();
    const row = JSON.stringify(await instance.services.database.db.selectFrom('consent_consents').selectAll().where('id', '=', consent.id).execute());
    expect(row).not.toMatch(/Opposing|settlement/i);
    const list = await api('GET', `/clients/${consent.clientId}/consents`, consent.by);
    expect(list.json().items).toEqual([expect.objectContaining({ id: consent.id, purposeText: 'Sharing the file with opposing counsel for the settlement talks' })]);
    const outsider = await buildUser(instance, { role: 'attorney' });
    const refused = await api('GET', `/clients/${consent.clientId}/consents`, outsider);
    expect(refused.statusCode).toBe(404);
    expect(await lastEvent(refused.headers['x-request-id'])).toMatchObject({ action: 'consent.read', outcome: 'denied' });
    expect((await api('GET', `/consents/${consent.id}`, outsider)).statusCode).toBe(404);
    expect((await api('POST', `/consents/${consent.id}/withdraw`, outsider)).statusCode).toBe(404);
    expect((await api('GET', `/clients/${consent.clientId}/consents`)).statusCode).toBe(401);
  });

  it('refuses a consent without recipients, with an unpublished notice, evidence of another client or a matter of another client, naming the field', async () => {
    const matter = await buildMatter(instance);
    const base = await buildConsent(instance, { matter, compliance });
    const draft = (await api('POST', '/notices', compliance, { title: 'Draft', content: CONTENT })).json();
    const foreign = await buildDocument(instance, { by: matter.lead });
    const body = { purposes: ['litigation'], purposeText: 'x', dataCategories: ['documents'], recipients: [{ name: 'A' }], channels: ['secure_link'], matterScope: 'all', noticeId: base.noticeId, evidence: { kind: 'signed_form', documentId: base.evidence.id } };
    const cases: [Record<string, unknown>, string][] = [
      [{ recipients: [], recipientCategories: [] }, 'body.recipients'],
      [{ noticeId: draft.id }, 'body.noticeId'],
      [{ evidence: { kind: 'signed_form', documentId: foreign.id } }, 'body.evidence.documentId'],
      [{ matterScope: 'listed', matterIds: [foreign.matter.id] }, 'body.matterIds.0'],
      [{ matterScope: 'listed' }, 'body.matterIds'],
      [{ validFrom: 2_000_000_000_000, validUntil: 1_000_000_000_000 }, 'body.validUntil'],
    ];
    for (const [override, path] of cases) {
      const response = await api('POST', `/clients/${matter.clientId}/consents`, matter.lead, { ...body, ...override });
      expect(response.statusCode, path).toBe(400);
      expect(response.json().error.fields[0].path).toBe(path);
    }
    const badChannel = await api('POST', `/clients/${matter.clientId}/consents`, matter.lead, { ...body, channels: ['carrier_pigeon'] });
    expect(badChannel.statusCode).toBe(400);
  });

  it('withdraws at once, once (a second withdrawal is refused and audited)', async () => {
    const consent = await buildConsent(instance, { compliance });
    const withdrawn = await api('POST', `/consents/${consent.id}/withdraw`, consent.by);
    expect(withdrawn.statusCode).toBe(200);
    expect(withdrawn.json()).toMatchObject({ status: 'withdrawn', withdrawnBy: consent.by.id });
    const again = await api('POST', `/consents/${consent.id}/withdraw`, consent.by);
    expect(again.statusCode).toBe(409);
    expect(await lastEvent(again.headers['x-request-id'])).toMatchObject({ action: 'consent.withdraw', outcome: 'denied', reason: 'ALREADY_WITHDRAWN' });
  });

  it('reports consents ending soon and mails their lead attorney once a day', async () => {
    const now = instance.clock.now();
    const ending = await buildConsent(instance, { compliance, input: { validUntil: now + 10 * 86_400_000 } });
    const lasting = await buildConsent(instance, { compliance, input: { validUntil: now + 90 * 86_400_000 } });
    const report = await api('GET', '/consents/expiring?days=30', ending.by);
    const ids = (report.json().items as { id: string }[]).map((c) => c.id);
    expect(ids).toContain(ending.id);
    expect(ids).not.toContain(lasting.id);
    expect((await api('GET', '/consents/expiring?days=30', lasting.by)).json().items).toEqual([]);
    smtp.mails.length = 0;
    expect(await remindExpiringConsents(instance.services)).toBeGreaterThanOrEqual(1);
    const mail = smtp.mails.find((m) => m.to.includes(ending.by.email));
    expect(mail?.raw).toContain(ending.id);
    expect(mail?.raw).not.toContain('settlement');
  });
});
