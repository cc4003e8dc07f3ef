/**
 * The compliance program from both sides (issue 19): policies with versions, campaigns and
 * acknowledgements (only ever one's own); agreements and training deciding the gates, and the
 * CSV import that imports all rows or none; access reviews certified by each matter's lead, with
 * automatic revocation at the deadline; reminders sent once per person per cycle; and the
 * attacker's side — unauthenticated, invalid input, an ordinary user on the admin endpoints, a
 * user acknowledging for someone else, an attorney certifying another lead's matter — each
 * refusal audited.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildMatter, buildUser, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import type { ManualClock } from '../../platform/clock.js';
import { runComplianceReminders } from './reminders.js';
import { runAccessReviewDeadlines } from './reviews.service.js';
import { countAccessReviewStatus, countAgreementStatus, countPolicyStatus, countTrainingStatus } from './summary.service.js';

type Headers = Record<string, string>;
const DAY = 86_400_000;
const day = (at: number) => new Date(at).toISOString().slice(0, 10);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n').toString('base64');

describe.each(DIALECTS)('compliance on %s', (dialect) => {
  let instance: TestInstance;
  let officer: BuiltUser;
  let admin: BuiltUser;
  let clerk: BuiltUser;

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, headers: Headers = {}, payload?: unknown) =>
    instance.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload !== undefined ? { payload: payload as string } : {}) });
  const denials = async (actorId: string, action: string) =>
    instance.services.database.db.selectFrom('audit_event').select(['action', 'reason']).where('actor_id', '=', actorId).where('action', '=', action).where('outcome', '=', 'denied').execute();
  const today = () => day(instance.clock.now());
  const setGate = async (gate: string, enabled: boolean) => expect((await api('PUT', `/access/gates/${gate}`, officer.headers, { enabled })).statusCode).toBe(200);
  const mails = (needle: string) => readdirSync(instance.config.mail.outboxDir).map((f) => readFileSync(join(instance.config.mail.outboxDir, f), 'utf8')).filter((m) => m.includes(needle));

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    officer = await buildUser(instance, { role: 'compliance_officer' });
    admin = await buildUser(instance, { role: 'firm_admin' });
    clerk = await buildUser(instance, { role: 'staff' });
  });
  afterAll(async () => {
    await instance?.close();
  });

  it('admin endpoints: 401 without a session, an ordinary user refused (404, audited), 400 naming the field', async () => {
    for (const url of ['/compliance/policies', '/compliance/agreements', '/compliance/courses', '/compliance/training/status', '/compliance/access-reviews', '/compliance/summary', '/compliance/my/policies']) {
      expect((await api('GET', url)).statusCode).toBe(401);
    }
    for (const url of ['/compliance/policies', '/compliance/agreements', '/compliance/courses', '/compliance/access-reviews', '/compliance/summary']) {
      expect((await api('GET', url, clerk.headers)).statusCode).toBe(404);
    }
    expect((await api('POST', '/compliance/policies', clerk.headers, { title: 'Mine', ownerUserId: clerk.id, content: { format: 'markdown', text: 'x' } })).statusCode).toBe(404);
    expect((await denials(clerk.id, 'compliance.manage')).length).toBeGreaterThan(0);
    // The firm administrator runs policies and training but not access reviews (they name matters).
    expect((await api('GET', '/compliance/policies', admin.headers)).statusCode).toBe(200);
    expect((await api('GET', '/compliance/access-reviews', admin.headers)).statusCode).toBe(404);
    const bad = await api('POST', '/compliance/policies', officer.headers, { title: 'Policy', ownerUserId: 'nobody', content: { format: 'markdown', text: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields[0].path).toBe('body.ownerUserId');
    const notPdf = await api('POST', '/compliance/policies', officer.headers, { title: 'Policy', ownerUserId: officer.id, content: { format: 'pdf', pdfBase64: Buffer.from('hello').toString('base64') } });
    expect(notPdf.statusCode).toBe(400);
    expect(notPdf.json().error.fields[0].path).toBe('body.content.pdfBase64');
    const badDay = await api('POST', '/compliance/agreements', officer.headers, { userId: clerk.id, party: 'employee', title: 'NDA', signedDate: '2026-02-30' });
    expect(badDay.json().error.fields[0].path).toBe('body.signedDate');
    const badCourse = await api('POST', '/compliance/courses', officer.headers, { title: 'C', roles: [], passMark: 80 });
    expect(badCourse.statusCode).toBe(400);
    expect(badCourse.json().error.fields[0].path).toBe('body.roles');
  });

  it('policies: versions, a campaign, acknowledgement only for oneself, the policy gate', async () => {
    const created = await api('POST', '/compliance/policies', officer.headers, { title: 'Client confidentiality', ownerUserId: officer.id, required: true, content: { format: 'markdown', text: '# Keep it secret' } });
    expect(created.statusCode).toBe(201);
    const policy = created.json();
    expect(policy).toMatchObject({ currentVersion: 1, reviewCycleDays: 365, required: true, owner: { id: officer.id } });
    expect(policy.nextReviewDue).toBe(day(instance.clock.now() + 365 * DAY));
    const v2 = await api('POST', `/compliance/policies/${policy.id}/versions`, officer.headers, { content: { format: 'pdf', pdfBase64: PDF }, changeNote: 'Signed PDF' });
    expect(v2.json().currentVersion).toBe(2);
    expect(v2.json().versions.map((v: { version: number; format: string }) => `${v.version}:${v.format}`)).toEqual(['2:pdf', '1:markdown']);
    const file = await api('GET', `/compliance/policies/${policy.id}/versions/2/pdf`, clerk.headers);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toContain('application/pdf');

    const lead = await buildUser(instance, { role: 'attorney' });
    const matter = await buildMatter(instance, { lead });
    const campaign = await api('POST', `/compliance/policies/${policy.id}/campaigns`, officer.headers, { roles: ['attorney'], userIds: [clerk.id], dueDate: day(instance.clock.now() + 7 * DAY) });
    expect(campaign.statusCode).toBe(201);
    expect(campaign.json().pending.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining([lead.id, clerk.id]));
    expect(mails('Client confidentiality').length).toBeGreaterThan(0);

    // The gate: the lead's matter is closed to them until they acknowledge the current version.
    await setGate('policy_acknowledged', true);
    try {
      const held = await api('GET', `/matters/${matter.id}`, lead.headers);
      expect(held.statusCode).toBe(403);
      expect(held.json().error.code).toBe('GATE_NOT_SATISFIED');
      // Acknowledging for someone else: refused and audited; an old version: 409.
      const forOther = await api('POST', `/compliance/policies/${policy.id}/acknowledge`, clerk.headers, { version: 2, userId: lead.id });
      expect(forOther.statusCode).toBe(404);
      expect(await denials(clerk.id, 'compliance.policy.acknowledge')).toEqual([{ action: 'compliance.policy.acknowledge', reason: 'NOT_SELF' }]);
      expect((await api('GET', `/matters/${matter.id}`, lead.headers)).statusCode).toBe(403);
      const stale = await api('POST', `/compliance/policies/${policy.id}/acknowledge`, lead.headers, { version: 1 });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error.code).toBe('POLICY_VERSION_STALE');
      const mine = await api('POST', `/compliance/policies/${policy.id}/acknowledge`, lead.headers, { version: 2, userId: lead.id });
      expect(mine.statusCode).toBe(200);
      expect(mine.json().acknowledgedAt).not.toBeNull();
      expect((await api('GET', `/matters/${matter.id}`, lead.headers)).statusCode).toBe(200);
      // A new version asks again (the gate's cache refreshes on the policy version token).
      await api('POST', `/compliance/policies/${policy.id}/versions`, officer.headers, { content: { format: 'markdown', text: 'v3' } });
      expect((await api('GET', `/matters/${matter.id}`, lead.headers)).statusCode).toBe(403);
      await api('POST', `/compliance/policies/${policy.id}/acknowledge`, lead.headers, { version: 3 });
      expect((await api('GET', `/matters/${matter.id}`, lead.headers)).statusCode).toBe(200);
    } finally {
      await setGate('policy_acknowledged', false);
    }
    const detail = (await api('GET', `/compliance/policies/${policy.id}`, officer.headers)).json();
    expect(detail.campaigns[0].pending.map((p: { id: string }) => p.id)).toContain(clerk.id);
    const my = (await api('GET', '/compliance/my/policies', clerk.headers)).json().items;
    expect(my.find((p: { id: string }) => p.id === policy.id)).toMatchObject({ acknowledgedAt: null, currentVersion: 3 });
    await api('PATCH', `/compliance/policies/${policy.id}`, officer.headers, { status: 'retired' });
  });

  it('agreements: recorded with a PDF, they decide the agreement gate; withdrawing closes it again', async () => {
    const lead = await buildUser(instance, { role: 'attorney' });
    const matter = await buildMatter(instance, { lead });
    await setGate('confidentiality_agreement', true);
    try {
      expect((await api('GET', `/matters/${matter.id}`, lead.headers)).statusCode).toBe(403);
      const expired = await api('POST', '/compliance/agreements', officer.headers, { userId: lead.id, party: 'employee', title: 'NDA 2020', signedDate: '2020-01-01', expiresDate: '2021-01-01' });
      expect(expired.json().status).toBe('expired');
      expect((await api('GET', `/matters/${matter.id}`, lead.headers)).statusCode).toBe(403);
      const signed = await api('POST', '/compliance/agreements', officer.headers, { userId: lead.id, party: 'employee', title: 'NDA', signedDate: today(), expiresDate: day(instance.clock.now() + 400 * DAY), document: { name: 'nda.pdf', pdfBase64: PDF } });
      expect(signed.statusCode).toBe(201);
      expect(signed.json()).toMatchObject({ status: 'current', hasDocument: true, person: { id: lead.id, name: lead.name } });
      expect((await api('GET', `/matters/${matter.id}`, lead.headers)).statusCode).toBe(200);
      expect((await api('GET', `/compliance/agreements/${signed.json().id}/document`, lead.headers)).statusCode).toBe(200);
      expect((await api('GET', `/compliance/agreements/${signed.json().id}/document`, clerk.headers)).statusCode).toBe(404);
      expect((await api('POST', `/compliance/agreements/${signed.json().id}/revoke`, officer.headers)).json().status).toBe('revoked');
      expect((await api('GET', `/matters/${matter.id}`, lead.headers)).statusCode).toBe(403);
    } finally {
      await setGate('confidentiality_agreement', false);
    }
    const counts = await countAgreementStatus(instance.system('test'));
    expect(counts.withoutCurrent).toBeGreaterThan(0);
  });

  it('training: a failed score does not pass; the gate needs every confidentiality course of the role; the CSV import is all or nothing', async () => {
    const lead = await buildUser(instance, { role: 'attorney' });
    const matter = await buildMatter(instance, { lead });
    const senior = await buildUser(instance, { role: 'attorney' });
    const seniorMatter = await buildMatter(instance, { lead: senior });
    const course = (await api('POST', '/compliance/courses', officer.headers, { title: `Confidentiality ${lead.id.slice(-6)}`, roles: ['attorney'], passMark: 80, refresherDays: 365, confidentiality: true })).json();
    await setGate('confidentiality_training', true);
    try {
      expect((await api('GET', `/matters/${matter.id}`, lead.headers)).statusCode).toBe(403);
      const failed = await api('POST', '/compliance/completions', officer.headers, { courseId: course.id, userId: lead.id, completedDate: today(), score: 60 });
      expect(failed.json()).toMatchObject({ passed: false, score: 60 });
      expect((await api('GET', `/matters/${matter.id}`, lead.headers)).statusCode).toBe(403);

      const csv = ['email,course,completed,score', `${lead.email},${course.title},${today()},95`, `nobody@firm.example,${course.title},${today()},90`, `${lead.email},No such course,${today()},90`, `${lead.email},${course.title},2026-13-01,90`, `${lead.email},${course.title},${today()},abc`].join('\n');
      const refused = await api('POST', '/compliance/completions/import', officer.headers, { csv });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.code).toBe('TRAINING_IMPORT_INVALID');
      const messages = (refused.json().error.fields as { path: string; message: string }[]).map((f) => f.message);
      expect(messages.map((m) => m.split(':')[0])).toEqual(['line 3', 'line 4', 'line 5', 'line 6']);
      expect(refused.json().error.fields[0].path).toBe('body.csv');
      // Nothing half-imported: the good line 2 is not recorded either.
      expect((await api('GET', `/compliance/completions?userId=${lead.id}`, officer.headers)).json().items).toHaveLength(1);
      expect((await api('GET', `/matters/${matter.id}`, lead.headers)).statusCode).toBe(403);

      const good = await api('POST', '/compliance/completions/import', officer.headers, { csv: `email,course,completed,score\n${lead.email},"${course.title}",${today()},95\n` });
      expect(good.json()).toEqual({ imported: 1, passed: 1, failed: 0 });
      expect((await api('GET', `/matters/${matter.id}`, lead.headers)).statusCode).toBe(200);
      // A pass older than the refresher cycle no longer counts: the gate closes for that person.
      const old = await api('POST', '/compliance/completions/import', officer.headers, { csv: `email,course,completed,score\r\n${senior.email},${course.id},${day(instance.clock.now() - 400 * DAY)},100\r\n` });
      expect(old.json().imported).toBe(1);
      expect((await api('GET', `/matters/${seniorMatter.id}`, senior.headers)).statusCode).toBe(403);
      const status = (await api('GET', '/compliance/training/status', officer.headers)).json().items.find((s: { person: { id: string }; course: { id: string } }) => s.person.id === senior.id && s.course.id === course.id);
      expect(status.state).toBe('expired');
      expect((await countTrainingStatus(instance.system('test'))).expired).toBeGreaterThan(0);
    } finally {
      await setGate('confidentiality_training', false);
      await api('PATCH', `/compliance/courses/${course.id}`, officer.headers, { status: 'retired' });
    }
  });

  it('reminders: once per person per cycle, no client content, escalation to the compliance officer', async () => {
    const person = await buildUser(instance, { role: 'paralegal' });
    const policy = (await api('POST', '/compliance/policies', officer.headers, { title: `Clean desk ${person.id.slice(-6)}`, ownerUserId: officer.id, reviewCycleDays: 20, content: { format: 'markdown', text: 'Lock screens.' } })).json();
    await api('POST', `/compliance/policies/${policy.id}/campaigns`, officer.headers, { userIds: [person.id], dueDate: day(instance.clock.now() + 3 * DAY) });
    const clock = instance.clock as ManualClock;
    clock.advance(8 * DAY);
    const first = await runComplianceReminders(instance.services).finally(() => clock.advance(-8 * DAY));
    expect(first.failed).toBe(0);
    expect(first.sent).toBeGreaterThan(0);
    expect(mails(`Reminder: please acknowledge Clean desk ${person.id.slice(-6)}`)).toHaveLength(1);
    expect(mails(`${person.name} has not acknowledged`)).toHaveLength(1);
    expect(mails(`Policy review due: Clean desk ${person.id.slice(-6)}`)).toHaveLength(1);
    clock.advance(8 * DAY);
    const second = await runComplianceReminders(instance.services).finally(() => clock.advance(-8 * DAY));
    expect(second.sent).toBe(0);
    expect(mails(`Reminder: please acknowledge Clean desk ${person.id.slice(-6)}`)).toHaveLength(1);
    expect((await countPolicyStatus(instance.system('test'))).pendingAcknowledgements).toBeGreaterThan(0);
    await api('PATCH', `/compliance/policies/${policy.id}`, officer.headers, { status: 'retired' });
  });

  it('access reviews: the lead certifies their matters only; revoke applies at once; the deadline revokes the rest, once; CSV evidence', async () => {
    const lead = await buildUser(instance, { role: 'attorney' });
    const otherLead = await buildUser(instance, { role: 'attorney' });
    const matter = await buildMatter(instance, { lead });
    await buildMatter(instance, { lead: otherLead });
    const keepMe = await buildUser(instance, { role: 'paralegal' });
    const dropMe = await buildUser(instance, { role: 'paralegal' });
    const forgotten = await buildUser(instance, { role: 'attorney' });
    for (const [user, role] of [[keepMe, 'paralegal'], [dropMe, 'paralegal'], [forgotten, 'attorney']] as const) {
      expect((await api('PUT', `/matters/${matter.id}/team/${user.id}`, lead.headers, { role })).statusCode).toBe(200);
    }
    expect((await api('POST', '/compliance/access-reviews', lead.headers, { title: 'Mine', dueDate: today() })).statusCode).toBe(404);
    const bad = await api('POST', '/compliance/access-reviews', officer.headers, { title: 'Q1', dueDate: 'soon' });
    expect(bad.json().error.fields[0].path).toBe('body.dueDate');
    const review = await api('POST', '/compliance/access-reviews', officer.headers, { title: `Q1 ${matter.number}`, dueDate: day(instance.clock.now() + 14 * DAY) });
    expect(review.statusCode).toBe(201);
    expect(mails(`Access review: `).some((m) => m.includes(`To: ${lead.email}`))).toBe(true);
    expect(mails('Access review: ').some((m) => m.includes(matter.title))).toBe(false);
    const detail = (await api('GET', `/compliance/access-reviews/${review.json().id}`, officer.headers)).json();
    const mine = detail.itemList.filter((i: { matter: { id: string } }) => i.matter.id === matter.id);
    const itemOf = (userId: string, kind = 'seat') => mine.find((i: { person: { id: string }; kind: string }) => i.person.id === userId && i.kind === kind);
    expect(itemOf(keepMe.id)).toMatchObject({ reviewer: { id: lead.id }, role: 'paralegal' });
    expect(itemOf(lead.id)).toBeUndefined();
    // The lead's client-wide grant (from creating the client) is reviewed by nobody but another lead: none here.
    const myItems = (await api('GET', '/compliance/my/access-review-items', lead.headers)).json().items as { id: string }[];
    expect(myItems.map((i) => i.id)).toEqual(expect.arrayContaining([itemOf(keepMe.id).id, itemOf(dropMe.id).id]));

    // Another matter's lead certifying this matter's item: the same 404 as a missing item, audited.
    const probe = await api('POST', `/compliance/access-review-items/${itemOf(keepMe.id).id}/certify`, otherLead.headers, { decision: 'revoke' });
    expect(probe.statusCode).toBe(404);
    const missing = await api('POST', '/compliance/access-review-items/0190aaaa-0000-7000-8000-000000000000/certify', otherLead.headers, { decision: 'revoke' });
    expect(missing.json().error.code).toBe(probe.json().error.code);
    expect((await denials(otherLead.id, 'access_review.certify')).length).toBeGreaterThanOrEqual(2);
    // A team member who is not the lead cannot certify either.
    expect((await api('POST', `/compliance/access-review-items/${itemOf(dropMe.id).id}/certify`, forgotten.headers, { decision: 'keep' })).statusCode).toBe(404);
    const badDecision = await api('POST', `/compliance/access-review-items/${itemOf(keepMe.id).id}/certify`, lead.headers, { decision: 'maybe' });
    expect(badDecision.json().error.fields[0].path).toBe('body.decision');

    expect((await api('POST', `/compliance/access-review-items/${itemOf(keepMe.id).id}/certify`, lead.headers, { decision: 'keep' })).json().decision).toBe('keep');
    const dropped = await api('POST', `/compliance/access-review-items/${itemOf(dropMe.id).id}/certify`, lead.headers, { decision: 'revoke' });
    expect(dropped.json().revokedAt).not.toBeNull();
    expect((await api('GET', `/matters/${matter.id}`, dropMe.headers)).statusCode).toBe(404);
    expect((await api('GET', `/matters/${matter.id}`, forgotten.headers)).statusCode).toBe(200);

    // (The clock goes forward for the jobs and back for the API calls: the factories' tokens last a day.)
    const clock = instance.clock as ManualClock;
    // Three days before the deadline the lead is reminded of what is still undecided — once.
    clock.advance(12 * DAY);
    await runComplianceReminders(instance.services).finally(() => clock.advance(-12 * DAY));
    clock.advance(12 * DAY);
    await runComplianceReminders(instance.services).finally(() => clock.advance(-12 * DAY));
    expect(mails(`1 item(s) of the access review "Q1 ${matter.number}" still wait`)).toHaveLength(1);
    // Past the deadline the forgotten seat is revoked automatically — once.
    clock.advance(15 * DAY);
    const overdue = await countAccessReviewStatus(instance.system('test'));
    const run = await runAccessReviewDeadlines(instance.services).finally(() => clock.advance(-15 * DAY));
    expect(overdue.overdue).toBeGreaterThan(0);
    expect(run.failed).toBe(0);
    expect(run.revoked).toBeGreaterThan(0);
    expect((await api('GET', `/matters/${matter.id}`, forgotten.headers)).statusCode).toBe(404);
    expect((await api('GET', `/matters/${matter.id}`, keepMe.headers)).statusCode).toBe(200);
    clock.advance(15 * DAY);
    expect(await runAccessReviewDeadlines(instance.services).finally(() => clock.advance(-15 * DAY))).toEqual({ revoked: 0, failed: 0, closed: 0 });
    const revokedEvents = await instance.services.database.db.selectFrom('audit_event').select('reason').where('action', '=', 'compliance.review.revoke').where('target_user_id', '=', forgotten.id).execute();
    expect(revokedEvents).toEqual([{ reason: 'NOT_CERTIFIED_BY_DEADLINE' }]);
    const after = (await api('GET', `/compliance/access-reviews/${review.json().id}`, officer.headers)).json();
    expect(after.status).toBe('closed');
    expect(after.itemList.find((i: { person: { id: string }; kind: string }) => i.person.id === forgotten.id && i.kind === 'seat').automatic).toBe(true);
    expect((await api('POST', `/compliance/access-review-items/${itemOf(keepMe.id).id}/certify`, lead.headers, { decision: 'revoke' })).json().error.code).toBe('ACCESS_REVIEW_CLOSED');

    const evidence = await api('GET', `/compliance/access-reviews/${review.json().id}/evidence`, officer.headers);
    expect(evidence.headers['content-type']).toContain('text/csv');
    const lines = evidence.body.trim().split('\r\n');
    expect(lines[0]).toBe('review,due,item,kind,matter,person,role,reviewer,decision,decided_by,decided_at,revoked_at,automatic');
    expect(lines.some((l) => l.includes(keepMe.name) && l.includes(',keep,'))).toBe(true);
    expect(lines.some((l) => l.includes(forgotten.name) && l.endsWith(',yes'))).toBe(true);
    expect((await api('GET', `/compliance/access-reviews/${review.json().id}/evidence`, lead.headers)).statusCode).toBe(404);
  });
});
