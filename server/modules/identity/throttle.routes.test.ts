/**
 * Throttling under parallel attack: bursts of concurrent guesses (app.inject + Promise.all) must
 * not get more verifications than the limit, a lock must hold against the right credential, and
 * failures arriving while locked must never lift the lock. Same for TOTP and recovery codes, and
 * a recovery code raced against itself works once.
 */
import type { InjectOptions } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../platform/clock.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildUser, FACTORY_PASSWORD } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';

type Headers = Record<string, string>;
const BURST = 50;

describe.each(DIALECTS)('throttles hold against parallel bursts on %s', (dialect) => {
  let instance: TestInstance;
  let clock: ManualClock;
  let address = 0;
  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    clock = instance.clock as ManualClock;
  });
  afterAll(async () => instance?.close());
  const inject = (options: InjectOptions) => instance.app.inject(options);
  // Each test comes from its own address, so per-address counters of one test do not touch another.
  const nextAddress = () => `10.9.0.${++address}`;

  async function signIn(email: string, remoteAddress: string): Promise<Headers> {
    const response = await inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password: FACTORY_PASSWORD }, remoteAddress });
    expect(response.statusCode).toBe(200);
    const session = response.cookies.find((c) => c.name === 'confidant_session')!.value;
    const csrf = response.cookies.find((c) => c.name === 'confidant_csrf')!.value;
    return { cookie: `confidant_session=${session}; confidant_csrf=${csrf}`, 'x-csrf-token': csrf };
  }
  const codeAt = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: clock.now() });
  /** A 6-digit code that is not valid at the current time (nor one step either side). */
  const wrongCode = (secret: string) => {
    const valid = new Set([-30_000, 0, 30_000].map((d) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: clock.now() + d })));
    for (let n = 0; ; n++) {
      const code = String(n).padStart(6, '0');
      if (!valid.has(code)) return code;
    }
  };

  async function enrolledUser(remoteAddress: string) {
    const user = await buildUser(instance, { role: 'attorney' });
    const first = await signIn(user.email, remoteAddress);
    const setup = await inject({ method: 'POST', url: '/api/v1/auth/mfa/totp/setup', headers: first, remoteAddress });
    const { secret } = setup.json() as { secret: string };
    const confirm = await inject({ method: 'POST', url: '/api/v1/auth/mfa/totp/confirm', headers: first, payload: { code: codeAt(secret) }, remoteAddress });
    expect(confirm.statusCode).toBe(200);
    clock.advance(30_000);
    return { user, secret, recoveryCodes: confirm.json().recoveryCodes as string[] };
  }

  async function eventsOf(userId: string, action: string) {
    return instance.services.database.db.selectFrom('audit_event').select(['outcome', 'reason']).where('target_user_id', '=', userId).where('action', '=', action).execute();
  }

  it(`lets at most 10 of ${BURST} parallel wrong passwords be checked, then refuses the right one while locked`, async () => {
    const user = await buildUser(instance, { role: 'staff' });
    const remoteAddress = nextAddress();
    const burst = await Promise.all(
      Array.from({ length: BURST }, (_, i) => inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: user.email, password: `wrong password number ${i}` }, remoteAddress })),
    );
    const statuses = burst.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(BURST - 10);
    // The lock holds: the right password is refused, from this address and from another one.
    const right = await inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: user.email, password: FACTORY_PASSWORD }, remoteAddress });
    expect(right.statusCode).toBe(429);
    expect(right.json().error.code).toBe('ACCOUNT_LOCKED');
    expect((await inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: user.email, password: FACTORY_PASSWORD }, remoteAddress: nextAddress() })).statusCode).toBe(429);
    // Exactly 10 denied checks were audited, and one lockout.
    expect((await eventsOf(user.id, 'user.sign_in')).filter((e) => e.outcome === 'denied')).toHaveLength(10);
    expect(await eventsOf(user.id, 'user.lockout')).toHaveLength(1);
    clock.advance(15 * 60_000 + 1);
    expect((await inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: user.email, password: FACTORY_PASSWORD }, remoteAddress })).statusCode).toBe(200);
  });

  it('never lifts a lock by failing: more wrong passwords while locked keep it locked', async () => {
    const user = await buildUser(instance, { role: 'paralegal' });
    const remoteAddress = nextAddress();
    const attempt = (password: string) => inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: user.email, password }, remoteAddress });
    for (let i = 0; i < 10; i++) expect((await attempt(`wrong password number ${i}`)).statusCode).toBe(401);
    for (let round = 0; round < 3; round++) {
      const more = await Promise.all(Array.from({ length: 10 }, (_, i) => attempt(`still wrong ${round}-${i}`)));
      expect(more.every((r) => r.statusCode === 429)).toBe(true);
      expect((await attempt(FACTORY_PASSWORD)).statusCode).toBe(429);
    }
  });

  it('a success gives back its own attempt only: good sign-ins from one office address never lock it', async () => {
    const remoteAddress = nextAddress();
    const users = await Promise.all(Array.from({ length: 5 }, () => buildUser(instance, { role: 'staff' })));
    // 105 good sign-ins from one address (the per-address limit is 100).
    for (let round = 0; round < 21; round++) {
      const results = await Promise.all(users.map((u) => inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: u.email, password: FACTORY_PASSWORD }, remoteAddress })));
      expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    }
  });

  it(`lets at most 5 of ${BURST} parallel wrong TOTP codes be checked, then refuses the right code while locked`, async () => {
    const remoteAddress = nextAddress();
    const { user, secret } = await enrolledUser(remoteAddress);
    const session = await signIn(user.email, remoteAddress);
    const code = wrongCode(secret);
    const burst = await Promise.all(Array.from({ length: BURST }, () => inject({ method: 'POST', url: '/api/v1/auth/mfa/totp/verify', headers: session, payload: { code }, remoteAddress })));
    const statuses = burst.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(BURST - 5);
    const right = await inject({ method: 'POST', url: '/api/v1/auth/mfa/totp/verify', headers: session, payload: { code: codeAt(secret) }, remoteAddress });
    expect(right.statusCode).toBe(429);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: session, remoteAddress })).json().error.code).toBe('MFA_REQUIRED');
    expect((await eventsOf(user.id, 'user.lockout')).map((e) => e.reason)).toEqual(['FACTOR']);
  });

  it(`lets at most 5 of ${BURST} parallel wrong recovery codes be checked, then refuses a real one while locked`, async () => {
    const remoteAddress = nextAddress();
    const { user, recoveryCodes } = await enrolledUser(remoteAddress);
    const session = await signIn(user.email, remoteAddress);
    const burst = await Promise.all(
      Array.from({ length: BURST }, (_, i) => inject({ method: 'POST', url: '/api/v1/auth/mfa/recovery', headers: session, payload: { code: `aaaa-bbbb-cccc-${String(i).padStart(4, '0')}` }, remoteAddress })),
    );
    const statuses = burst.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(BURST - 5);
    expect((await inject({ method: 'POST', url: '/api/v1/auth/mfa/recovery', headers: session, payload: { code: recoveryCodes[0]! }, remoteAddress })).statusCode).toBe(429);
  });

  it('accepts a recovery code raced against itself exactly once', async () => {
    const remoteAddress = nextAddress();
    const { user, recoveryCodes } = await enrolledUser(remoteAddress);
    // Four racers: all fit under the factor limit (5), so each one's code really is checked.
    const sessions = await Promise.all(Array.from({ length: 4 }, () => signIn(user.email, remoteAddress)));
    const results = await Promise.all(sessions.map((headers) => inject({ method: 'POST', url: '/api/v1/auth/mfa/recovery', headers, payload: { code: recoveryCodes[1]! }, remoteAddress })));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 401).map((r) => r.json().error.code)).toEqual(Array(3).fill('MFA_INVALID'));
    // Only the winner's session completed its second factor.
    const completed = await Promise.all(sessions.map(async (headers) => (await inject({ method: 'GET', url: '/api/v1/auth/session', headers, remoteAddress })).json().session.mfaCompleted as boolean));
    expect(completed.filter(Boolean)).toHaveLength(1);
  });

  it('accepts one TOTP code raced against itself exactly once', async () => {
    const remoteAddress = nextAddress();
    const { user, secret } = await enrolledUser(remoteAddress);
    const sessions = await Promise.all(Array.from({ length: 4 }, () => signIn(user.email, remoteAddress)));
    const code = codeAt(secret);
    const results = await Promise.all(sessions.map((headers) => inject({ method: 'POST', url: '/api/v1/auth/mfa/totp/verify', headers, payload: { code }, remoteAddress })));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 401)).toHaveLength(3);
  });
});
