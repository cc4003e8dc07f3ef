import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildSession, buildUser, FACTORY_PASSWORD } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { SoftAuthenticator } from '../../test-support/soft-authenticator.js';
import { settleIdentityBackground } from './recovery.service.js';

type Headers = Record<string, string>;

describe.each(DIALECTS)('passkeys on %s', (dialect) => {
  let instance: TestInstance;
  let rpId: string;
  let origin: string;
  beforeAll(async () => {
    instance = await createTestInstance(dialect, { env: { PUBLIC_URL: 'https://confidant.firm.example' } });
    rpId = 'confidant.firm.example';
    origin = 'https://confidant.firm.example';
  });
  afterAll(async () => instance?.close());
  const inject = (options: InjectOptions) => instance.app.inject(options);

  async function signIn(email: string): Promise<Headers> {
    const response = await inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password: FACTORY_PASSWORD } });
    const session = response.cookies.find((c) => c.name === 'confidant_session')!.value;
    const csrf = response.cookies.find((c) => c.name === 'confidant_csrf')!.value;
    return { cookie: `confidant_session=${session}; confidant_csrf=${csrf}`, 'x-csrf-token': csrf };
  }

  async function register(headers: Headers, authenticator: SoftAuthenticator) {
    const options = (await inject({ method: 'POST', url: '/api/v1/auth/passkeys/registration/options', headers })).json();
    expect(options.rp).toEqual({ name: 'Confidant', id: rpId });
    return inject({ method: 'POST', url: '/api/v1/auth/passkeys/registration/verify', headers, payload: { response: authenticator.register(options), name: 'Laptop' } });
  }

  it('registers a passkey as the first factor, then uses it as the second factor at sign-in', async () => {
    const user = await buildUser(instance, { role: 'attorney' });
    const authenticator = new SoftAuthenticator(rpId, origin);
    const first = await signIn(user.email);
    const registered = await register(first, authenticator);
    expect(registered.statusCode).toBe(200);
    expect(registered.json().recoveryCodes).toHaveLength(10);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/passkeys', headers: first })).json().passkeys).toEqual([expect.objectContaining({ name: 'Laptop' })]);

    const second = await signIn(user.email);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/passkeys', headers: second })).json().error.code).toBe('MFA_REQUIRED');
    const options = (await inject({ method: 'POST', url: '/api/v1/auth/passkeys/authentication/options', headers: second })).json();
    expect(options.allowCredentials).toHaveLength(1);
    const verified = await inject({ method: 'POST', url: '/api/v1/auth/passkeys/authentication/verify', headers: second, payload: { response: authenticator.assert(options) } });
    expect(verified.statusCode).toBe(200);
    expect(verified.json().session.mfaCompleted).toBe(true);
  });

  it('refuses an assertion from another origin, a replayed challenge, and a stranger’s authenticator', async () => {
    const user = await buildUser(instance, { role: 'paralegal' });
    const authenticator = new SoftAuthenticator(rpId, origin);
    await register(await signIn(user.email), authenticator);
    const session = await signIn(user.email);

    const phishing = (await inject({ method: 'POST', url: '/api/v1/auth/passkeys/authentication/options', headers: session })).json();
    const fromPhishingSite = await inject({
      method: 'POST',
      url: '/api/v1/auth/passkeys/authentication/verify',
      headers: session,
      payload: { response: authenticator.assert(phishing, 'https://confidant-firm.example.evil') },
    });
    expect(fromPhishingSite.statusCode).toBe(401);
    expect(fromPhishingSite.json().error.code).toBe('MFA_INVALID');

    const options = (await inject({ method: 'POST', url: '/api/v1/auth/passkeys/authentication/options', headers: session })).json();
    const assertion = authenticator.assert(options);
    expect((await inject({ method: 'POST', url: '/api/v1/auth/passkeys/authentication/verify', headers: session, payload: { response: assertion } })).statusCode).toBe(200);
    const replayed = await inject({ method: 'POST', url: '/api/v1/auth/passkeys/authentication/verify', headers: session, payload: { response: assertion } });
    expect(replayed.statusCode).toBe(401);

    const stranger = new SoftAuthenticator(rpId, origin);
    const next = await signIn(user.email);
    const strangerOptions = (await inject({ method: 'POST', url: '/api/v1/auth/passkeys/authentication/options', headers: next })).json();
    expect((await inject({ method: 'POST', url: '/api/v1/auth/passkeys/authentication/verify', headers: next, payload: { response: stranger.assert(strangerOptions) } })).statusCode).toBe(401);
  });

  it('accepts one assertion raced against itself exactly once (the challenge is taken by one request)', async () => {
    const user = await buildUser(instance, { role: 'staff' });
    const authenticator = new SoftAuthenticator(rpId, origin);
    await register(await signIn(user.email), authenticator);
    const session = await signIn(user.email);
    const options = (await inject({ method: 'POST', url: '/api/v1/auth/passkeys/authentication/options', headers: session })).json();
    const assertion = authenticator.assert(options);
    const results = await Promise.all(Array.from({ length: 4 }, () => inject({ method: 'POST', url: '/api/v1/auth/passkeys/authentication/verify', headers: session, payload: { response: assertion } })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401, 401, 401]);
  });

  it('confirms a password reset with a passkey, bound to the link, from the right origin only', async () => {
    const user = await buildUser(instance, { role: 'attorney' });
    const authenticator = new SoftAuthenticator(rpId, origin);
    expect((await register(await signIn(user.email), authenticator)).statusCode).toBe(200);
    await inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: user.email } });
    await settleIdentityBackground(instance.services);
    const dir = instance.config.mail.outboxDir;
    const mail = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).find((m) => m.startsWith(`To: ${user.email}\n`));
    const token = /\/reset-password#([A-Za-z0-9_-]+)/.exec(mail ?? '')?.[1] ?? '';
    expect((await inject({ method: 'POST', url: '/api/v1/auth/password-reset/inspect', payload: { token } })).json().factors).toEqual({ totp: false, passkey: true, recoveryCode: true });
    const password = 'a brand new unusual passphrase 64';
    const phishing = (await inject({ method: 'POST', url: '/api/v1/auth/password-reset/passkey-options', payload: { token } })).json();
    const fromPhishingSite = await inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, password, passkey: authenticator.assert(phishing, 'https://confidant-firm.example.evil') } });
    expect(fromPhishingSite.statusCode).toBe(401);
    expect(fromPhishingSite.json().error).toMatchObject({ code: 'MFA_INVALID', fields: [{ path: 'body.passkey' }] });
    const options = (await inject({ method: 'POST', url: '/api/v1/auth/password-reset/passkey-options', payload: { token } })).json();
    expect(options.rpId).toBe(rpId);
    const done = await inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, password, passkey: authenticator.assert(options) } });
    expect(done.statusCode).toBe(200);
    expect(done.json().session.mfaCompleted).toBe(true);
  });
});

describe.each(DIALECTS)('passkeys and the server address on %s', (dialect) => {
  it('serves a loopback address to passkeys as localhost', async () => {
    const instance = await createTestInstance(dialect, { env: { PUBLIC_URL: 'http://127.0.0.1:8181' } });
    try {
      const user = await buildUser(instance, { role: 'staff' });
      const session = await buildSession(instance, user);
      const options = (await instance.app.inject({ method: 'POST', url: '/api/v1/auth/passkeys/registration/options', headers: session.headers })).json();
      expect(options.rp.id).toBe('localhost');
    } finally {
      await instance.close();
    }
  });

  it('says plainly that a bare IP address cannot use passkeys', async () => {
    const instance = await createTestInstance(dialect, { env: { PUBLIC_URL: 'http://192.168.1.20:8080' } });
    try {
      const user = await buildUser(instance, { role: 'staff' });
      const session = await buildSession(instance, user);
      const refused = await instance.app.inject({ method: 'POST', url: '/api/v1/auth/passkeys/registration/options', headers: session.headers });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('PASSKEYS_NEED_DOMAIN');
      expect(refused.json().error.message).toContain('Passkeys need a domain name');
    } finally {
      await instance.close();
    }
  });
});
