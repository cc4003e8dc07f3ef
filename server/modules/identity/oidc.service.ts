/**
 * OpenID Connect sign-in (authorization code + PKCE, state and nonce) through openid-client.
 * The provider's `email` claim selects an existing, active account only when the provider says
 * it is verified (`email_verified: true`; absent or false is refused): otherwise anyone able to
 * put an address on a provider account would sign in as that person. No provisioning from the
 * provider: joiners are invited. MFA is still enforced: the provider's `amr` claim counts as a
 * second factor only when OIDC_TRUST_AMR is on (default off), otherwise the session asks for a
 * local one.
 *
 * The flow's secrets (PKCE verifier, state, nonce, expiry) travel sealed in the flow cookie
 * (AES-256-GCM under a firm key), not in a table: an anonymous `GET /auth/oidc/start` writes
 * nothing, so calling it in a loop cannot grow the database.
 */
import * as oidc from 'openid-client';
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { recordEvent } from '../../audit/index.js';
import { openField, sealField } from '../../platform/crypto/key-wrap.js';
import { firmSecretKey } from '../keys/index.js';
import { findUserByEmail } from './identity.repository.js';
import { isUserActive, presentUser } from './identity.presenter.js';
import { createSession } from './sessions.service.js';
import type { SignInResult } from './users.service.js';

export const OIDC_COOKIE = 'confidant_oidc';
const FLOW_LIFETIME_MS = 10 * 60_000;
/** RFC 8176 values that mean more than a password was used. */
const MULTI_FACTOR_AMR = new Set(['mfa', 'otp', 'hwk', 'swk', 'fido', 'sms', 'tel', 'face', 'fpt', 'iris', 'retina', 'vbm', 'pin', 'sc']);

let cached: { key: string; config: Promise<oidc.Configuration> } | null = null;

function settings(ctx: RequestContext) {
  const value = ctx.app.config.identity.oidc;
  if (!value) throw new AppError('NOT_FOUND', 'Single sign-on is not configured');
  return value;
}

async function providerConfig(ctx: RequestContext): Promise<oidc.Configuration> {
  const s = settings(ctx);
  const key = `${s.issuer}|${s.clientId}`;
  if (!cached || cached.key !== key) {
    const issuer = new URL(s.issuer);
    // Plain http only for a provider on this machine (development and tests).
    const local = issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
    const config = oidc.discovery(issuer, s.clientId, s.clientSecret, undefined, local ? { execute: [oidc.allowInsecureRequests] } : undefined);
    cached = { key, config };
    config.catch(() => {
      if (cached?.config === config) cached = null;
    });
  }
  return cached.config;
}

export function redirectUri(ctx: RequestContext): string {
  return `${ctx.app.config.publicUrl}/api/v1/auth/oidc/callback`;
}

export function isMultiFactorAmr(amr: unknown): boolean {
  return Array.isArray(amr) && amr.some((value) => typeof value === 'string' && MULTI_FACTOR_AMR.has(value));
}

interface FlowChecks {
  v: string;
  s: string;
  n: string;
  /** Expiry, epoch ms. */
  e: number;
}
const FLOW_AAD = Buffer.from('identity.oidc.flow:v1', 'utf8');

async function sealFlow(ctx: RequestContext, checks: FlowChecks): Promise<string> {
  const sealed = sealField(await firmSecretKey(ctx, 'identity.oidc'), JSON.stringify(checks), FLOW_AAD);
  return Buffer.from(sealed, 'base64').toString('base64url');
}

/** The flow's checks from its cookie, or null when missing, forged, altered or expired. */
async function openFlow(ctx: RequestContext, cookie: string | undefined): Promise<FlowChecks | null> {
  if (!cookie || cookie.length > 1000) return null;
  try {
    const checks = JSON.parse(openField(await firmSecretKey(ctx, 'identity.oidc'), Buffer.from(cookie, 'base64url').toString('base64'), FLOW_AAD)) as FlowChecks;
    return typeof checks.e === 'number' && checks.e > ctx.app.clock.now() ? checks : null;
  } catch {
    return null;
  }
}

/** Starts a sign-in: returns the provider URL to redirect to and the sealed flow for a short cookie. Writes nothing. */
export async function startOidcSignIn(ctx: RequestContext): Promise<{ url: string; flowCookie: string }> {
  const config = await providerConfig(ctx).catch(() => {
    throw new AppError('OIDC_FAILED', 'The sign-in provider cannot be reached');
  });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const flowCookie = await sealFlow(ctx, { v: verifier, s: state, n: nonce, e: ctx.app.clock.now() + FLOW_LIFETIME_MS });
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(ctx),
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url: url.href, flowCookie };
}

/** Audit reason (and the field the refusal names) when the provider did not vouch for the email. */
export const OIDC_EMAIL_UNVERIFIED = 'OIDC_EMAIL_UNVERIFIED';
export const EMAIL_VERIFIED_FIELD = 'claims.email_verified';

/**
 * Completes the sign-in from the provider's redirect. Throws OIDC_FAILED (audited) on any
 * mismatch; when the provider did not vouch for the email, the error names the field
 * EMAIL_VERIFIED_FIELD, so the sign-in page can say why.
 */
export async function finishOidcSignIn(ctx: RequestContext, flowCookie: string | undefined, callbackQuery: string): Promise<SignInResult> {
  const fail = async (reason: string, userId?: string): Promise<never> => {
    await inTransaction(ctx, (tx) => recordEvent(tx, { action: 'user.sign_in', outcome: 'denied', reason, ...(userId ? { resources: { userId } } : {}) }));
    throw new AppError('OIDC_FAILED', 'Single sign-on did not complete; try again or sign in with your password', reason === OIDC_EMAIL_UNVERIFIED ? [{ path: EMAIL_VERIFIED_FIELD, message: 'must be true' }] : undefined);
  };
  const checks = await openFlow(ctx, flowCookie);
  if (!checks) return fail('OIDC_NO_FLOW');
  let claims: oidc.IDToken | undefined;
  let profile: { email?: unknown; email_verified?: unknown } | undefined;
  try {
    const config = await providerConfig(ctx);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(`${redirectUri(ctx)}?${callbackQuery}`), { pkceCodeVerifier: checks.v, expectedState: checks.s, expectedNonce: checks.n });
    claims = tokens.claims();
    profile = claims as { email?: unknown; email_verified?: unknown } | undefined;
    // Many providers put email (or email_verified) only in UserInfo (Entra ID without optional
    // claims, node-oidc-provider); then both are taken from there, never mixed across sources.
    if (claims && (typeof claims.email !== 'string' || claims.email_verified === undefined)) profile = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  } catch {
    return fail('OIDC_PROTOCOL');
  }
  const email = typeof profile?.email === 'string' ? profile.email.trim().toLowerCase() : null;
  if (!claims || !email) return fail('OIDC_NO_EMAIL');
  const user = await findUserByEmail(ctx.db, email);
  // Only a provider's explicit `true` links to an account: absent, false or "true" (a string) do not.
  if (profile?.email_verified !== true) return fail(OIDC_EMAIL_UNVERIFIED, user?.id);
  const now = ctx.app.clock.now();
  if (!user || !isUserActive(user, now)) return fail('OIDC_UNKNOWN_ACCOUNT', user?.id);
  const mfaByProvider = settings(ctx).trustAmr && isMultiFactorAmr(claims.amr);
  return inTransaction(ctx, async (tx) => {
    const session = await createSession(tx, user, 'oidc', mfaByProvider ? now : null);
    await recordEvent(tx, { action: 'user.sign_in', outcome: 'allowed', reason: mfaByProvider ? 'OIDC_MFA' : 'OIDC', resources: { userId: user.id, other: { type: 'session', id: session.sessionId } } });
    return { user: presentUser(user, now), session };
  });
}
