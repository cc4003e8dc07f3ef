import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
// @ts-expect-error oidc-provider ships no type declarations (test-only dependency).
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';

const PUBLIC_URL = 'http://confidant.test';
const REDIRECT = `${PUBLIC_URL}/api/v1/auth/oidc/callback`;

/** A real OpenID provider (node-oidc-provider) whose login step signs in `next.email` with `next.amr`. */
async function startProvider(next: { email: string; amr: string[] | undefined }) {
  const server: Server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'confidant', client_secret: 'a-test-client-secret-of-enough-length', redirect_uris: [REDIRECT], grant_types: ['authorization_code'], response_types: ['code'] }],
    features: { devInteractions: { enabled: false } },
    claims: { acr: null, amr: null, auth_time: null, sid: null, openid: ['sub', 'amr'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['a-test-cookie-signing-key'] },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub, email: sub, email_verified: true, name: 'Test' }) }),
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
  const next: { email: string; amr: string[] | undefined } = { email: '', amr: undefined };
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

  it('signs a staff member in; the provider’s MFA (amr) completes the second factor', async () => {
    const user = await buildUser(instance, { role: 'attorney' });
    Object.assign(next, { email: user.email, amr: ['pwd', 'otp'] });
    const result = await ssoSignIn();
    expect(result.location).toBe('/');
    const state = await instance.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: result.headers! });
    expect(state.json().user.id).toBe(user.id);
    expect(state.json().session).toMatchObject({ mfaRequired: true, mfaCompleted: true });
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: result.headers! })).statusCode).toBe(200);
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
