/**
 * OpenID Connect sign-in (authorization code + PKCE, state and nonce) through openid-client.
 * The provider's verified `email` claim selects an existing, active account (no provisioning
 * from the provider: joiners are invited). MFA is still enforced: the provider's `amr` claim
 * counts as a second factor when OIDC_TRUST_AMR is on, otherwise the session asks for a local one.
 */
import * as oidc from 'openid-client';
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { recordEvent } from '../../audit/index.js';
import { findUserByEmail, saveChallenge, takeChallenge } from './identity.repository.js';
import { isUserActive, presentUser } from './identity.presenter.js';
import { newSecret } from './secrets.js';
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

/** Starts a sign-in: returns the provider URL to redirect to and the flow id for a short cookie. */
export async function startOidcSignIn(ctx: RequestContext): Promise<{ url: string; flowId: string }> {
  const config = await providerConfig(ctx).catch(() => {
    throw new AppError('OIDC_FAILED', 'The sign-in provider cannot be reached');
  });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const flowId = newSecret();
  await saveChallenge(ctx.db, { id: newId(), session_id: flowId.slice(0, 36), purpose: 'oidc', challenge: JSON.stringify({ v: verifier, s: state, n: nonce }), expires_at: ctx.app.clock.now() + FLOW_LIFETIME_MS });
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(ctx),
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url: url.href, flowId };
}

/** Completes the sign-in from the provider's redirect. Throws OIDC_FAILED (audited) on any mismatch. */
export async function finishOidcSignIn(ctx: RequestContext, flowId: string | undefined, callbackQuery: string): Promise<SignInResult> {
  const fail = async (reason: string, userId?: string): Promise<never> => {
    await inTransaction(ctx, (tx) => recordEvent(tx, { action: 'user.sign_in', outcome: 'denied', reason, ...(userId ? { resources: { userId } } : {}) }));
    throw new AppError('OIDC_FAILED', 'Single sign-on did not complete; try again or sign in with your password');
  };
  const stored = flowId ? await takeChallenge(ctx.db, flowId.slice(0, 36), 'oidc', ctx.app.clock.now()) : null;
  if (!stored) return fail('OIDC_NO_FLOW');
  const checks = JSON.parse(stored) as { v: string; s: string; n: string };
  let claims: oidc.IDToken | undefined;
  let profile: { email?: unknown; email_verified?: unknown } | undefined;
  try {
    const config = await providerConfig(ctx);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(`${redirectUri(ctx)}?${callbackQuery}`), { pkceCodeVerifier: checks.v, expectedState: checks.s, expectedNonce: checks.n });
    claims = tokens.claims();
    profile = claims as { email?: unknown; email_verified?: unknown } | undefined;
    // Many providers put email only in UserInfo (Entra ID without optional claims, node-oidc-provider).
    if (claims && typeof claims.email !== 'string') profile = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  } catch {
    return fail('OIDC_PROTOCOL');
  }
  const email = typeof profile?.email === 'string' ? profile.email.trim().toLowerCase() : null;
  if (!claims || !email || profile?.email_verified === false) return fail('OIDC_NO_VERIFIED_EMAIL');
  const user = await findUserByEmail(ctx.db, email);
  const now = ctx.app.clock.now();
  if (!user || !isUserActive(user, now)) return fail('OIDC_UNKNOWN_ACCOUNT', user?.id);
  const mfaByProvider = settings(ctx).trustAmr && isMultiFactorAmr(claims.amr);
  return inTransaction(ctx, async (tx) => {
    const session = await createSession(tx, user, 'oidc', mfaByProvider ? now : null);
    await recordEvent(tx, { action: 'user.sign_in', outcome: 'allowed', reason: mfaByProvider ? 'OIDC_MFA' : 'OIDC', resources: { userId: user.id, other: { type: 'session', id: session.sessionId } } });
    return { user: presentUser(user, now), session };
  });
}
