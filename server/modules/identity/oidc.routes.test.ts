import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
// @ts-expect-error oidc-provider ships no type declarations (test-only dependency).
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../platform/clock.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { sweepIdentityRows } from './index.js';

const PUBLIC_URL = 'http://confidant.test';
const REDIRECT = `${PUBLIC_URL}/api/v1/auth/oidc/callback`;

interface NextLogin {
  email: string;
  amr: string[] | undefined;
  /** What the provider says of the address: `email_verified` true, false, or left out (undefined). */
  emailVerified: boolean | undefined;
}

/** A real OpenID provider (node-oidc-provider) whose login step signs in `next.email` with `next.amr`. */
async function startProvider(next: NextLogin) {
  const server: Server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'confidant', client_secret: 'a-test-client-secret-of-enough-length', redirect_uris: [REDIRECT], grant_types: ['authorization_code'], response_types: ['code'] }],
    features: { devInteractions: { enabled: false } },
    claims: { acr: null, amr: null, auth_time: null, sid: null, openid: ['sub', 'amr'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['a-test-cookie-signing-key'] },
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub, email: sub, ...(next.emailVerified === undefined ? {} : { email_verified: next.emailVerified }), name: 'Test' }),
    }),
  });
  // Stand-in for the provider's login and consent pages: finish each interaction at once.
  provider.use(async (ctx: { path: string; req: IncomingMessage; res: ServerResponse; respond: boolean }, nextMiddleware: () => Promise<void>) => {
    if (!ctx.path.startsWith('/interaction/')) return nextMiddleware();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    ctx.respond = false;
    if (details.prompt.name === 'login') {
      await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: next.email, ...(next.amr ? { amr: next.amr } : {}) } }, { mergeWithLastSubmission: false });
      return undefined;
    }
    const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: details.params.client_id as string });
    grant.addOIDCScope('openid email profile');
    const missing = (details.prompt.details as { missingOIDCClaims?: string[] }).missingOIDCClaims;
    if (missing) grant.addOIDCClaims(missing);
    await provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    return undefined;
  });
  server.on('request', provider.callback());
  return { issuer, close: () => new Promise<void>((done) => server.close(() => done())) };
}

describe.each(DIALECTS)('OpenID Connect sign-in on %s', (dialect) => {
  let instance: TestInstance;
  let provider: Awaited<ReturnType<typeof startProvider>>;
  const next: NextLogin = { email: '', amr: undefined, emailVerified: true };
  beforeAll(async () => {
    provider = await startProvider(next);
    instance = await createTestInstance(dialect, {
      env: { PUBLIC_URL, OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: 'confidant', OIDC_CLIENT_SECRET: 'a-test-client-secret-of-enough-length' },
    });
  });
  afterAll(async () => {
    await instance?.close();
    await provider?.close();
  });

  /** Browser stand-in: start at Confidant, follow the provider's redirects, come back to the callback. */
  async function ssoSignIn(options: { tamperState?: boolean; dropFlowCookie?: boolean } = {}) {
    const start = await instance.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/start' });
    expect(start.statusCode).toBe(302);
    const flow = start.cookies.find((c) => c.name === 'confidant_oidc')!;
    expect(flow.httpOnly).toBe(true);
    expect(flow.sameSite).toBe('Lax');
    const jar = new Map<string, string>();
    let location = new URL(String(start.headers.location));
    expect(location.origin).toBe(provider.issuer);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    for (let hops = 0; hops < 10 && !location.href.startsWith(REDIRECT); hops++) {
      const response = await fetch(location, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const cookie of response.headers.getSetCookie()) {
        const [pair] = cookie.split(';');
        const [name, ...value] = pair!.split('=');
        jar.set(name!, value.join('='));
      }
      location = new URL(response.headers.get('location')!, location);
    }
    expect(location.href.startsWith(REDIRECT)).toBe(true);
    if (options.tamperState) location.searchParams.set('state', 'forged-state-value');
    const callback = await instance.app.inject({
      method: 'GET',
      url: `/api/v1/auth/oidc/callback${location.search}`,
      cookies: options.dropFlowCookie ? {} : { confidant_oidc: flow.value },
    });
    expect(callback.statusCode).toBe(302);
    const session = callback.cookies.find((c) => c.name === 'confidant_session')?.value;
    const csrf = callback.cookies.find((c) => c.name === 'confidant_csrf')?.value;
    return { location: String(callback.headers.location), headers: session ? { cookie: `confidant_session=${session}; confidant_csrf=${csrf}` } : null };
  }

  it('signs a staff member in; the provider’s MFA (amr) completes the second factor only when OIDC_TRUST_AMR is on', async () => {
    const user = await buildUser(instance, { role: 'attorney' });
    Object.assign(next, { email: user.email, amr: ['pwd', 'otp'], emailVerified: true });
    // Default (OIDC_TRUST_AMR off): the provider's claim is ignored; a local factor is still owed.
    expect(instance.services.config.identity.oidc!.trustAmr).toBe(false);
    const untrusted = await ssoSignIn();
    expect(untrusted.location).toBe('/');
    const owed = await instance.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: untrusted.headers! });
    expect(owed.json().user.id).toBe(user.id);
    expect(owed.json().session).toMatchObject({ mfaRequired: true, mfaCompleted: false });
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: untrusted.headers! })).json().error.code).toBe('MFA_REQUIRED');

    // Configured to trust it (the firm's provider enforces MFA): the claim completes the factor.
    instance.services.config.identity.oidc!.trustAmr = true;
    try {
      const result = await ssoSignIn();
      const state = await instance.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: result.headers! });
      expect(state.json().session).toMatchObject({ mfaRequired: true, mfaCompleted: true });
      expect((await instance.app.inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: result.headers! })).statusCode).toBe(200);
    } finally {
      instance.services.config.identity.oidc!.trustAmr = false;
    }
  });

  it('refuses to link an account when the provider does not say the email is verified, and audits it', async () => {
    const user = await buildUser(instance, { role: 'attorney' });
    for (const emailVerified of [false, undefined]) {
      Object.assign(next, { email: user.email, amr: ['mfa'], emailVerified });
      expect(await ssoSignIn()).toEqual({ location: '/sign-in?sso=failed&reason=email_unverified', headers: null });
    }
    const events = await instance.services.database.db
      .selectFrom('audit_event')
      .select(['action', 'outcome', 'reason'])
      .where('target_user_id', '=', user.id)
      .where('action', '=', 'user.sign_in')
      .execute();
    expect(events).toEqual([
      { action: 'user.sign_in', outcome: 'denied', reason: 'OIDC_EMAIL_UNVERIFIED' },
      { action: 'user.sign_in', outcome: 'denied', reason: 'OIDC_EMAIL_UNVERIFIED' },
    ]);
    Object.assign(next, { emailVerified: true });
  });

  it('keeps no row per anonymous start: the flow lives in a sealed cookie', async () => {
    const db = instance.services.database.db;
    const count = async () => Number((await db.selectFrom('identity_challenges').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const starts = await Promise.all(Array.from({ length: 40 }, () => instance.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/start' })));
    expect(starts.every((r) => r.statusCode === 302)).toBe(true);
    expect(await count()).toBe(before);
    // The cookie is opaque (sealed): it does not carry the PKCE verifier or the state in the clear.
    const cookie = starts[0]!.cookies.find((c) => c.name === 'confidant_oidc')!.value;
    const state = new URL(String(starts[0]!.headers.location)).searchParams.get('state')!;
    expect(cookie).not.toContain(state);
    expect(Buffer.from(cookie, 'base64url').toString('latin1')).not.toContain(state);
  });

  it('refuses an expired flow cookie', async () => {
    const user = await buildUser(instance, { role: 'staff' });
    Object.assign(next, { email: user.email, amr: ['pwd'], emailVerified: true });
    const start = await instance.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/start' });
    const flow = start.cookies.find((c) => c.name === 'confidant_oidc')!.value;
    (instance.clock as ManualClock).advance(11 * 60_000);
    const callback = await instance.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/callback?code=x&state=y', cookies: { confidant_oidc: flow } });
    expect(callback.headers.location).toBe('/sign-in?sso=failed');
  });

  it('sweeps expired challenges and spent throttle counters', async () => {
    const db = instance.services.database.db;
    const now = instance.clock.now();
    await db
      .insertInto('identity_challenges')
      .values([
        { id: '00000000-0000-7000-8000-00000000e001', session_id: 'old-oidc-flow-row', purpose: 'oidc', challenge: '{}', expires_at: now - 1 },
        { id: '00000000-0000-7000-8000-00000000e002', session_id: 'live-passkey-row', purpose: 'authenticate', challenge: 'c', expires_at: now + 60_000 },
      ])
      .execute();
    await db
      .insertInto('identity_throttles')
      .values([
        { key: 'password:a:spent', failures: 3, window_start: now - 16 * 60_000, locked_until: null },
        { key: 'password:a:locked', failures: 10, window_start: now - 16 * 60_000, locked_until: now + 60_000 },
        { key: 'password:a:counting', failures: 3, window_start: now - 60_000, locked_until: null },
      ])
      .execute();
    const swept = await sweepIdentityRows(instance.services);
    expect(swept.challenges).toBeGreaterThanOrEqual(1);
    const challenges = (await db.selectFrom('identity_challenges').select('session_id').execute()).map((r) => r.session_id);
    expect(challenges).toContain('live-passkey-row');
    expect(challenges).not.toContain('old-oidc-flow-row');
    const throttles = (await db.selectFrom('identity_throttles').select('key').where('key', 'like', 'password:a:%').execute()).map((r) => r.key).sort();
    expect(throttles).toEqual(['password:a:counting', 'password:a:locked']);
  });

  it('asks for a local second factor when the provider did not do MFA', async () => {
    const user = await buildUser(instance, { role: 'paralegal' });
    Object.assign(next, { email: user.email, amr: ['pwd'] });
    const result = await ssoSignIn();
    const state = await instance.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: result.headers! });
    expect(state.json().session).toMatchObject({ mfaRequired: true, mfaCompleted: false });
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: result.headers! })).json().error.code).toBe('MFA_REQUIRED');
  });

  it('refuses unknown accounts, a forged state and a missing flow cookie', async () => {
    Object.assign(next, { email: 'stranger@elsewhere.example', amr: ['mfa'] });
    expect(await ssoSignIn()).toEqual({ location: '/sign-in?sso=failed', headers: null });
    const user = await buildUser(instance, { role: 'staff' });
    Object.assign(next, { email: user.email, amr: ['mfa'] });
    expect(await ssoSignIn({ tamperState: true })).toEqual({ location: '/sign-in?sso=failed', headers: null });
    expect(await ssoSignIn({ dropFlowCookie: true })).toEqual({ location: '/sign-in?sso=failed', headers: null });
  });
});
