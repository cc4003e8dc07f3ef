import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../platform/clock.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildSession, buildUser, FACTORY_PASSWORD } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';

function cookiesOf(response: { cookies: { name: string; value: string }[] }) {
  const session = response.cookies.find((c) => c.name === 'confidant_session')?.value ?? '';
  const csrf = response.cookies.find((c) => c.name === 'confidant_csrf')?.value ?? '';
  return { cookie: `confidant_session=${session}; confidant_csrf=${csrf}`, csrf, session };
}

describe.each(DIALECTS)('identity routes on %s', (dialect) => {
  let instance: TestInstance;
  beforeAll(async () => {
    instance = await createTestInstance(dialect, { env: { MFA_REQUIRED_FOR_STAFF: 'true' } });
  });
  afterAll(async () => instance?.close());
  const inject = (options: InjectOptions) => instance.app.inject(options);

  it('signs in with a password, sets strict cookies, and requires MFA for staff', async () => {
    const user = await buildUser(instance, { role: 'attorney' });
    const response = await inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: user.email.toUpperCase(), password: FACTORY_PASSWORD } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user).toMatchObject({ id: user.id, role: 'attorney', status: 'active' });
    expect(body.session).toMatchObject({ mfaRequired: true, mfaCompleted: false });
    const sessionCookie = response.cookies.find((c) => c.name === 'confidant_session')!;
    expect(sessionCookie.httpOnly).toBe(true);
    expect(sessionCookie.sameSite).toBe('Strict');
    const csrfCookie = response.cookies.find((c) => c.name === 'confidant_csrf')!;
    expect(csrfCookie.httpOnly).toBeFalsy();
    const { cookie } = cookiesOf(response);
    // Without MFA only enrollment and session info are reachable.
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie } })).statusCode).toBe(200);
    const blocked = await inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: { cookie } });
    expect(blocked.statusCode).toBe(401);
    expect(blocked.json().error.code).toBe('MFA_REQUIRED');
  });

  it('answers wrong password and unknown account identically', async () => {
    const user = await buildUser(instance, { role: 'paralegal' });
    const wrong = await inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: user.email, password: 'not the right password at all' } });
    const unknown = await inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: 'nobody@firm.example', password: 'not the right password at all' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
    expect({ ...wrong.json().error, requestId: '' }).toEqual({ ...unknown.json().error, requestId: '' });
    expect(wrong.cookies).toHaveLength(0);
  });

  it('rejects invalid sign-in input naming the field', async () => {
    const response = await inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: 'a@b.example' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
    expect(response.json().error.fields[0].path).toBe('body.password');
  });

  it('requires the CSRF header on state-changing requests with a session cookie', async () => {
    const user = await buildUser(instance, { role: 'attorney' });
    const session = await buildSession(instance, user);
    const noHeader = await inject({ method: 'POST', url: '/api/v1/auth/sessions/revoke-others', headers: { cookie: session.cookie } });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json().error.code).toBe('CSRF_FAILED');
    const wrongHeader = await inject({ method: 'POST', url: '/api/v1/auth/sessions/revoke-others', headers: { cookie: session.cookie, 'x-csrf-token': 'forged' } });
    expect(wrongHeader.statusCode).toBe(403);
    // Another session's valid CSRF pair does not work either: the token is bound to its session.
    const other = await buildSession(instance, user);
    const swapped = await inject({
      method: 'POST',
      url: '/api/v1/auth/sessions/revoke-others',
      headers: { cookie: `confidant_session=${session.cookie.split(';')[0]!.split('=')[1]}; confidant_csrf=${other.csrfToken}`, 'x-csrf-token': other.csrfToken },
    });
    expect(swapped.statusCode).toBe(403);
    const ok = await inject({ method: 'POST', url: '/api/v1/auth/sessions/revoke-others', headers: session.headers });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().revoked).toBe(1);
  });

  it('ends sessions on sign-out, idle timeout and absolute timeout', async () => {
    const clock = instance.clock as ManualClock;
    const user = await buildUser(instance, { role: 'staff' });
    const a = await buildSession(instance, user);
    expect((await inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: a.headers })).statusCode).toBe(204);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: a.headers })).statusCode).toBe(401);

    const b = await buildSession(instance, user);
    clock.advance(31 * 60_000);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: b.headers })).statusCode).toBe(401);

    const c = await buildSession(instance, user);
    for (let i = 0; i < 24; i++) {
      clock.advance(29 * 60_000);
      expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: c.headers })).statusCode).toBe(200);
    }
    clock.advance(29 * 60_000);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: c.headers })).statusCode).toBe(401);
  });

  it('authenticates bearer tokens and refuses bad, expired and revoked ones', async () => {
    const user = await buildUser(instance, { role: 'attorney' });
    const me = await inject({ method: 'GET', url: '/api/v1/auth/session', headers: user.headers });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.id).toBe(user.id);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: { authorization: 'Bearer cft_nope' } })).statusCode).toBe(401);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: { authorization: 'Basic abc' } })).statusCode).toBe(401);

    const session = await buildSession(instance, user);
    const created = await inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: session.headers, payload: { name: 'ci', scopes: ['read'], expiresInDays: 1 } });
    expect(created.statusCode).toBe(201);
    const { token, info } = created.json();
    expect(token).toMatch(/^cft_/);
    expect(info).toMatchObject({ name: 'ci', scopes: ['read'], mfaComplete: true });
    expect(JSON.stringify((await inject({ method: 'GET', url: '/api/v1/auth/tokens', headers: session.headers })).json())).not.toContain(token);
    // Read scope: GET works, writes are refused.
    expect((await inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    expect((await inject({ method: 'POST', url: '/api/v1/auth/sessions/revoke-others', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(403);
    // Tokens do not need CSRF (no ambient credential), but cannot mint more tokens.
    const minted = await inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: user.headers, payload: { name: 'x', scopes: ['api'], expiresInDays: 1 } });
    expect(minted.statusCode).toBe(403);

    expect((await inject({ method: 'DELETE', url: `/api/v1/auth/tokens/${info.id}`, headers: session.headers })).statusCode).toBe(204);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);

    const clock = instance.clock as ManualClock;
    const short = await buildUser(instance, { role: 'staff' });
    clock.advance(86_400_000 + 1);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: short.headers })).statusCode).toBe(401);
  });

  it("refuses to revoke another person's token or session (404)", async () => {
    const alice = await buildUser(instance, { role: 'attorney' });
    const mallory = await buildUser(instance, { role: 'attorney' });
    const aliceSession = await buildSession(instance, alice);
    const malSession = await buildSession(instance, mallory);
    const revoke = await inject({ method: 'DELETE', url: `/api/v1/auth/sessions/${aliceSession.sessionId}`, headers: malSession.headers });
    expect(revoke.statusCode).toBe(404);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: aliceSession.headers })).statusCode).toBe(200);
  });

  it('a token without MFA reaches only MFA-exempt routes for staff', async () => {
    const user = await buildUser(instance, { role: 'attorney', mfa: false });
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: user.headers })).statusCode).toBe(200);
    const blocked = await inject({ method: 'GET', url: '/api/v1/auth/tokens', headers: user.headers });
    expect(blocked.statusCode).toBe(401);
    expect(blocked.json().error.code).toBe('MFA_REQUIRED');
  });

  it('lets administrators manage accounts and nobody else', async () => {
    const admin = await buildUser(instance, { role: 'firm_admin' });
    const attorney = await buildUser(instance, { role: 'attorney' });
    expect((await inject({ method: 'GET', url: '/api/v1/users' })).statusCode).toBe(401);
    const denied = await inject({ method: 'GET', url: '/api/v1/users', headers: attorney.headers });
    expect(denied.statusCode).toBe(403);
    expect((await inject({ method: 'POST', url: `/api/v1/users/${admin.id}/disable`, headers: attorney.headers })).statusCode).toBe(403);
    const list = await inject({ method: 'GET', url: '/api/v1/users', headers: admin.headers });
    expect(list.statusCode).toBe(200);
    expect(list.json().users.map((u: { id: string }) => u.id)).toContain(attorney.id);
    expect(JSON.stringify(list.json())).not.toMatch(/argon2|password/i);
    expect((await inject({ method: 'GET', url: '/api/v1/users/not-a-uuid', headers: admin.headers })).statusCode).toBe(400);
  });

  it('disabling ends every session and token at once; re-enabling does not revive them', async () => {
    const admin = await buildUser(instance, { role: 'firm_admin' });
    const leaver = await buildUser(instance, { role: 'paralegal' });
    const session = await buildSession(instance, leaver);
    const disabled = await inject({ method: 'POST', url: `/api/v1/users/${leaver.id}/disable`, headers: admin.headers });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json().status).toBe('disabled');
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: session.headers })).statusCode).toBe(401);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: leaver.headers })).statusCode).toBe(401);
    const signIn = await inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: leaver.email, password: FACTORY_PASSWORD } });
    expect(signIn.statusCode).toBe(401);
    expect(signIn.json().error.code).toBe('INVALID_CREDENTIALS');
    expect((await inject({ method: 'POST', url: `/api/v1/users/${leaver.id}/enable`, headers: admin.headers })).json().status).toBe('active');
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: session.headers })).statusCode).toBe(401);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: leaver.headers })).statusCode).toBe(401);
    expect((await inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: leaver.email, password: FACTORY_PASSWORD } })).statusCode).toBe(200);
  });

  it('changes role and leaving date; the leaving date ends access when reached', async () => {
    const clock = instance.clock as ManualClock;
    const admin = await buildUser(instance, { role: 'firm_admin' });
    const mover = await buildUser(instance, { role: 'paralegal' });
    const approver = await buildUser(instance, { role: 'compliance_officer' });
    // A role change waits for a second person (two-person rule), then takes effect when approved.
    const filed = await inject({ method: 'PATCH', url: `/api/v1/users/${mover.id}`, headers: admin.headers, payload: { role: 'attorney' } });
    expect(filed.statusCode).toBe(202);
    expect((await inject({ method: 'GET', url: `/api/v1/users/${mover.id}`, headers: admin.headers })).json().role).toBe('paralegal');
    const approved = await inject({ method: 'POST', url: `/api/v1/approvals/${filed.json().approval.id}/decide`, headers: approver.headers, payload: { decision: 'approve' } });
    expect(approved.statusCode).toBe(200);
    expect((await inject({ method: 'GET', url: `/api/v1/users/${mover.id}`, headers: admin.headers })).json().role).toBe('attorney');
    expect((await inject({ method: 'PATCH', url: `/api/v1/users/${mover.id}`, headers: admin.headers, payload: { role: 'wizard' } })).statusCode).toBe(400);
    const leaving = await inject({ method: 'PATCH', url: `/api/v1/users/${mover.id}`, headers: admin.headers, payload: { leavingOn: clock.now() + 3_600_000 } });
    expect(leaving.json().status).toBe('leaving');
    const token = await buildUser(instance, { role: 'staff' });
    void token;
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: mover.headers })).statusCode).toBe(200);
    clock.advance(3_600_001);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: mover.headers })).statusCode).toBe(401);
  });
});
