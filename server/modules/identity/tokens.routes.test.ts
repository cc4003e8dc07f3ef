/**
 * API tokens from the attacker's side: an old (stolen or idle) MFA-complete session cannot mint a
 * token, a token never passes step-up, tokens are bounded by TOKEN_MAX_LIFETIME_DAYS, and a
 * password change or "sign out other sessions" ends them.
 */
import type { InjectOptions } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../platform/clock.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildClient, buildMatter, buildSession, buildUser, FACTORY_PASSWORD, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { createToken } from './index.js';

type Headers = Record<string, string>;

describe.each(DIALECTS)('API tokens and step-up on %s', (dialect) => {
  let instance: TestInstance;
  let clock: ManualClock;
  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    clock = instance.clock as ManualClock;
  });
  afterAll(async () => instance?.close());
  const inject = (options: InjectOptions) => instance.app.inject(options);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  async function mint(headers: Headers, expiresInDays = 30) {
    return inject({ method: 'POST', url: '/api/v1/auth/tokens', headers, payload: { name: 'script', scopes: ['api'], expiresInDays } });
  }

  /** A user with TOTP enrolled and a signed-in, MFA-complete session (the factor checked just now). */
  async function enrolled(): Promise<{ user: BuiltUser; session: Headers; secret: string }> {
    const user = await buildUser(instance, { role: 'attorney' });
    const signIn = await inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: user.email, password: FACTORY_PASSWORD } });
    const cookie = `confidant_session=${signIn.cookies.find((c) => c.name === 'confidant_session')!.value}; confidant_csrf=${signIn.cookies.find((c) => c.name === 'confidant_csrf')!.value}`;
    const session = { cookie, 'x-csrf-token': signIn.cookies.find((c) => c.name === 'confidant_csrf')!.value };
    const { secret } = (await inject({ method: 'POST', url: '/api/v1/auth/mfa/totp/setup', headers: session })).json() as { secret: string };
    const code = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: clock.now() });
    expect((await inject({ method: 'POST', url: '/api/v1/auth/mfa/totp/confirm', headers: session, payload: { code } })).statusCode).toBe(200);
    return { user, session, secret };
  }

  it('refuses to mint a token from a session whose second factor is older than the step-up window', async () => {
    const user = await buildUser(instance, { role: 'attorney' });
    const session = await buildSession(instance, user);
    clock.advance(11 * 60_000);
    const refused = await mint(session.headers);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('STEP_UP_REQUIRED');
    // A session that never completed a factor cannot mint either (a client's is refused before
    // step-up: their second factor is always required).
    const client = await buildUser(instance, { role: 'client' });
    const noFactor = await buildSession(instance, client, { mfa: false });
    expect((await mint(noFactor.headers)).json().error.code).toBe('MFA_REQUIRED');
    expect((await inject({ method: 'GET', url: '/api/v1/auth/tokens', headers: session.headers })).json().tokens.filter((t: { name: string }) => t.name === 'script')).toHaveLength(0);
  });

  it('a freshly minted token never satisfies step-up: no new recovery codes, no removing factors', async () => {
    const { session } = await enrolled();
    const minted = await mint(session);
    expect(minted.statusCode).toBe(201);
    const token = bearer(minted.json().token as string);
    // Right after minting (well within the window) and later: refused both times.
    for (const advance of [0, 20 * 60_000]) {
      clock.advance(advance);
      const codes = await inject({ method: 'POST', url: '/api/v1/auth/mfa/recovery-codes', headers: token });
      expect(codes.statusCode).toBe(401);
      expect(codes.json().error.code).toBe('STEP_UP_REQUIRED');
      const removeTotp = await inject({ method: 'DELETE', url: '/api/v1/auth/mfa/totp', headers: token });
      expect(removeTotp.json().error.code).toBe('STEP_UP_REQUIRED');
    }
    // The factory's operator-issued (CLI) token is refused the same way.
    const scripted = await buildUser(instance, { role: 'attorney' });
    expect((await inject({ method: 'POST', url: '/api/v1/auth/mfa/recovery-codes', headers: scripted.headers })).json().error.code).toBe('STEP_UP_REQUIRED');
    // The token still works for ordinary, MFA-gated requests.
    expect((await inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: token })).statusCode).toBe(200);
  });

  it('a token cannot export a client: step-up is refused even for the client’s own lead', async () => {
    const alice = await buildUser(instance, { role: 'attorney' });
    const client = await buildClient(instance, { by: alice, kind: 'person', name: 'Token Export Client', email: 'tec@example.org' });
    const { clientId } = await buildMatter(instance, { client, title: 'A matter' });
    expect(clientId).toBeTruthy();
    const session = await buildSession(instance, alice);
    const minted = await mint(session.headers);
    expect(minted.statusCode).toBe(201);
    for (const headers of [bearer(minted.json().token as string), alice.headers]) {
      const exported = await inject({ method: 'POST', url: `/api/v1/clients/${clientId}/export`, headers, payload: { recipients: ['age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq'] } });
      expect(exported.statusCode).toBe(401);
      expect(exported.json().error.code).toBe('STEP_UP_REQUIRED');
    }
  });

  it('bounds token lifetime by TOKEN_MAX_LIFETIME_DAYS (default 90), for the CLI path too', async () => {
    const user = await buildUser(instance, { role: 'staff' });
    const session = await buildSession(instance, user);
    const tooLong = await mint(session.headers, 91);
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.code).toBe('VALIDATION_FAILED');
    expect(tooLong.json().error.fields[0].path).toBe('body.expiresInDays');
    expect((await mint(session.headers, 90)).statusCode).toBe(201);
    await expect(createToken(instance.system('cli.token.create'), { userId: user.id, name: 'cli', scopes: ['api'], expiresInMs: 366 * 86_400_000, mfaComplete: true, createdBy: 'cli' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const cli = await createToken(instance.system('cli.token.create'), { userId: user.id, name: 'cli', scopes: ['api'], expiresInMs: 90 * 86_400_000, mfaComplete: true, createdBy: 'cli' });
    expect(cli.view.expiresAt - cli.view.createdAt).toBe(90 * 86_400_000);
  });

  it('a password change ends every token of the user', async () => {
    const user = await buildUser(instance, { role: 'attorney' });
    const session = await buildSession(instance, user);
    const minted = bearer((await mint(session.headers)).json().token as string);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: minted })).statusCode).toBe(200);
    const changed = await inject({ method: 'POST', url: '/api/v1/auth/password', headers: session.headers, payload: { currentPassword: FACTORY_PASSWORD, newPassword: 'an entirely new passphrase for 2027' } });
    expect(changed.statusCode).toBe(204);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: minted })).statusCode).toBe(401);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: user.headers })).statusCode).toBe(401);
    // The session that changed it stays signed in.
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: session.headers })).statusCode).toBe(200);
  });

  it('"sign out other sessions" and an administrator\'s "end all sessions" end tokens too', async () => {
    const user = await buildUser(instance, { role: 'attorney' });
    const session = await buildSession(instance, user);
    const minted = bearer((await mint(session.headers)).json().token as string);
    const others = await inject({ method: 'POST', url: '/api/v1/auth/sessions/revoke-others', headers: session.headers });
    expect(others.statusCode).toBe(200);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: minted })).statusCode).toBe(401);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: user.headers })).statusCode).toBe(401);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: session.headers })).statusCode).toBe(200);

    const admin = await buildUser(instance, { role: 'firm_admin' });
    const second = bearer((await mint((await buildSession(instance, user)).headers)).json().token as string);
    expect((await inject({ method: 'POST', url: `/api/v1/users/${user.id}/sessions/revoke-all`, headers: admin.headers })).statusCode).toBe(200);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: second })).statusCode).toBe(401);
  });
});
