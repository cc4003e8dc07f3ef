/**
 * The posture dashboard from both sides (issue 19, point 7): findings that flip when their
 * condition changes (the MFA gate, a second factor, a backup and a drill, too many
 * administrators, the audit verification, training), the score moving with them, one snapshot a
 * day for the trend, and the attacker's side — unauthenticated, a bad `days`, an attorney or a
 * staff member asking for the firm's posture (the audited 404) — and no names on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_VERIFY } from '../../audit/index.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildUser, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import type { ManualClock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { createToken } from '../identity/index.js';
import { postureReport, takePostureSnapshot } from './index.js';

type Headers = Record<string, string>;
interface FindingBody {
  key: string;
  ok: boolean;
  severity: string;
  title: string;
  summary: string;
  figures: Record<string, number | null>;
  fix: { text: string; path: string | null };
}
const DAY = 86_400_000;

describe.each(DIALECTS)('posture on %s', (dialect) => {
  let instance: TestInstance;
  let officer: BuiltUser;
  let admin: BuiltUser;
  let attorney: BuiltUser;
  let clerk: BuiltUser;

  const api = (method: 'GET' | 'PUT' | 'POST' | 'PATCH', url: string, headers: Headers = {}, payload?: unknown) =>
    instance.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload !== undefined ? { payload: payload as string } : {}) });
  const posture = async (headers: Headers = officer.headers) => {
    const response = await api('GET', '/compliance/posture', headers);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { score: number; generatedAt: string; findings: FindingBody[]; byRole: { role: string; active: number; withoutSecondFactor: number }[] };
  };
  const findingOf = async (key: string) => (await posture()).findings.find((f) => f.key === key)!;
  const setGate = async (gate: string, enabled: boolean) => expect((await api('PUT', `/access/gates/${gate}`, officer.headers, { enabled })).statusCode).toBe(200);
  const db = () => instance.services.database.db;
  /** The factories' tokens last a day: after the clock moves, sign the officer and the administrator in again. */
  const advance = async (ms: number) => {
    (instance.clock as ManualClock).advance(ms);
    for (const user of [officer, admin]) {
      const { token } = await createToken(instance.system('factory'), { userId: user.id, name: 'factory', scopes: ['api'], expiresInMs: DAY, mfaComplete: true, createdBy: 'cli' });
      user.headers = { authorization: `Bearer ${token}` };
    }
  };
  const addRun = async (kind: 'backup' | 'drill', at: number, ok = true) =>
    db()
      .insertInto('backup_runs' as never)
      .values({ id: newId(), kind, started_at: at - 1000, finished_at: at, ok: ok ? 1 : 0, target: '/backups', backup_id: newId(), requested_by: null, error_code: ok ? null : 'BACKUP_FAILED', detail: '{}' } as never)
      .execute();
  const enrolTotp = async (userId: string) =>
    db()
      .insertInto('identity_totp' as never)
      .values({ user_id: userId, secret: 'sealed-test-secret', confirmed_at: instance.clock.now(), last_step: null, created_at: instance.clock.now() } as never)
      .execute();

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    officer = await buildUser(instance, { role: 'compliance_officer' });
    admin = await buildUser(instance, { role: 'firm_admin' });
    attorney = await buildUser(instance, { role: 'attorney' });
    clerk = await buildUser(instance, { role: 'staff' });
  });
  afterAll(async () => {
    await instance?.close();
  });

  it('answers 401 unauthenticated, the audited 404 to an attorney and a staff member, 400 naming `days`', async () => {
    for (const url of ['/compliance/posture', '/compliance/posture/trend']) expect((await api('GET', url)).statusCode).toBe(401);
    for (const user of [attorney, clerk]) {
      for (const url of ['/compliance/posture', '/compliance/posture/trend?days=30']) {
        const refused = await api('GET', url, user.headers);
        expect(refused.statusCode).toBe(404);
        expect(refused.json().error.code).toBe('ACCESS_DENIED');
        expect(refused.body).not.toContain('score');
      }
      const denied = await db().selectFrom('audit_event').select(['action', 'outcome']).where('actor_id', '=', user.id).where('outcome', '=', 'denied').execute();
      expect(denied.filter((e) => e.action === 'compliance.manage').length).toBe(2);
    }
    for (const days of ['0', '367', 'abc', '1.5']) {
      const bad = await api('GET', `/compliance/posture/trend?days=${days}`, officer.headers);
      expect(bad.statusCode, days).toBe(400);
      expect(bad.json().error.fields[0].path).toBe('querystring.days');
    }
    const unknown = await api('GET', '/compliance/posture/trend?limit=3', officer.headers);
    expect(unknown.statusCode).toBe(400);
    // The firm administrator sees it too.
    expect((await api('GET', '/compliance/posture', admin.headers)).statusCode).toBe(200);
  });

  it('shows every finding with a fix, counts only: no name or email of anyone', async () => {
    const body = await posture();
    expect(body.findings.map((f) => f.key).sort()).toEqual(
      ['access_reviews_overdue', 'agreements_expired', 'audit_verification_failing', 'audit_verification_stale', 'backup_stale', 'drill_stale', 'gates_off', 'leavers_not_disabled', 'master_key_beside_database', 'mfa_not_enforced', 'policies_unacknowledged', 'stale_accounts', 'staff_without_mfa', 'too_many_administrators', 'training_overdue'].sort(),
    );
    for (const f of body.findings) expect(f.fix.text.length).toBeGreaterThan(10);
    const text = JSON.stringify(body);
    for (const user of [officer, admin, attorney, clerk]) {
      expect(text).not.toContain(user.name);
      expect(text).not.toContain(user.email);
      expect(text).not.toContain(user.id);
    }
    // Failing first, then by severity.
    const firstOk = body.findings.findIndex((f) => f.ok);
    expect(body.findings.slice(firstOk).every((f) => f.ok)).toBe(true);
    // The defaults: no backup yet, the master key in the data folder, the gates after MFA off.
    const failing = new Set(body.findings.filter((f) => !f.ok).map((f) => f.key));
    for (const key of ['backup_stale', 'drill_stale', 'master_key_beside_database', 'gates_off', 'staff_without_mfa', 'audit_verification_stale']) expect(failing, key).toContain(key);
    expect(failing).not.toContain('mfa_not_enforced');
    expect(body.byRole.find((r) => r.role === 'attorney')).toMatchObject({ active: 1, withoutSecondFactor: 1 });
    expect(body.score).toBeGreaterThan(0);
    expect(body.score).toBeLessThan(100);

    // Each fix links to its page for whoever may open it, and names who does it for the others.
    const officerView = new Map(body.findings.map((f) => [f.key, f.fix]));
    const adminView = new Map((await posture(admin.headers)).findings.map((f) => [f.key, f.fix]));
    expect(adminView.get('staff_without_mfa')).toMatchObject({ path: '/admin/users' });
    expect(officerView.get('staff_without_mfa')).toMatchObject({ path: null });
    expect(officerView.get('staff_without_mfa')!.text).toMatch(/^Ask the firm administrator: /);
    expect(officerView.get('access_reviews_overdue')).toMatchObject({ path: '/compliance/reviews' });
    expect(adminView.get('access_reviews_overdue')).toMatchObject({ path: null });
    expect(adminView.get('access_reviews_overdue')!.text).toMatch(/^Ask the compliance officer: Start a quarterly access review/);
    expect(adminView.get('backup_stale')).toMatchObject({ path: '/backups' });
    expect(officerView.get('backup_stale')).toMatchObject({ path: '/backups' });
  });

  it('the MFA gate switched off: the finding fails and the score drops; on again, it recovers', async () => {
    const before = await posture();
    expect(before.findings.find((f) => f.key === 'mfa_not_enforced')!.ok).toBe(true);
    await setGate('mfa', false);
    try {
      const after = await posture();
      const mfa = after.findings.find((f) => f.key === 'mfa_not_enforced')!;
      expect(mfa).toMatchObject({ ok: false, severity: 'critical', fix: { path: '/access/gates' } });
      expect(after.findings[0]!.key).toBe('mfa_not_enforced');
      // The score: the passing findings' weight over all, documented in docs/posture.md.
      expect(after.score).toBe(Math.round((100 * weightOf(after.findings.filter((f) => f.ok))) / weightOf(after.findings)));
      expect(before.score - after.score).toBe(Math.round((100 * weightOf(before.findings.filter((f) => f.ok))) / weightOf(before.findings)) - after.score);
      expect(after.score).toBeLessThan(before.score);
    } finally {
      await setGate('mfa', true);
    }
    expect((await posture()).score).toBe(before.score);
  });

  it('a successful backup and drill make their findings pass; an old one or a failed one does not', async () => {
    const now = instance.clock.now();
    await addRun('backup', now - 5 * DAY);
    await addRun('backup', now - 1000, false);
    expect(await findingOf('backup_stale')).toMatchObject({ ok: false, figures: { daysSinceBackup: 5, maxDays: 2 } });
    const before = (await posture()).score;
    await addRun('backup', now - 1000);
    expect(await findingOf('backup_stale')).toMatchObject({ ok: true, figures: { daysSinceBackup: 0 } });
    expect((await posture()).score).toBeGreaterThan(before);
    expect((await findingOf('drill_stale')).ok).toBe(false);
    await addRun('drill', now - 1000);
    expect((await findingOf('drill_stale')).ok).toBe(true);
  });

  it('staff without a second factor, too many administrators, stale accounts: counts that follow the facts', async () => {
    const without = (await findingOf('staff_without_mfa')).figures.people!;
    await enrolTotp(attorney.id);
    expect((await findingOf('staff_without_mfa')).figures.people).toBe(without - 1);
    expect((await posture()).byRole.find((r) => r.role === 'attorney')).toMatchObject({ active: 1, withoutSecondFactor: 0 });

    expect((await findingOf('too_many_administrators')).ok).toBe(true);
    const extra = [await buildUser(instance, { role: 'firm_admin' }), await buildUser(instance, { role: 'firm_admin' })];
    expect(await findingOf('too_many_administrators')).toMatchObject({ ok: false, figures: { administrators: 3, max: 2 } });
    for (const user of extra) expect((await api('POST', `/users/${user.id}/disable`, admin.headers)).statusCode).toBe(200);
    expect((await findingOf('too_many_administrators')).ok).toBe(true);

    // A leaver past the leaving date whose account nobody disabled.
    expect((await findingOf('leavers_not_disabled')).ok).toBe(true);
    expect((await api('PATCH', `/users/${clerk.id}`, admin.headers, { leavingOn: instance.clock.now() + DAY })).statusCode).toBe(200);
    expect(await findingOf('leavers_not_disabled')).toMatchObject({ ok: true, figures: { people: 0, leavingSoon: 1 } });
    await advance(2 * DAY);
    expect(await findingOf('leavers_not_disabled')).toMatchObject({ ok: false, figures: { people: 1, leavingSoon: 0 } });

    expect((await findingOf('stale_accounts')).ok).toBe(true);
    await advance(89 * DAY);
    const stale = await findingOf('stale_accounts');
    expect(stale.ok).toBe(false);
    // The officer, the administrator and the attorney (API tokens open no session; the clerk has left).
    expect(stale.figures.people).toBe(3);
  });

  it('the audit verification: never run is stale; a run that passes clears it', async () => {
    expect(await findingOf('audit_verification_stale')).toMatchObject({ ok: false, figures: { hoursSinceVerification: null } });
    expect((await findingOf('audit_verification_failing')).ok).toBe(true);
    if (dialect !== 'sqlite') return; // the job runs on the in-process queue here (pg-boss elsewhere)
    await instance.services.jobs.enqueue(JOB_VERIFY);
    await instance.services.jobs.idle();
    expect(await findingOf('audit_verification_stale')).toMatchObject({ ok: true, figures: { hoursSinceVerification: 0 } });
    expect((await findingOf('audit_verification_failing')).ok).toBe(true);
  });

  it('one snapshot a day: the job is idempotent, the dashboard takes it when none is there, the trend lists them', async () => {
    const first = await takePostureSnapshot(instance.services);
    expect(await takePostureSnapshot(instance.services)).toBe(false);
    const today = new Date(instance.clock.now()).toISOString().slice(0, 10);
    const count = async () => (await db().selectFrom('posture_snapshots' as never).select('day' as never).execute()).length;
    const n = await count();
    expect(first || n > 0).toBe(true);
    await advance(DAY);
    await posture();
    expect(await count()).toBe(n + 1);
    await posture();
    expect(await count()).toBe(n + 1);
    const trend = await api('GET', '/compliance/posture/trend?days=366', officer.headers);
    expect(trend.statusCode).toBe(200);
    const points = trend.json().points as { day: string; score: number; findings: { key: string; ok: boolean }[]; byRole: unknown[] }[];
    expect(points.length).toBe(n + 1);
    expect(points.map((p) => p.day)).toEqual([...points.map((p) => p.day)].sort());
    expect(points.some((p) => p.day === today)).toBe(true);
    expect(points.at(-1)!.findings.length).toBe(15);
    const short = await api('GET', '/compliance/posture/trend?days=1', officer.headers);
    expect(short.json().points.length).toBe(1);
  });

  it('postureReport(ctx) for the evidence pack: the same findings from a system context, refused to an attorney', async () => {
    const report = await postureReport(instance.system('evidence'));
    expect(report.findings.length).toBe(15);
    expect(report.score).toBeGreaterThanOrEqual(0);
    const asAttorney = { ...instance.system('x'), actor: { kind: 'user' as const, userId: attorney.id, role: 'attorney' as const, clientId: null, sessionId: null, tokenId: null, mfaAt: instance.clock.now() } };
    await expect(postureReport(asAttorney)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
  });
});

function weightOf(findings: { severity: string }[]): number {
  const weights: Record<string, number> = { critical: 25, high: 15, medium: 8, low: 3 };
  return findings.reduce((sum, f) => sum + weights[f.severity]!, 0);
}
