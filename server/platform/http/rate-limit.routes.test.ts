import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildSession, buildUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';

const PER_ADDRESS = 3;
const PER_ACCOUNT = 5;

describe.each(DIALECTS)('rate limits: per account or token when signed in, per address otherwise, on %s', (dialect) => {
  let instance: TestInstance;
  beforeAll(async () => {
    instance = await createTestInstance(dialect, { env: { RATE_LIMIT_PER_MINUTE: String(PER_ADDRESS), RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: String(PER_ACCOUNT) } });
  });
  afterAll(async () => instance?.close());

  let addresses = 0;
  /** A client address of its own for each test, so their budgets never mix. */
  const freshAddress = () => `10.77.0.${++addresses}`;
  const get = (remoteAddress: string, headers: Record<string, string> = {}, url = '/api/v1/auth/session') => instance.app.inject({ method: 'GET', url, headers, remoteAddress });
  const statuses = async (n: number, call: () => Promise<{ statusCode: number }>) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await call()).statusCode);
    return out;
  };

  it('two accounts behind one office address each get their own budget, apart from the address’s anonymous one', async () => {
    const office = freshAddress();
    const alice = await buildUser(instance, { role: 'attorney' });
    const bob = await buildUser(instance, { role: 'paralegal' });
    // More than one address budget each, from the same address: all served.
    expect(await statuses(PER_ACCOUNT, () => get(office, alice.headers))).toEqual(Array(PER_ACCOUNT).fill(200));
    expect(await statuses(PER_ACCOUNT, () => get(office, bob.headers))).toEqual(Array(PER_ACCOUNT).fill(200));
    // Each account's budget is its own: alice's is spent, bob's too, the address's is untouched.
    const limited = await get(office, alice.headers);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await get(office, bob.headers)).statusCode).toBe(429);
    expect((await get(office, {}, '/api/v1/health')).statusCode).toBe(200);
  });

  it('a neighbour flooding the shared address does not lock out the people signed in behind it', async () => {
    const office = freshAddress();
    const alice = await buildUser(instance, { role: 'attorney' });
    const session = await buildSession(instance, alice);
    expect(await statuses(PER_ADDRESS + 2, () => get(office, {}, '/api/v1/health'))).toEqual([...Array(PER_ADDRESS).fill(200), 429, 429]);
    // The same address: a browser session and an API token are still served.
    expect((await get(office, session.headers)).statusCode).toBe(200);
    expect((await get(office, alice.headers)).statusCode).toBe(200);
  });

  it('a session (per account) and an API token (per token) spend separate budgets', async () => {
    const address = freshAddress();
    const alice = await buildUser(instance, { role: 'attorney' });
    const session = await buildSession(instance, alice);
    expect(await statuses(PER_ACCOUNT, () => get(address, session.headers))).toEqual(Array(PER_ACCOUNT).fill(200));
    expect((await get(address, session.headers)).statusCode).toBe(429);
    // Another session of the same account shares the account's budget …
    expect((await get(address, (await buildSession(instance, alice)).headers)).statusCode).toBe(429);
    // … a token (e.g. a verifier's) has its own, wherever it comes from.
    expect((await get(freshAddress(), alice.headers)).statusCode).toBe(200);
  });

  it('made-up bearer tokens and session cookies share the address budget: no fresh bucket per invented credential', async () => {
    const attacker = freshAddress();
    const bogusToken = () => ({ authorization: `Bearer cft_${randomBytes(24).toString('base64url')}` });
    const bogusCookie = () => ({ cookie: `confidant_session=${randomBytes(24).toString('base64url')}` });
    const made = [bogusToken(), bogusCookie(), { authorization: 'Bearer not-even-a-token' }];
    const answers = [];
    for (const headers of made) answers.push((await get(attacker, headers)).statusCode);
    expect(answers).toEqual([401, 401, 401]);
    // The address's budget is spent: a new invented token, a cookie, or no credential at all is refused.
    expect((await get(attacker, bogusToken())).statusCode).toBe(429);
    expect((await get(attacker, bogusCookie())).statusCode).toBe(429);
    expect((await get(attacker, bogusToken(), '/api/v1/health')).statusCode).toBe(429);
    expect((await get(attacker, {}, '/api/v1/health')).statusCode).toBe(429);
    // Invented credentials on routes outside the authenticated API count too (no way around the limiter).
    const other = freshAddress();
    expect(await statuses(PER_ADDRESS + 1, () => get(other, bogusToken(), '/api/v1/no-such-route'))).toEqual([...Array(PER_ADDRESS).fill(404), 429]);
    // Someone else's address is unaffected.
    expect((await get(freshAddress(), bogusToken())).statusCode).toBe(401);
  });
});
