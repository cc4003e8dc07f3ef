/**
 * The compliance jobs and counts on real databases (issue 19): reminders for agreements and
 * training once per person per cycle and never silent when mail fails; the access review deadline
 * never silent when a revocation fails (alert, error, retried); the summary counts a posture
 * reads; and every admin endpoint refused to an ordinary user (audited) and a firm administrator
 * kept out of access reviews.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildAgreement, buildCourse, buildMatter, buildPolicy, buildUser, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import type { ManualClock } from '../../platform/clock.js';
import { complianceSummary, countAgreementStatus, countTrainingStatus, runAccessReviewDeadlines, runComplianceReminders } from './index.js';

const DAY = 86_400_000;
const day = (at: number) => new Date(at).toISOString().slice(0, 10);

describe.each(DIALECTS)('compliance jobs on %s', (dialect) => {
  let instance: TestInstance;
  let officer: BuiltUser;
  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Record<string, string>, payload?: unknown) =>
    instance.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload !== undefined ? { payload: payload as string } : {}) });
  const mails = (needle: string) => readdirSync(instance.config.mail.outboxDir).map((f) => readFileSync(join(instance.config.mail.outboxDir, f), 'utf8')).filter((m) => m.includes(needle));
  const clock = () => instance.clock as ManualClock;
  /** Runs `work` as if `days` later, then returns (the factories' tokens last a day). */
  async function later<T>(days: number, work: () => Promise<T>): Promise<T> {
    clock().advance(days * DAY);
    try {
      return await work();
    } finally {
      clock().advance(-days * DAY);
    }
  }

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    officer = await buildUser(instance, { role: 'compliance_officer' });
  });
  afterAll(async () => {
    await instance?.close();
  });

  it('refuses every admin endpoint to an ordinary user (404, audited) and access reviews to the firm administrator', async () => {
    const clerk = await buildUser(instance, { role: 'staff' });
    const admin = await buildUser(instance, { role: 'firm_admin' });
    const id = '0190aaaa-0000-7000-8000-000000000000';
    const calls: [('GET' | 'POST' | 'PATCH'), string, unknown?][] = [
      ['POST', '/compliance/agreements', { userId: clerk.id, party: 'employee', title: 'NDA', signedDate: '2026-01-01' }],
      ['POST', `/compliance/agreements/${id}/revoke`],
      ['POST', '/compliance/courses', { title: 'C', roles: ['staff'], passMark: 50 }],
      ['PATCH', `/compliance/courses/${id}`, { status: 'retired' }],
      ['GET', '/compliance/completions'],
      ['POST', '/compliance/completions', { courseId: id, userId: clerk.id, completedDate: '2026-01-01' }],
      ['POST', '/compliance/completions/import', { csv: 'email,course,completed\n' }],
      ['GET', '/compliance/training/status'],
      ['POST', `/compliance/policies/${id}/campaigns`, { roles: ['staff'], dueDate: '2099-01-01' }],
      ['POST', `/compliance/policies/${id}/versions`, { content: { format: 'markdown', text: 'x' } }],
      ['POST', '/compliance/access-reviews', { title: 'Q', dueDate: '2099-01-01' }],
      ['POST', '/compliance/access-reviews/run-deadlines'],
      ['GET', `/compliance/access-reviews/${id}/evidence`],
    ];
    for (const [method, url, body] of calls) expect((await api(method, url, clerk.headers, body)).statusCode, `${method} ${url}`).toBe(404);
    const denied = await instance.services.database.db.selectFrom('audit_event').select('action').where('actor_id', '=', clerk.id).where('outcome', '=', 'denied').execute();
    expect(denied.length).toBeGreaterThanOrEqual(calls.length);
    expect((await api('POST', '/compliance/access-reviews', admin.headers, { title: 'Q', dueDate: '2099-01-01' })).statusCode).toBe(404);
    expect((await api('GET', '/compliance/training/status', admin.headers)).statusCode).toBe(200);
    // A clerk still has their own page.
    expect((await api('GET', '/compliance/my/training', clerk.headers)).statusCode).toBe(200);
  });

  it('reminds of an ending agreement and due training once per cycle, and counts them', async () => {
    const person = await buildUser(instance, { role: 'paralegal' });
    const course = (await api('POST', '/compliance/courses', officer.headers, { title: `Ethics ${person.id.slice(-6)}`, roles: ['paralegal'], passMark: 70, dueWithinDays: 10 })).json();
    const ends = day(instance.clock.now() + 20 * DAY);
    expect((await api('POST', '/compliance/agreements', officer.headers, { userId: person.id, party: 'contractor', title: `NDA ${person.id.slice(-6)}`, signedDate: day(instance.clock.now() - 300 * DAY), expiresDate: ends })).statusCode).toBe(201);
    const before = await countAgreementStatus(instance.system('test'));
    expect(before.expiring).toBeGreaterThan(0);
    const first = await runComplianceReminders(instance.services);
    expect(first.failed).toBe(0);
    expect(mails(`NDA ${person.id.slice(-6)}`).length).toBe(1 + 1); // the person and the one compliance officer
    expect(mails(`Training due: Ethics ${person.id.slice(-6)}`)).toHaveLength(1);
    await runComplianceReminders(instance.services);
    expect(mails(`NDA ${person.id.slice(-6)}`)).toHaveLength(2);
    expect(mails(`Training due: Ethics ${person.id.slice(-6)}`)).toHaveLength(1);
    // Overdue is the same cycle (same due date): no second mail; the counts see it.
    const overdue = await later(11, () => runComplianceReminders(instance.services).then(async () => countTrainingStatus(instance.system('test'))));
    expect(overdue.overdue).toBeGreaterThan(0);
    expect(mails(`Ethics ${person.id.slice(-6)}`)).toHaveLength(1);
    await api('PATCH', `/compliance/courses/${course.id}`, officer.headers, { status: 'retired' });
  });

  it('a failed mail fails the run, raises an alert and is sent by the next run', async () => {
    const person = await buildUser(instance, { role: 'staff' });
    const title = `Clear desk ${person.id.slice(-6)}`;
    const policy = (await api('POST', '/compliance/policies', officer.headers, { title, ownerUserId: officer.id, content: { format: 'markdown', text: 'Clear your desk.' } })).json();
    await api('POST', `/compliance/policies/${policy.id}/campaigns`, officer.headers, { userIds: [person.id], dueDate: day(instance.clock.now() + 30 * DAY) });
    const mailer = instance.services.mailer;
    const send = mailer.send.bind(mailer);
    mailer.send = async (message) => {
      if (message.subject.includes(title)) throw new Error('smtp down');
      return send(message);
    };
    try {
      await expect(later(8, () => runComplianceReminders(instance.services))).rejects.toThrow(/could not be sent/);
    } finally {
      mailer.send = send;
    }
    const alerts = await instance.services.database.db.selectFrom('audit_alert' as 'audit_event').selectAll().execute();
    expect(JSON.stringify(alerts)).toContain('compliance_failure');
    expect(mails(`Reminder: please acknowledge ${title}`)).toHaveLength(0);
    await later(8, () => runComplianceReminders(instance.services));
    expect(mails(`Reminder: please acknowledge ${title}`)).toHaveLength(1);
    await api('PATCH', `/compliance/policies/${policy.id}`, officer.headers, { status: 'retired' });
  });

  it('a first request whose mail failed is sent by the next run, once', async () => {
    const person = await buildUser(instance, { role: 'staff' });
    const title = `Visitors ${person.id.slice(-6)}`;
    const policy = (await api('POST', '/compliance/policies', officer.headers, { title, ownerUserId: officer.id, content: { format: 'markdown', text: 'Sign visitors in.' } })).json();
    const mailer = instance.services.mailer;
    const send = mailer.send.bind(mailer);
    mailer.send = async () => {
      throw new Error('smtp down');
    };
    try {
      expect((await api('POST', `/compliance/policies/${policy.id}/campaigns`, officer.headers, { userIds: [person.id], dueDate: day(instance.clock.now() + 30 * DAY) })).statusCode).toBe(201);
    } finally {
      mailer.send = send;
    }
    expect(mails(`Please read and acknowledge: ${title}`)).toHaveLength(0);
    await runComplianceReminders(instance.services);
    await runComplianceReminders(instance.services);
    expect(mails(`Please read and acknowledge: ${title}`)).toHaveLength(1);
    await api('PATCH', `/compliance/policies/${policy.id}`, officer.headers, { status: 'retired' });
  });

  it('the deadline job is never silent: a revocation that fails is kept, alerted, thrown, and retried', async () => {
    const matter = await buildMatter(instance);
    const helper = await buildUser(instance, { role: 'paralegal' });
    expect((await instance.app.inject({ method: 'PUT', url: `/api/v1/matters/${matter.id}/team/${helper.id}`, headers: matter.lead.headers, payload: { role: 'paralegal' } })).statusCode).toBe(200);
    const review = (await api('POST', '/compliance/access-reviews', officer.headers, { title: 'Failing', dueDate: day(instance.clock.now() + DAY) })).json();
    const items = (await api('GET', `/compliance/access-reviews/${review.id}`, officer.headers)).json().itemList as { id: string; person: { id: string } }[];
    const item = items.find((i) => i.person.id === helper.id)!;
    // Make the revocation impossible: the item now names a grant that does not exist.
    await instance.services.database.db.updateTable('compliance_review_items').set({ kind: 'grant', grant_id: '0190aaaa-0000-7000-8000-00000000dead' }).where('id', '=', item.id).execute();
    await expect(later(2, () => runAccessReviewDeadlines(instance.services))).rejects.toThrow(/failed/);
    const alerts = await instance.services.database.db.selectFrom('audit_alert' as 'audit_event').selectAll().execute();
    expect(JSON.stringify(alerts)).toContain('access_review_deadline');
    const kept = (await api('GET', `/compliance/access-reviews/${review.id}`, officer.headers)).json();
    expect(kept.status).toBe('open');
    expect(kept.itemList.find((i: { id: string }) => i.id === item.id).revokedAt).toBeNull();
    // Put it right: the next run revokes it and closes the campaign.
    await instance.services.database.db.updateTable('compliance_review_items').set({ kind: 'seat', grant_id: null }).where('id', '=', item.id).execute();
    const retried = await later(2, () => runAccessReviewDeadlines(instance.services));
    expect(retried.failed).toBe(0);
    expect(retried.revoked).toBeGreaterThanOrEqual(1);
    expect((await api('GET', `/matters/${matter.id}`, helper.headers)).statusCode).toBe(404);
    const summary = await complianceSummary(instance.system('test'));
    expect(summary.accessReviews.daysSinceLastCampaign).toBe(0);
  });

  it('all three gates at once: client data opens only with a current agreement, training and the required policy acknowledged', async () => {
    const lead = await buildUser(instance, { role: 'attorney' });
    const matter = await buildMatter(instance, { lead });
    const policy = await buildPolicy(instance, { by: officer });
    const course = await buildCourse(instance, { by: officer, input: { roles: ['attorney'] } });
    const open = async () => (await api('GET', `/matters/${matter.id}`, lead.headers)).statusCode;
    const gates = ['confidentiality_agreement', 'confidentiality_training', 'policy_acknowledged'];
    for (const gate of gates) expect((await instance.app.inject({ method: 'PUT', url: `/api/v1/access/gates/${gate}`, headers: officer.headers, payload: { enabled: true } })).statusCode).toBe(200);
    try {
      expect(await open()).toBe(403);
      await buildAgreement(instance, { person: lead, by: officer });
      expect(await open()).toBe(403);
      expect((await api('POST', '/compliance/completions', officer.headers, { courseId: course.id, userId: lead.id, completedDate: day(instance.clock.now()), score: 80 })).json().passed).toBe(true);
      expect(await open()).toBe(403);
      expect((await api('POST', `/compliance/policies/${policy.id}/acknowledge`, lead.headers, { version: policy.version })).statusCode).toBe(200);
      expect(await open()).toBe(200);
      // Making another policy required closes it again until that one is acknowledged too.
      const second = await buildPolicy(instance, { by: officer });
      expect(await open()).toBe(403);
      await api('PATCH', `/compliance/policies/${second.id}`, officer.headers, { required: false });
      expect(await open()).toBe(200);
    } finally {
      for (const gate of gates) await instance.app.inject({ method: 'PUT', url: `/api/v1/access/gates/${gate}`, headers: officer.headers, payload: { enabled: false } });
      await api('PATCH', `/compliance/courses/${course.id}`, officer.headers, { status: 'retired' });
      await api('PATCH', `/compliance/policies/${policy.id}`, officer.headers, { status: 'retired' });
    }
  });
});
