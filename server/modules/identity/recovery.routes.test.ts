/**
 * Getting back in, from the attacker's side: an invitation resent kills the old link; a reset
 * link is single use, short-lived and still needs the second factor; asking for one says nothing
 * about whether the address exists; a lost factor is reset only with a second person's approval;
 * a person whose sessions someone else ended is told why, and nobody else is.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../platform/clock.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildSession, buildUser, FACTORY_PASSWORD, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { settleIdentityBackground } from './recovery.service.js';

type Headers = Record<string, string>;
const NEW_PASSWORD = 'an entirely different passphrase 58';

describe.each(DIALECTS)('recovery on %s', (dialect) => {
  let instance: TestInstance;
  let clock: ManualClock;
  let admin: BuiltUser;
  let officer: BuiltUser;
  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    clock = instance.clock as ManualClock;
    admin = await buildUser(instance, { role: 'firm_admin' });
    officer = await buildUser(instance, { role: 'compliance_officer' });
  });
  afterAll(async () => instance?.close());
  const inject = (options: InjectOptions) => instance.app.inject(options);
  const events = async (userId: string, action: string) =>
    (await sql<{ outcome: string; reason: string | null }>`select outcome, reason from audit_event where target_user_id = ${userId} and action = ${action} order by seq`.execute(instance.services.database.db)).rows;

  function mailsTo(email: string): string[] {
    const dir = instance.config.mail.outboxDir;
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .sort()
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .filter((m) => m.startsWith(`To: ${email}\n`));
  }
  const tokenIn = (mail: string | undefined, path: string) => new RegExp(`/${path}#([A-Za-z0-9_-]+)`).exec(mail ?? '')?.[1] ?? '';

  function cookiesOf(response: { cookies: { name: string; value: string }[] }): Headers {
    const session = response.cookies.find((c) => c.name === 'confidant_session')!.value;
    const csrf = response.cookies.find((c) => c.name === 'confidant_csrf')!.value;
    return { cookie: `confidant_session=${session}; confidant_csrf=${csrf}`, 'x-csrf-token': csrf };
  }
  async function signIn(email: string, password = FACTORY_PASSWORD): Promise<Headers> {
    const response = await inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password } });
    expect(response.statusCode).toBe(200);
    return cookiesOf(response);
  }
  const codeAt = (secret: string, offset = 0) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: clock.now() + offset });
  async function enrollTotp(email: string): Promise<{ secret: string; recoveryCodes: string[]; session: Headers }> {
    const session = await signIn(email);
    const { secret } = (await inject({ method: 'POST', url: '/api/v1/auth/mfa/totp/setup', headers: session })).json();
    const confirm = await inject({ method: 'POST', url: '/api/v1/auth/mfa/totp/confirm', headers: session, payload: { code: codeAt(secret) } });
    expect(confirm.statusCode).toBe(200);
    return { secret, recoveryCodes: confirm.json().recoveryCodes, session };
  }
  async function askReset(email: string) {
    const response = await inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email } });
    await settleIdentityBackground(instance.services);
    return response;
  }

  describe('invitations', () => {
    it('shows an invitation as pending, and a resend kills the old link', async () => {
      const invited = await inject({ method: 'POST', url: '/api/v1/users', headers: admin.headers, payload: { email: 'pending.person@firm.example', name: 'Pending Person', role: 'paralegal' } });
      // A compliance officer exists, so the invitation waits for them.
      expect(invited.statusCode).toBe(202);
      expect((await inject({ method: 'POST', url: `/api/v1/approvals/${invited.json().approval.id}/decide`, headers: officer.headers, payload: { decision: 'approve' } })).statusCode).toBe(200);
      const user = (await inject({ method: 'GET', url: '/api/v1/users', headers: admin.headers })).json().users.find((u: { email: string }) => u.email === 'pending.person@firm.example');
      expect(user).toMatchObject({ status: 'active', invitationPending: true });
      const oldToken = tokenIn(mailsTo('pending.person@firm.example')[0], 'invite');
      expect(oldToken).not.toBe('');

      const resent = await inject({ method: 'POST', url: `/api/v1/users/${user.id}/invitation`, headers: admin.headers });
      expect(resent.statusCode).toBe(200);
      expect(resent.json()).toMatchObject({ user: { id: user.id, invitationPending: true }, delivered: 'outbox' });
      const newToken = tokenIn(mailsTo('pending.person@firm.example')[1], 'invite');
      expect(newToken).not.toBe(oldToken);
      expect(await events(user.id, 'user.invite_resend')).toEqual([{ outcome: 'allowed', reason: null }]);

      const old = await inject({ method: 'POST', url: '/api/v1/auth/invite/accept', payload: { token: oldToken, password: NEW_PASSWORD } });
      expect(old.statusCode).toBe(401);
      expect(old.json().error.code).toBe('TOKEN_INVALID');
      const accepted = await inject({ method: 'POST', url: '/api/v1/auth/invite/accept', payload: { token: newToken, password: NEW_PASSWORD } });
      expect(accepted.statusCode).toBe(200);
      expect(accepted.json().user.invitationPending).toBe(false);
      // Accepted: nothing left to resend.
      const again = await inject({ method: 'POST', url: `/api/v1/users/${user.id}/invitation`, headers: admin.headers });
      expect(again.statusCode).toBe(409);
    });

    it('refuses a resend to anyone but an administrator, without credentials, and with a bad id', async () => {
      const attorney = await buildUser(instance, { role: 'attorney' });
      const byAttorney = await inject({ method: 'POST', url: `/api/v1/users/${attorney.id}/invitation`, headers: attorney.headers });
      expect(byAttorney.statusCode).toBe(403);
      expect((await inject({ method: 'POST', url: `/api/v1/users/${attorney.id}/invitation` })).statusCode).toBe(401);
      const bad = await inject({ method: 'POST', url: '/api/v1/users/not-a-uuid/invitation', headers: admin.headers });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.fields[0].path).toBe('params.id');
      const missing = await inject({ method: 'POST', url: '/api/v1/users/00000000-0000-4000-8000-000000000000/invitation', headers: admin.headers });
      expect(missing.statusCode).toBe(404);
    });
  });

  describe('forgot password', () => {
    it('answers an unknown address exactly like a real one, and mails only the real one', async () => {
      const user = await buildUser(instance, { role: 'attorney' });
      const real = await askReset(user.email.toUpperCase());
      const unknown = await askReset('nobody.here@firm.example');
      expect(real.statusCode).toBe(202);
      expect(unknown.statusCode).toBe(202);
      expect(real.body).toBe(unknown.body);
      expect(real.cookies).toEqual(unknown.cookies);
      expect(mailsTo(user.email)).toHaveLength(1);
      expect(mailsTo('nobody.here@firm.example')).toHaveLength(0);
      expect(await events(user.id, 'user.password_reset_request')).toHaveLength(1);
      // The mail says how long the link works and that the second factor is still needed; the token is in the fragment.
      expect(mailsTo(user.email)[0]).toMatch(/\/reset-password#[A-Za-z0-9_-]{40,}/);
      expect(mailsTo(user.email)[0]).toContain('30 minutes');
      const bad = await inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: {} });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.fields[0].path).toBe('body.email');
    });

    it('acts on at most three requests per address in 15 minutes, silently', async () => {
      const user = await buildUser(instance, { role: 'staff' });
      const answers = [];
      for (let i = 0; i < 5; i += 1) answers.push((await askReset(user.email)).statusCode);
      expect(answers).toEqual([202, 202, 202, 202, 202]);
      expect(mailsTo(user.email)).toHaveLength(3);
      clock.advance(16 * 60_000);
      await askReset(user.email);
      expect(mailsTo(user.email)).toHaveLength(4);
    });

    it('needs the second factor before any session exists; then ends every session and token; the link works once', async () => {
      const user = await buildUser(instance, { role: 'attorney' });
      const { secret, session: oldSession } = await enrollTotp(user.email);
      await askReset(user.email);
      const token = tokenIn(mailsTo(user.email).at(-1), 'reset-password');
      const inspected = await inject({ method: 'POST', url: '/api/v1/auth/password-reset/inspect', payload: { token } });
      expect(inspected.json()).toEqual({ factors: { totp: true, passkey: false, recoveryCode: true } });

      // The link alone (someone who read the mailbox) is not enough: no session, no change.
      const noFactor = await inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, password: NEW_PASSWORD } });
      expect(noFactor.statusCode).toBe(401);
      expect(noFactor.json().error).toMatchObject({ code: 'MFA_REQUIRED', fields: [{ path: 'body.code' }] });
      expect(noFactor.cookies).toHaveLength(0);
      const wrong = await inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, password: NEW_PASSWORD, code: '000000' } });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().error).toMatchObject({ code: 'MFA_INVALID', fields: [{ path: 'body.code' }] });
      expect(wrong.cookies).toHaveLength(0);
      expect((await inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: user.email, password: FACTORY_PASSWORD } })).statusCode).toBe(200);
      expect((await events(user.id, 'user.password_reset')).map((e) => `${e.outcome}:${e.reason}`)).toEqual(['denied:NO_SECOND_FACTOR', 'denied:TOTP_BAD_CODE']);

      const weak = await inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, password: 'short', code: codeAt(secret, 30_000) } });
      expect(weak.statusCode).toBe(400);
      expect(weak.json().error).toMatchObject({ code: 'PASSWORD_TOO_WEAK', fields: [{ path: 'body.password' }] });

      clock.advance(30_000);
      const done = await inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, password: NEW_PASSWORD, code: codeAt(secret) } });
      expect(done.statusCode).toBe(200);
      expect(done.json().session).toMatchObject({ mfaRequired: true, mfaCompleted: true });
      // Every earlier session and token is gone; the new password works, the old one does not.
      expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: oldSession })).statusCode).toBe(401);
      expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: user.headers })).statusCode).toBe(401);
      expect((await inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: cookiesOf(done) })).statusCode).toBe(200);
      expect((await inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: user.email, password: FACTORY_PASSWORD } })).statusCode).toBe(401);
      expect((await inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: user.email, password: NEW_PASSWORD } })).statusCode).toBe(200);
      expect((await events(user.id, 'user.password_reset')).at(-1)).toMatchObject({ outcome: 'allowed', reason: expect.stringMatching(/^TOTP:\d+s:1t$/) });

      // Spent: the same link again, even with a fresh code, is refused.
      clock.advance(30_000);
      const reuse = await inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, password: 'yet another unusual passphrase 12', code: codeAt(secret) } });
      expect(reuse.statusCode).toBe(401);
      expect(reuse.json().error.code).toBe('TOKEN_INVALID');
      expect((await inject({ method: 'POST', url: '/api/v1/auth/password-reset/inspect', payload: { token } })).statusCode).toBe(401);
      // No secret in the audit log.
      const log = JSON.stringify((await sql`select * from audit_event where target_user_id = ${user.id}`.execute(instance.services.database.db)).rows);
      expect(log).not.toContain(token);
      expect(log).not.toContain(NEW_PASSWORD);
    });

    it('accepts a recovery code once, and only the newest link', async () => {
      const user = await buildUser(instance, { role: 'paralegal' });
      const { recoveryCodes } = await enrollTotp(user.email);
      await askReset(user.email);
      const first = tokenIn(mailsTo(user.email).at(-1), 'reset-password');
      await askReset(user.email);
      const second = tokenIn(mailsTo(user.email).at(-1), 'reset-password');
      const older = await inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token: first, password: NEW_PASSWORD, recoveryCode: recoveryCodes[0] } });
      expect(older.statusCode).toBe(401);
      expect(older.json().error.code).toBe('TOKEN_INVALID');
      const done = await inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token: second, password: NEW_PASSWORD, recoveryCode: recoveryCodes[0] } });
      expect(done.statusCode).toBe(200);
      // The recovery code is spent.
      await askReset(user.email);
      const third = tokenIn(mailsTo(user.email).at(-1), 'reset-password');
      const spent = await inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token: third, password: 'yet another unusual passphrase 12', recoveryCode: recoveryCodes[0] } });
      expect(spent.statusCode).toBe(401);
      expect(spent.json().error).toMatchObject({ code: 'MFA_INVALID', fields: [{ path: 'body.recoveryCode' }] });
    });

    it('refuses an expired link, a made-up one, and malformed input naming the field', async () => {
      const user = await buildUser(instance, { role: 'staff' });
      await askReset(user.email);
      const token = tokenIn(mailsTo(user.email).at(-1), 'reset-password');
      clock.advance(31 * 60_000);
      const expired = await inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, password: NEW_PASSWORD } });
      expect(expired.statusCode).toBe(401);
      expect(expired.json().error.code).toBe('TOKEN_INVALID');
      const madeUp = await inject({ method: 'POST', url: '/api/v1/auth/password-reset/inspect', payload: { token: 'x'.repeat(43) } });
      expect(madeUp.statusCode).toBe(401);
      const missing = await inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { password: NEW_PASSWORD } });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().error.fields[0].path).toBe('body.token');
      const extra = await inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, password: NEW_PASSWORD, userId: user.id } });
      expect(extra.statusCode).toBe(400);
    });
  });

  describe('lost second factor', () => {
    it('is reset only after a second person approves; the person enrols anew at the next sign-in', async () => {
      const person = await buildUser(instance, { role: 'attorney' });
      const { session } = await enrollTotp(person.email);
      const filed = await inject({ method: 'POST', url: `/api/v1/users/${person.id}/mfa-reset`, headers: admin.headers });
      expect(filed.statusCode).toBe(202);
      expect(filed.json().approval).toMatchObject({ kind: 'identity.mfa.reset', status: 'pending', subjectUserId: person.id });
      // Nothing happened yet.
      expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: session })).json().factors.totp).toBe(true);
      // The requester cannot approve their own request.
      const own = await inject({ method: 'POST', url: `/api/v1/approvals/${filed.json().approval.id}/decide`, headers: admin.headers, payload: { decision: 'approve' } });
      expect(own.statusCode).toBe(403);
      expect(own.json().error.code).toBe('SEPARATION_OF_DUTIES');
      const approved = await inject({ method: 'POST', url: `/api/v1/approvals/${filed.json().approval.id}/decide`, headers: officer.headers, payload: { decision: 'approve' } });
      expect(approved.statusCode).toBe(200);
      expect(await events(person.id, 'user.mfa_reset')).toEqual([{ outcome: 'allowed', reason: expect.stringMatching(/^1totp:0pk:\d+s:1t$/) }]);
      expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: session })).statusCode).toBe(401);
      const next = await inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: person.email, password: FACTORY_PASSWORD } });
      expect(next.json().session).toMatchObject({ mfaRequired: true, mfaCompleted: false });
      expect(next.json().factors).toEqual({ totp: false, passkeys: 0, recoveryCodesLeft: 0 });
      expect(mailsTo(person.email).some((m) => m.includes('second factor was reset'))).toBe(true);
    });

    it('nobody resets their own factor, approves one about themselves, or files one without being an administrator', async () => {
      const self = await inject({ method: 'POST', url: `/api/v1/users/${admin.id}/mfa-reset`, headers: admin.headers });
      expect(self.statusCode).toBe(403);
      expect(self.json().error.code).toBe('SEPARATION_OF_DUTIES');
      expect(await events(admin.id, 'user.mfa_reset')).toEqual([{ outcome: 'denied', reason: 'SEPARATION_OF_DUTIES' }]);
      // A reset of the compliance officer's factor: the officer may not approve it.
      const secondAdmin = await buildUser(instance, { role: 'firm_admin' });
      const aboutOfficer = await inject({ method: 'POST', url: `/api/v1/users/${officer.id}/mfa-reset`, headers: admin.headers });
      expect(aboutOfficer.statusCode).toBe(202);
      const bySubject = await inject({ method: 'POST', url: `/api/v1/approvals/${aboutOfficer.json().approval.id}/decide`, headers: officer.headers, payload: { decision: 'approve' } });
      expect(bySubject.statusCode).toBe(403);
      expect((await inject({ method: 'POST', url: `/api/v1/approvals/${aboutOfficer.json().approval.id}/decide`, headers: secondAdmin.headers, payload: { decision: 'reject' } })).statusCode).toBe(200);
      // Not an administrator: refused and audited.
      const attorney = await buildUser(instance, { role: 'attorney' });
      const byAttorney = await inject({ method: 'POST', url: `/api/v1/users/${officer.id}/mfa-reset`, headers: attorney.headers });
      expect(byAttorney.statusCode).toBe(403);
      const denied = (await sql<{ reason: string }>`select reason from audit_event where actor_id = ${attorney.id} and action = 'user.manage' and outcome = 'denied'`.execute(instance.services.database.db)).rows;
      expect(denied).toEqual([{ reason: 'FIRM_ROLE' }]);
      expect((await inject({ method: 'POST', url: `/api/v1/users/${officer.id}/mfa-reset` })).statusCode).toBe(401);
      expect((await inject({ method: 'POST', url: '/api/v1/users/nope/mfa-reset', headers: admin.headers })).json().error.fields[0].path).toBe('params.id');
    });
  });

  describe('why a session ended', () => {
    it('tells the holder of a session an administrator ended, once; tells nobody else anything', async () => {
      const user = await buildUser(instance, { role: 'staff' });
      const session = await buildSession(instance, user);
      const ended = await inject({ method: 'POST', url: `/api/v1/users/${user.id}/sessions/revoke-all`, headers: admin.headers });
      expect(ended.statusCode).toBe(200);
      const refused = await inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: session.cookie } });
      expect(refused.statusCode).toBe(401);
      // The cookie stays until the sign-in page has said why.
      expect(refused.cookies.find((c) => c.name === 'confidant_session')).toBeUndefined();
      const told = await inject({ method: 'GET', url: '/api/v1/auth/session/ended', headers: { cookie: session.cookie } });
      expect(told.json()).toEqual({ ended: { at: clock.now(), reason: 'administrator' } });
      expect(told.cookies.find((c) => c.name === 'confidant_session')?.value).toBe('');
      // No cookie, a made-up one, or a session the person ended themselves: nothing.
      expect((await inject({ method: 'GET', url: '/api/v1/auth/session/ended' })).json()).toEqual({ ended: null });
      expect((await inject({ method: 'GET', url: '/api/v1/auth/session/ended', headers: { cookie: 'confidant_session=made-up' } })).json()).toEqual({ ended: null });
      const own = await buildSession(instance, user);
      expect((await inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: own.headers })).statusCode).toBe(204);
      expect((await inject({ method: 'GET', url: '/api/v1/auth/session/ended', headers: { cookie: own.cookie } })).json()).toEqual({ ended: null });
    });

    it('says "security" for a containment', async () => {
      const user = await buildUser(instance, { role: 'attorney' });
      const session = await buildSession(instance, user);
      const { containUser } = await import('./users.service.js');
      await containUser(instance.system('audit.monitor'), user.id, 'RULE');
      expect((await inject({ method: 'GET', url: '/api/v1/auth/session/ended', headers: { cookie: session.cookie } })).json().ended.reason).toBe('security');
    });
  });
});
