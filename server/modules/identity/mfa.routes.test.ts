import type { InjectOptions } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportEvents } from '../../audit/index.js';
import type { ManualClock } from '../../platform/clock.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildUser, FACTORY_PASSWORD } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';

type Headers = Record<string, string>;

describe.each(DIALECTS)('MFA, throttling and step-up on %s', (dialect) => {
  let instance: TestInstance;
  let clock: ManualClock;
  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    clock = instance.clock as ManualClock;
  });
  afterAll(async () => instance?.close());
  const inject = (options: InjectOptions) => instance.app.inject(options);

  async function signIn(email: string, password = FACTORY_PASSWORD): Promise<Headers> {
    const response = await inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password } });
    expect(response.statusCode).toBe(200);
    const session = response.cookies.find((c) => c.name === 'confidant_session')!.value;
    const csrf = response.cookies.find((c) => c.name === 'confidant_csrf')!.value;
    return { cookie: `confidant_session=${session}; confidant_csrf=${csrf}`, 'x-csrf-token': csrf };
  }
  const codeAt = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: clock.now() });

  async function enrollTotp(headers: Headers): Promise<{ secret: string; recoveryCodes: string[] }> {
    const setup = await inject({ method: 'POST', url: '/api/v1/auth/mfa/totp/setup', headers });
    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUrl, qrDataUrl } = setup.json();
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\/Confidant:/);
    expect(qrDataUrl).toMatch(/^data:image\/png;base64,/);
    const confirm = await inject({ method: 'POST', url: '/api/v1/auth/mfa/totp/confirm', headers, payload: { code: codeAt(secret) } });
    expect(confirm.statusCode).toBe(200);
    return { secret, recoveryCodes: confirm.json().recoveryCodes };
  }

  it('enrolls TOTP from a fresh staff session, then requires it at sign-in and refuses a replayed code', async () => {
    const user = await buildUser(instance, { role: 'attorney' });
    const first = await signIn(user.email);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: first })).json().error.code).toBe('MFA_REQUIRED');
    const { secret, recoveryCodes } = await enrollTotp(first);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    // The seed is sealed at rest: the stored value is neither the seed nor contains it.
    const stored = (await instance.services.database.db.selectFrom('identity_totp').select('secret').where('user_id', '=', user.id).executeTakeFirstOrThrow()) as { secret: string };
    expect(stored.secret).not.toContain(secret);
    expect(stored.secret).not.toContain(secret.toLowerCase());
    // Enrollment completed MFA for this session.
    expect((await inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: first })).statusCode).toBe(200);

    const second = await signIn(user.email);
    const state = (await inject({ method: 'GET', url: '/api/v1/auth/session', headers: second })).json();
    expect(state.session).toMatchObject({ mfaRequired: true, mfaCompleted: false });
    expect(state.factors).toMatchObject({ totp: true, recoveryCodesLeft: 10 });
    // The code used for enrollment is spent: replaying it in the same 30 s is refused.
    const replay = await inject({ method: 'POST', url: '/api/v1/auth/mfa/totp/verify', headers: second, payload: { code: codeAt(secret) } });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('MFA_INVALID');
    clock.advance(30_000);
    const ok = await inject({ method: 'POST', url: '/api/v1/auth/mfa/totp/verify', headers: second, payload: { code: codeAt(secret) } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().session.mfaCompleted).toBe(true);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: second })).statusCode).toBe(200);
  });

  it('does not let a password-only session add a factor once one exists', async () => {
    const user = await buildUser(instance, { role: 'paralegal' });
    await enrollTotp(await signIn(user.email));
    const attacker = await signIn(user.email);
    const setup = await inject({ method: 'POST', url: '/api/v1/auth/mfa/totp/setup', headers: attacker });
    expect(setup.statusCode).toBe(401);
    expect(setup.json().error.code).toBe('MFA_REQUIRED');
    const passkey = await inject({ method: 'POST', url: '/api/v1/auth/passkeys/registration/options', headers: attacker });
    expect(passkey.json().error.code).toBe('MFA_REQUIRED');
  });

  it('accepts each recovery code once', async () => {
    const user = await buildUser(instance, { role: 'staff' });
    const { recoveryCodes } = await enrollTotp(await signIn(user.email));
    const session = await signIn(user.email);
    const used = await inject({ method: 'POST', url: '/api/v1/auth/mfa/recovery', headers: session, payload: { code: recoveryCodes[0]!.toUpperCase() } });
    expect(used.statusCode).toBe(200);
    expect(used.json().factors.recoveryCodesLeft).toBe(9);
    const again = await signIn(user.email);
    const reused = await inject({ method: 'POST', url: '/api/v1/auth/mfa/recovery', headers: again, payload: { code: recoveryCodes[0]! } });
    expect(reused.statusCode).toBe(401);
    expect(reused.json().error.code).toBe('MFA_INVALID');
  });

  it('locks the second factor after 5 failures without locking the password, and vice versa', async () => {
    const user = await buildUser(instance, { role: 'attorney' });
    const { secret } = await enrollTotp(await signIn(user.email));
    const session = await signIn(user.email);
    for (let i = 0; i < 5; i++) {
      const wrong = await inject({ method: 'POST', url: '/api/v1/auth/mfa/totp/verify', headers: session, payload: { code: '000000' } });
      expect(wrong.statusCode).toBe(401);
    }
    clock.advance(30_000);
    const locked = await inject({ method: 'POST', url: '/api/v1/auth/mfa/totp/verify', headers: session, payload: { code: codeAt(secret) } });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('ACCOUNT_LOCKED');
    // Password sign-in is a separate counter: still works.
    await signIn(user.email);
    clock.advance(15 * 60_000 + 1);
    const later = await signIn(user.email);
    expect((await inject({ method: 'POST', url: '/api/v1/auth/mfa/totp/verify', headers: later, payload: { code: codeAt(secret) } })).statusCode).toBe(200);
  });

  it('locks password sign-in after 10 failures, the same way for unknown accounts', async () => {
    const user = await buildUser(instance, { role: 'staff' });
    const attempt = (email: string, password: string) => inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password }, remoteAddress: '10.0.0.7' });
    for (let i = 0; i < 10; i++) {
      expect((await attempt(user.email, `wrong password number ${i}`)).statusCode).toBe(401);
      expect((await attempt('ghost@firm.example', `wrong password number ${i}`)).statusCode).toBe(401);
    }
    const real = await attempt(user.email, FACTORY_PASSWORD);
    const ghost = await attempt('ghost@firm.example', FACTORY_PASSWORD);
    expect(real.statusCode).toBe(429);
    expect(ghost.statusCode).toBe(429);
    expect({ ...real.json().error, requestId: '' }).toEqual({ ...ghost.json().error, requestId: '' });
    clock.advance(15 * 60_000 + 1);
    expect((await attempt(user.email, FACTORY_PASSWORD)).statusCode).toBe(200);
  });

  it('requires a second factor within 10 minutes for sensitive changes (step-up)', async () => {
    const user = await buildUser(instance, { role: 'attorney' });
    const session = await signIn(user.email);
    const { secret } = await enrollTotp(session);
    clock.advance(11 * 60_000);
    const denied = await inject({ method: 'POST', url: '/api/v1/auth/mfa/recovery-codes', headers: session });
    expect(denied.statusCode).toBe(401);
    expect(denied.json().error.code).toBe('STEP_UP_REQUIRED');
    expect((await inject({ method: 'POST', url: '/api/v1/auth/mfa/totp/verify', headers: session, payload: { code: codeAt(secret) } })).statusCode).toBe(200);
    const renewed = await inject({ method: 'POST', url: '/api/v1/auth/mfa/recovery-codes', headers: session });
    expect(renewed.statusCode).toBe(200);
    expect(renewed.json().recoveryCodes).toHaveLength(10);
  });

  it('audits sign-in outcomes, MFA and lockouts without secrets', async () => {
    const user = await buildUser(instance, { role: 'attorney' });
    await inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: user.email, password: 'a wrong but long password' } });
    const session = await signIn(user.email);
    const { secret } = await enrollTotp(session);
    const lines: string[] = [];
    await exportEvents(instance.services, (line) => void lines.push(line));
    // Each exported line carries the event's canonical JSON leaf in base64.
    const leaves = lines.map((l) => JSON.parse(l) as { type: string; leaf?: string }).filter((l) => l.type === 'event').map((l) => Buffer.from(l.leaf!, 'base64').toString('utf8'));
    const text = leaves.join('\n');
    const mine = leaves.filter((leaf) => leaf.includes(user.id)).map((leaf) => JSON.parse(leaf) as Record<string, unknown>);
    const actions = mine.map((e) => `${String(e.action)}:${String(e.outcome)}`);
    expect(actions).toEqual(expect.arrayContaining(['user.sign_in:denied', 'user.sign_in:allowed', 'user.mfa_enroll:allowed', 'token.create:allowed', 'user.create:allowed']));
    expect(text).not.toContain('a wrong but long password');
    expect(text).not.toContain(FACTORY_PASSWORD);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(user.token);
  });
});
