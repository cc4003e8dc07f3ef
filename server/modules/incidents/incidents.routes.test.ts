/**
 * Incidents on both databases, from the attacker's side first: an ordinary user reading another's
 * incident (404, audited), the scope never showing a walled matter's title to someone who may
 * not open it, containment that really ends the compromised account's access, deadlines from the
 * rule files with reminders sent once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseAlert } from '../../audit/index.js';
import type { ManualClock } from '../../platform/clock.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildDisclosure, buildDocument, buildMatter, buildSession, buildUser, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { parseRegimes, remindIncidentDeadlines, RegimeFileError, loadRegimes } from './index.js';

type Headers = Record<string, string>;
const HOUR = 3_600_000;

describe.each(DIALECTS)('incidents on %s', (dialect) => {
  let instance: TestInstance;
  let compliance: BuiltUser;
  let admin: BuiltUser;
  let reporter: BuiltUser;
  let other: BuiltUser;
  let officer: Headers;

  const api = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, headers: Headers = {}, payload?: unknown) =>
    instance.app.inject({ method, url: `/api/v1${url}`, headers: { ...headers, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}) });
  const session = async (user: BuiltUser) => (await buildSession(instance, user)).headers;
  const report = async (user: BuiltUser, body: Record<string, unknown> = {}) => api('POST', '/incidents', await session(user), { title: 'Laptop left on a train', description: 'Lost at 18:10, reported at 19:00.', ...body });
  const denials = async (actorId: string, action: string) => instance.services.database.db.selectFrom('audit_event').select(['reason']).where('actor_id', '=', actorId).where('action', '=', action).where('outcome', '=', 'denied').execute();
  const mails = (needle: string) => readdirSync(instance.config.mail.outboxDir).map((f) => readFileSync(join(instance.config.mail.outboxDir, f), 'utf8')).filter((m) => m.includes(needle));

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    compliance = await buildUser(instance, { role: 'compliance_officer' });
    admin = await buildUser(instance, { role: 'firm_admin' });
    reporter = await buildUser(instance, { role: 'paralegal' });
    other = await buildUser(instance, { role: 'attorney' });
    officer = await session(compliance);
  });
  afterAll(async () => instance.close());

  it('anyone signed in reports; 401 without a session; 400 naming the field', async () => {
    expect((await api('POST', '/incidents', {}, { title: 'x', description: 'y' })).statusCode).toBe(401);
    const blank = await report(reporter, { title: '' });
    expect(blank.statusCode).toBe(400);
    expect(JSON.stringify(blank.json())).toContain('body.title');
    const future = await report(reporter, { awareAt: Date.now() + 10 * HOUR });
    expect(future.statusCode).toBe(400);
    expect(JSON.stringify(future.json())).toContain('body.awareAt');
    const created = await report(reporter);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ status: 'reported', source: 'staff', viewer: 'reporter', reportedBy: { id: reporter.id, name: reporter.name } });
    expect(created.json<{ number: string }>().number).toMatch(/^INC-\d{4}-\d{4}$/);
  });

  it('an ordinary user cannot read or list another’s incident (the same 404 as a made-up id, audited); the reporter sees their report without the response’s details', async () => {
    const { id } = (await report(reporter, { title: 'Phishing mail clicked' })).json<{ id: string }>();
    const otherSession = await session(other);
    const refused = await api('GET', `/incidents/${id}`, otherSession);
    const madeUp = await api('GET', '/incidents/0190a0b0-0000-7000-8000-000000000000', otherSession);
    expect(refused.statusCode).toBe(404);
    expect(madeUp.statusCode).toBe(404);
    expect(refused.json<{ error: { code: string; message: string } }>().error).toEqual({ ...madeUp.json<{ error: { code: string; message: string; requestId: string } }>().error, requestId: refused.json<{ error: { requestId: string } }>().error.requestId });
    expect((await denials(other.id, 'incident.read')).length).toBe(2);
    expect((await api('GET', '/incidents', otherSession)).json()).toEqual({ items: [] });
    // Nor can they work the incident.
    expect((await api('POST', `/incidents/${id}/advance`, otherSession, { to: 'triaged' })).statusCode).toBe(404);
    expect((await api('POST', `/incidents/${id}/notes`, await session(reporter), { text: 'me too' })).statusCode).toBe(404);
    await api('POST', `/incidents/${id}/notes`, officer, { text: 'Internal: the sender domain is a look-alike' });
    const own = (await api('GET', `/incidents/${id}`, await session(reporter))).json<{ viewer: string; timeline: { kind: string; note: string | null }[]; scope: unknown; containments: unknown[] }>();
    expect(own.viewer).toBe('reporter');
    expect(own.timeline.map((s) => s.kind)).toEqual(['reported']);
    expect(JSON.stringify(own)).not.toContain('look-alike');
    const all = (await api('GET', '/incidents', officer)).json<{ items: { id: string }[] }>().items;
    expect(all.map((i) => i.id)).toContain(id);
  });

  it('runs the steps in order (409 when skipping), freezes the scope when assessed, and closes only when the corrective actions are done', async () => {
    const { id } = (await report(compliance, { title: 'Account takeover' })).json<{ id: string }>();
    expect((await api('POST', `/incidents/${id}/advance`, officer, { to: 'contained' })).statusCode).toBe(409);
    for (const to of ['triaged', 'contained']) expect((await api('POST', `/incidents/${id}/advance`, officer, { to, note: `now ${to}` })).statusCode).toBe(200);
    const noScope = await api('POST', `/incidents/${id}/advance`, officer, { to: 'assessed' });
    expect(noScope.statusCode).toBe(409);
    expect(noScope.json<{ error: { code: string } }>().error.code).toBe('INCIDENT_STATE');
    const since = Date.now() - HOUR;
    expect((await api('POST', `/incidents/${id}/scope`, officer, { actorIds: [other.id], since, until: Date.now() + HOUR })).statusCode).toBe(200);
    expect((await api('POST', `/incidents/${id}/advance`, officer, { to: 'assessed' })).statusCode).toBe(200);
    expect((await api('POST', `/incidents/${id}/scope`, officer, { actorIds: [other.id], since, until: Date.now() + HOUR })).statusCode).toBe(409);
    for (const to of ['notified', 'remediated']) expect((await api('POST', `/incidents/${id}/advance`, officer, { to })).statusCode).toBe(200);
    const withAction = await api('POST', `/incidents/${id}/actions`, officer, { title: 'Enforce passkeys for everyone', assigneeId: admin.id, dueOn: '2027-01-31' });
    expect(withAction.statusCode).toBe(200);
    const badDay = await api('POST', `/incidents/${id}/actions`, officer, { title: 'x', assigneeId: admin.id, dueOn: '2027-02-30' });
    expect(JSON.stringify(badDay.json())).toContain('body.dueOn');
    expect((await api('POST', `/incidents/${id}/advance`, officer, { to: 'closed' })).statusCode).toBe(409);
    const actionId = withAction.json<{ actions: { id: string }[] }>().actions[0]!.id;
    expect((await api('POST', `/incidents/${id}/actions/${actionId}/done`, officer)).statusCode).toBe(200);
    const closed = await api('POST', `/incidents/${id}/advance`, officer, { to: 'closed' });
    expect(closed.statusCode).toBe(200);
    const timeline = closed.json<{ timeline: { kind: string; status: string | null; by: { name: string } }[] }>().timeline;
    expect(timeline.filter((s) => s.kind === 'status').map((s) => s.status)).toEqual(['triaged', 'contained', 'assessed', 'notified', 'remediated', 'closed']);
    expect(timeline.every((s) => s.by.name === compliance.name)).toBe(true);
    const events = await instance.services.database.db.selectFrom('audit_event').select(['reason']).where('action', '=', 'incident.advance').where('other_id', '=', id).execute();
    expect(events.map((e) => e.reason)).toEqual(['triaged', 'contained', 'assessed', 'notified', 'remediated', 'closed']);
  });

  it('scopes from the audit log what a compromised account touched, counted by classification and privilege, with titles only for whoever may open the matter', async () => {
    const matter = await buildMatter(instance, { title: 'Project Nightingale acquisition' });
    const insider = matter.lead;
    const docs = [await buildDocument(instance, { matter, by: insider }), await buildDocument(instance, { matter, by: insider })];
    for (const doc of docs) expect((await api('GET', `/documents/${doc.id}/content`, insider.headers)).statusCode).toBe(200);
    const { id } = (await report(compliance, { title: 'Insider copying files' })).json<{ id: string }>();
    const badIp = await api('POST', `/incidents/${id}/scope`, officer, { actorIds: [], ipRange: '10.1.2.3/20', since: 0, until: Date.now() + HOUR });
    expect(badIp.statusCode).toBe(400);
    expect(JSON.stringify(badIp.json())).toContain('body.ipRange');
    const nobody = await api('POST', `/incidents/${id}/scope`, officer, { actorIds: [], since: 0, until: Date.now() });
    expect(JSON.stringify(nobody.json())).toContain('body.actorIds');
    const scoped = await api('POST', `/incidents/${id}/scope`, officer, { actorIds: [insider.id], since: Date.now() - HOUR, until: Date.now() + HOUR });
    expect(scoped.statusCode).toBe(200);
    const scope = scoped.json<{ scope: { counts: { clients: number; matters: number; documents: number }; matters: { id: string; label: string }[]; clients: { id: string; label: string }[]; byClassification: Record<string, number>; privileged: number; actors: { name: string }[] } }>().scope;
    expect(scope.counts).toEqual({ clients: 1, matters: 1, documents: 2 });
    expect(Object.values(scope.byClassification).reduce((a, b) => a + b, 0)).toBe(2);
    expect(scope.privileged).toBe(0);
    expect(scope.actors.map((a) => a.name)).toEqual([insider.name]);
    // The compliance officer is not on the matter: its number, never its title.
    expect(scope.matters[0]!.id).toBe(matter.id);
    expect(scope.matters[0]!.label).not.toContain('Nightingale');
    expect(JSON.stringify(scoped.json())).not.toContain('Nightingale');
    // Requests from another address range touched nothing.
    const byIp = await api('POST', `/incidents/${id}/scope`, officer, { actorIds: [], ipRange: '198.51.100.0/24', since: Date.now() - HOUR, until: Date.now() + HOUR });
    expect(byIp.json<{ scope: { counts: { documents: number } } }>().scope.counts.documents).toBe(0);
  });

  it('contains from the incident: a disabled account stops working at once, and the reversal enables it; one’s own account is refused', async () => {
    const victim = await buildUser(instance, { role: 'attorney' });
    const victimSession = await session(victim);
    expect((await api('GET', '/incidents', victimSession)).statusCode).toBe(200);
    const { id } = (await report(compliance, { title: 'Stolen credentials' })).json<{ id: string }>();
    const self = await api('POST', `/incidents/${id}/containment`, officer, { action: 'disable_account', userId: compliance.id });
    expect(self.statusCode).toBe(400);
    expect(JSON.stringify(self.json())).toContain('body.userId');
    const contained = await api('POST', `/incidents/${id}/containment`, officer, { action: 'disable_account', userId: victim.id });
    expect(contained.statusCode).toBe(200);
    expect((await api('GET', '/incidents', victimSession)).statusCode).toBe(401);
    const containmentId = contained.json<{ containments: { id: string; target: { name: string } }[] }>().containments[0]!;
    expect(containmentId.target.name).toBe(victim.name);
    const reversed = await api('POST', `/incidents/${id}/containment/${containmentId.id}/reverse`, officer);
    expect(reversed.statusCode).toBe(200);
    expect(reversed.json<{ containments: { reversedBy: { name: string } | null }[] }>().containments[0]!.reversedBy?.name).toBe(compliance.name);
    expect((await api('GET', '/incidents', await session(victim))).statusCode).toBe(200);
    expect((await api('POST', `/incidents/${id}/containment/${containmentId.id}/reverse`, officer)).statusCode).toBe(409);
    const ended = await api('POST', `/incidents/${id}/containment`, officer, { action: 'end_sessions', userId: victim.id });
    expect(ended.statusCode).toBe(200);
    const events = await instance.services.database.db.selectFrom('audit_event').select(['action', 'reason']).where('action', 'like', 'incident.contain%').where('other_id', '=', id).execute();
    expect(events.map((e) => `${e.action}:${e.reason}`)).toEqual(['incident.contain:disable_account', 'incident.contain.reverse:disable_account', 'incident.contain:end_sessions']);
  });

  it('contains by revoking every disclosure the person requested (not reversible), each revocation audited', async () => {
    const first = await buildDisclosure(instance);
    const second = await buildDisclosure(instance, { consent: first.consent });
    const elsewhere = await buildDisclosure(instance);
    const { id } = (await report(compliance, { title: 'Disclosures by a compromised account' })).json<{ id: string }>();
    const contained = await api('POST', `/incidents/${id}/containment`, officer, { action: 'revoke_disclosures', userId: first.by.id });
    expect(contained.statusCode).toBe(200);
    const containment = contained.json<{ containments: { id: string; result: { disclosuresRevoked: number } }[] }>().containments[0]!;
    expect(containment.result.disclosuresRevoked).toBe(2);
    const statusOf = async (disclosureId: string) => (await instance.services.database.db.selectFrom('consent_disclosures' as never).select('status' as never).where('id' as never, '=', disclosureId as never).executeTakeFirstOrThrow()) as { status: string };
    expect((await statusOf(first.id)).status).toBe('revoked');
    expect((await statusOf(second.id)).status).toBe('revoked');
    expect((await statusOf(elsewhere.id)).status).not.toBe('revoked');
    const events = await instance.services.database.db.selectFrom('audit_event').select(['other_id']).where('action', '=', 'disclosure.revoke').where('reason', '=', 'INCIDENT').execute();
    expect(events.map((e) => e.other_id).sort()).toEqual([first.id, second.id].sort());
    expect((await api('POST', `/incidents/${id}/containment/${containment.id}/reverse`, officer)).statusCode).toBe(409);
  });

  it('runs the regimes’ deadline clocks from the awareness time, reminds once before and escalates once after', async () => {
    const awareAt = instance.clock.now() - HOUR;
    const { id, number } = (await report(compliance, { title: 'Misaddressed disclosure', awareAt })).json<{ id: string; number: string }>();
    const unknown = await api('PUT', `/incidents/${id}/regimes`, officer, { regimes: ['gdpr', 'mars'] });
    expect(unknown.statusCode).toBe(400);
    expect(JSON.stringify(unknown.json())).toContain('body.regimes');
    const set = await api('PUT', `/incidents/${id}/regimes`, officer, { regimes: ['gdpr', 'aba_483'] });
    expect(set.statusCode, set.body).toBe(200);
    const clocks = set.json<{ clocks: { regime: string; key: string; dueAt: string; state: string }[] }>().clocks;
    const art33 = clocks.find((c) => c.key === 'art33_authority')!;
    expect(Date.parse(art33.dueAt)).toBe(awareAt + 72 * HOUR);
    expect(art33.state).toBe('running');
    expect(clocks.map((c) => c.regime).sort()).toEqual(['aba_483', 'gdpr', 'gdpr']);

    const active = async (role: string) => Number((await instance.services.database.db.selectFrom('identity_users').select((eb) => eb.fn.countAll().as('n')).where('role', '=', role).where('disabled_at', 'is', null).executeTakeFirstOrThrow()).n);
    const officers = await active('compliance_officer');
    const admins = await active('firm_admin');
    const clock = instance.clock as ManualClock;
    clock.advance(60 * HOUR);
    await remindIncidentDeadlines(instance.services);
    await remindIncidentDeadlines(instance.services);
    const near = mails(`${number}: a notification deadline is near`);
    expect(near.length).toBe(3 * officers); // three clocks, to each compliance officer, once each
    expect(near.join('\n')).not.toContain('Misaddressed');
    clock.advance(13 * HOUR);
    await remindIncidentDeadlines(instance.services);
    await remindIncidentDeadlines(instance.services);
    expect(mails(`${number}: a notification deadline has passed`).length).toBe(3 * (officers + admins)); // escalated to the administrators too
    try {
      const overdue = (await api('GET', `/incidents/${id}`, await session(compliance))).json<{ clocks: { state: string }[] }>().clocks;
      expect(overdue.every((c) => c.state === 'overdue')).toBe(true);
    } finally {
      clock.advance(-73 * HOUR);
    }
  });

  it('opens an incident from a monitoring alert with its evidence, once per alert; not for an ordinary user', async () => {
    const alert = await raiseAlert(instance.services, { rule: 'bulk_download', actorId: other.id, severity: 'critical', firstIndex: 1, lastIndex: 3, detail: { documents: 120, threshold: 50 }, contain: false });
    expect((await api('POST', '/incidents/from-alert', await session(other), { alertId: alert.id })).statusCode).toBe(404);
    const opened = await api('POST', '/incidents/from-alert', officer, { alertId: alert.id });
    expect(opened.statusCode).toBe(201);
    expect(opened.json()).toMatchObject({ source: 'alert', severity: 'high', title: 'Alert: Bulk download' });
    expect(opened.json<{ timeline: { detail: Record<string, unknown> }[] }>().timeline[0]!.detail).toMatchObject({ alertId: alert.id, rule: 'bulk_download', actorId: other.id, firstIndex: 1, lastIndex: 3 });
    expect((await api('POST', '/incidents/from-alert', officer, { alertId: alert.id })).statusCode).toBe(409);
    const unknown = await api('POST', '/incidents/from-alert', officer, { alertId: '0190a0b0-0000-7000-8000-000000000000' });
    expect(unknown.statusCode).toBe(400);
    expect(JSON.stringify(unknown.json())).toContain('body.alertId');
  });

  it('drafts letters from templates, edits, approves and sends them with their delivery status; a client’s letter is sealed under the client’s key', async () => {
    const matter = await buildMatter(instance);
    const { id, number } = (await report(compliance, { title: 'Lost backup tape' })).json<{ id: string; number: string }>();
    const base = `/incidents/${id}/notifications`;
    expect((await api('POST', base, await session(other), { audience: 'regulator', recipientName: 'ICO', recipientEmail: 'casework@ico.example' })).statusCode).toBe(404);
    const noClient = await api('POST', base, officer, { audience: 'client', recipientName: 'Ms Client', recipientEmail: 'client@client.example' });
    expect(noClient.statusCode).toBe(400);
    expect(JSON.stringify(noClient.json())).toContain('body.clientId');

    const regulator = await api('POST', base, officer, { audience: 'regulator', recipientName: 'The Information Commissioner', recipientEmail: 'casework@ico.example', deadline: 'gdpr:art33_authority' });
    expect(regulator.statusCode).toBe(201);
    const letter = regulator.json<{ id: string; subject: string; body: string; status: string }>();
    expect(letter.subject).toContain(number);
    expect(letter.body).toContain('The Information Commissioner');
    expect(letter.status).toBe('draft');
    expect((await api('POST', `${base}/${letter.id}/send`, officer)).statusCode).toBe(409);
    expect((await api('PATCH', `${base}/${letter.id}`, officer, { body: 'Edited letter body for the authority.' })).json<{ body: string }>().body).toBe('Edited letter body for the authority.');
    expect((await api('POST', `${base}/${letter.id}/approve`, officer)).json<{ status: string; approvedBy: string }>()).toMatchObject({ status: 'approved', approvedBy: compliance.id });
    expect((await api('PATCH', `${base}/${letter.id}`, officer, { body: 'late change' })).statusCode).toBe(409);
    // A mail that cannot be sent is kept as failed with its code, and sent by a later try.
    const mailer = instance.services.mailer;
    const send = mailer.send.bind(mailer);
    mailer.send = async () => {
      throw new Error('SMTP down');
    };
    try {
      expect((await api('POST', `${base}/${letter.id}/send`, officer)).json()).toMatchObject({ status: 'failed', errorCode: 'MAIL_FAILED' });
    } finally {
      mailer.send = send;
    }
    expect((await api('POST', `${base}/${letter.id}/send`, officer)).json()).toMatchObject({ status: 'sent', errorCode: null });
    expect((await api('POST', `${base}/${letter.id}/send`, officer)).statusCode).toBe(409);
    expect(mails('Edited letter body for the authority.')).toHaveLength(1);
    const pdf = await api('GET', `${base}/${letter.id}/pdf`, officer);
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const CANARY = 'Canary-Recipient-9d1f';
    const client = await api('POST', base, officer, { audience: 'client', clientId: matter.clientId, recipientName: CANARY, recipientEmail: 'canary@client.example' });
    expect(client.statusCode).toBe(201);
    expect(client.json<{ body: string }>().body).toContain(CANARY);
    const stored = await instance.services.database.db.selectFrom('incident_notifications' as never).selectAll().where('id' as never, '=', client.json<{ id: string }>().id as never).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(CANARY);
    expect(JSON.stringify(stored)).not.toContain('canary@client.example');
    const listed = (await api('GET', base, officer)).json<{ items: { recipientName: string }[] }>().items;
    expect(listed.map((l) => l.recipientName)).toEqual(['The Information Commissioner', CANARY]);
  });

  it('refuses a bad rule file with its name and field', () => {
    expect(loadRegimes().map((r) => r.id)).toEqual(['aba_483', 'gdpr', 'hipaa', 'us_states']);
    expect(() => parseRegimes([{ name: 'broken.json', text: '{"id":"x","name":"X","appliesWhen":"y","deadlines":[{"key":"a","label":"A","notify":"press","hours":1,"citation":"c"}]}' }])).toThrow(RegimeFileError);
    expect(() => parseRegimes([{ name: 'broken.json', text: '{"id":"x","name":"X","appliesWhen":"y","deadlines":[{"key":"a","label":"A","notify":"press","hours":1,"citation":"c"}]}' }])).toThrow(/broken\.json: \/deadlines\/0\/notify/);
    expect(() => parseRegimes([{ name: 'nojson.json', text: '{' }])).toThrow(/nojson\.json is not JSON/);
  });
});
