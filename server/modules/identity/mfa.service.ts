/**
 * Second factors: TOTP (RFC 6238, QR enrollment, replay refused), recovery codes (shown once,
 * stored hashed, single use) and WebAuthn passkeys. Verifying a factor marks the session as
 * MFA-complete (sign-in) or refreshes its MFA time (step-up).
 */
import { randomBytes } from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { recordEvent } from '../../audit/index.js';
import {
  advanceTotpStep,
  deleteChallengesOfSessionsOf,
  deletePasskey,
  deletePasskeysOfUser,
  deleteTotp,
  factorSummary,
  findPasskeyByCredentialId,
  findSessionById,
  findTotp,
  findUserById,
  insertPasskey,
  listPasskeys as listPasskeyRows,
  replaceRecoveryCodes,
  saveChallenge,
  takeChallenge,
  updatePasskey,
  upsertTotp,
  useRecoveryCode,
} from './identity.repository.js';
import { hashSecret } from './secrets.js';
import { openField, sealField } from '../../platform/crypto/key-wrap.js';
import { firmSecretKey } from '../keys/index.js';
import { markSessionMfa, requireUser } from './sessions.service.js';
import { releaseAttempt, reserveAttempt, type AttemptReservation } from './throttle.js';

const ISSUER = 'Confidant';
const TOTP_PERIOD = 30;
const RECOVERY_CODE_COUNT = 10;
const CHALLENGE_LIFETIME_MS = 5 * 60_000;

type UserActor = ReturnType<typeof requireUser>;

// TOTP seeds are sealed at rest under a firm key (AAD = the user id, so a seed cannot be moved to
// another account): a copy of the database alone does not let anyone mint second-factor codes.
async function sealTotpSecret(ctx: RequestContext, userId: string, secret: string): Promise<string> {
  return sealField(await firmSecretKey(ctx, 'identity.totp'), secret, Buffer.from(`totp:${userId}`, 'utf8'));
}
async function openTotpSecret(ctx: RequestContext, userId: string, sealed: string): Promise<string> {
  return openField(await firmSecretKey(ctx, 'identity.totp'), sealed, Buffer.from(`totp:${userId}`, 'utf8'));
}

function totpFor(secret: string, label: string): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD, secret: Secret.fromBase32(secret) });
}

/**
 * Adding or changing factors from a session that has not completed MFA is allowed only while the
 * user has no factor yet (first enrollment); otherwise a stolen password would be enough to add
 * an attacker's authenticator.
 */
async function assertMayEnroll(ctx: RequestContext, actor: UserActor): Promise<void> {
  const summary = await factorSummary(ctx.db, actor.userId);
  if ((summary.totp || summary.passkeys > 0) && actor.mfaAt === null) throw new AppError('MFA_REQUIRED', 'Confirm with your current second factor first');
  if (actor.tokenId) throw new AppError('FORBIDDEN', 'Second factors are managed from a signed-in session, not with an API token');
}

async function completeFactor(ctx: RequestContext, actor: UserActor, attempt: AttemptReservation, action: string, reason: string): Promise<number> {
  const now = actor.sessionId ? await markSessionMfa(ctx, actor.sessionId) : ctx.app.clock.now();
  await releaseAttempt(ctx, attempt);
  await recordEvent(ctx, { action, outcome: 'allowed', reason, resources: { userId: actor.userId, ...(actor.sessionId ? { other: { type: 'session', id: actor.sessionId } } : {}) } });
  return now;
}

/**
 * Reserves one second-factor attempt (counted separately from passwords) before a code or
 * assertion is checked: parallel guesses cannot outrun the limit. Throws ACCOUNT_LOCKED.
 */
function reserveFactorAttempt(ctx: RequestContext, actor: UserActor): Promise<AttemptReservation> {
  return reserveAttempt(ctx, 'factor', actor.userId);
}

/** Audits a failed second-factor attempt (already counted by its reservation), then throws. */
async function failFactor(ctx: RequestContext, actor: { userId: string }, attempt: AttemptReservation, action: string, reason: string, field = 'body.code'): Promise<never> {
  await inTransaction(ctx, async (tx) => {
    await recordEvent(tx, { action, outcome: 'denied', reason, resources: { userId: actor.userId } });
    if (attempt.lockedAccount) await recordEvent(tx, { action: 'user.lockout', outcome: 'denied', reason: 'FACTOR', resources: { userId: actor.userId } });
  });
  throw new AppError('MFA_INVALID', field === 'body.passkey' ? 'That passkey was not accepted' : 'That code is not valid', [{ path: field, message: 'is not valid' }]);
}

function newRecoveryCodes(): string[] {
  // 80 bits each, grouped for reading aloud: xxxx-xxxx-xxxx-xxxx (base32 without ambiguous letters).
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(16);
    const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}-${chars.slice(12, 16)}`;
  });
}

function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '');
}

async function issueRecoveryCodes(ctx: RequestContext, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await replaceRecoveryCodes(ctx.db, userId, codes.map((c) => hashSecret(normalizeRecoveryCode(c))), () => newId(ctx.app.clock.now()));
  return codes;
}

// ---- TOTP

export interface TotpSetup {
  secret: string;
  otpauthUrl: string;
  qrDataUrl: string;
}

/** Starts TOTP enrollment: a fresh secret, its otpauth:// URI and a QR code (data URL). Throws CONFLICT when already enrolled. */
export async function startTotpEnrollment(ctx: RequestContext): Promise<TotpSetup> {
  const actor = requireUser(ctx);
  await assertMayEnroll(ctx, actor);
  const user = await findUserById(ctx.db, actor.userId);
  if (!user) throw new AppError('UNAUTHENTICATED');
  const existing = await findTotp(ctx.db, user.id);
  if (existing?.confirmed_at) throw new AppError('CONFLICT', 'An authenticator app is already set up; remove it first');
  const secret = new Secret({ size: 20 }).base32;
  await upsertTotp(ctx.db, { user_id: user.id, secret: await sealTotpSecret(ctx, user.id, secret), confirmed_at: null, last_step: null, created_at: ctx.app.clock.now() });
  const otpauthUrl = totpFor(secret, user.email).toString();
  return { secret, otpauthUrl, qrDataUrl: await QRCode.toDataURL(otpauthUrl, { errorCorrectionLevel: 'M', margin: 1, width: 240 }) };
}

/** The time step a code matches (±1 step for clock drift), or null. */
function matchStep(secret: string, code: string, now: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const totp = totpFor(secret, 'x');
  const delta = totp.validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return null;
  return totp.counter({ timestamp: now }) + delta;
}

/** Confirms enrollment with a first code; returns recovery codes (shown once). Throws MFA_INVALID. */
export async function confirmTotpEnrollment(ctx: RequestContext, code: string): Promise<{ recoveryCodes: string[] }> {
  const actor = requireUser(ctx);
  await assertMayEnroll(ctx, actor);
  const totp = await findTotp(ctx.db, actor.userId);
  if (!totp || totp.confirmed_at !== null) throw new AppError('CONFLICT', 'Start the authenticator app setup first');
  const attempt = await reserveFactorAttempt(ctx, actor);
  const now = ctx.app.clock.now();
  const step = matchStep(await openTotpSecret(ctx, actor.userId, totp.secret), code, now);
  if (step === null) return failFactor(ctx, actor, attempt, 'user.mfa_enroll', 'TOTP_BAD_CODE');
  return inTransaction(ctx, async (tx) => {
    if (!(await advanceTotpStep(tx.db, actor.userId, step, now))) throw new AppError('MFA_INVALID', 'That code was already used; wait for the next one', [{ path: 'body.code', message: 'was already used' }]);
    const summary = await factorSummary(tx.db, actor.userId);
    const recoveryCodes = summary.recoveryCodesLeft === 0 ? await issueRecoveryCodes(tx, actor.userId) : [];
    await completeFactor(tx, actor, attempt, 'user.mfa_enroll', 'TOTP');
    return { recoveryCodes };
  });
}

/** Verifies a TOTP code for this session (sign-in second step or step-up). Throws MFA_INVALID, ACCOUNT_LOCKED. */
export async function verifyTotp(ctx: RequestContext, code: string): Promise<{ mfaAt: number }> {
  const actor = requireUser(ctx);
  const attempt = await reserveFactorAttempt(ctx, actor);
  const totp = await findTotp(ctx.db, actor.userId);
  const now = ctx.app.clock.now();
  const step = totp?.confirmed_at ? matchStep(await openTotpSecret(ctx, actor.userId, totp.secret), code, now) : null;
  if (step === null) return failFactor(ctx, actor, attempt, 'user.mfa_verify', 'TOTP_BAD_CODE');
  // A code seen before (replay, or a second use within its 30 s): refused and counted.
  if (totp!.last_step !== null && step <= totp!.last_step) return failFactor(ctx, actor, attempt, 'user.mfa_verify', 'TOTP_REPLAY');
  // Two concurrent requests with the same code: only one advances the step; the other is a counted replay.
  const accepted = await inTransaction(ctx, async (tx) => {
    if (!(await advanceTotpStep(tx.db, actor.userId, step, null))) return null;
    return { mfaAt: await completeFactor(tx, actor, attempt, 'user.mfa_verify', 'TOTP') };
  });
  return accepted ?? failFactor(ctx, actor, attempt, 'user.mfa_verify', 'TOTP_REPLAY');
}

/** Uses one recovery code as the second factor. Throws MFA_INVALID, ACCOUNT_LOCKED. */
export async function verifyRecoveryCode(ctx: RequestContext, code: string): Promise<{ mfaAt: number; recoveryCodesLeft: number }> {
  const actor = requireUser(ctx);
  const attempt = await reserveFactorAttempt(ctx, actor);
  const used = await inTransaction(ctx, async (tx) => {
    // A conditional update: of two parallel requests with the same code, only one marks it used.
    if (!(await useRecoveryCode(tx.db, actor.userId, hashSecret(normalizeRecoveryCode(code)), tx.app.clock.now()))) return null;
    const mfaAt = await completeFactor(tx, actor, attempt, 'user.mfa_verify', 'RECOVERY_CODE');
    return { mfaAt, recoveryCodesLeft: (await factorSummary(tx.db, actor.userId)).recoveryCodesLeft };
  });
  if (!used) return failFactor(ctx, actor, attempt, 'user.mfa_verify', 'RECOVERY_BAD_CODE');
  return used;
}

/** New recovery codes replace the old ones (step-up required by the route). */
export async function regenerateRecoveryCodes(ctx: RequestContext): Promise<{ recoveryCodes: string[] }> {
  const actor = requireUser(ctx);
  return inTransaction(ctx, async (tx) => {
    const recoveryCodes = await issueRecoveryCodes(tx, actor.userId);
    await recordEvent(tx, { action: 'user.mfa_recovery_codes', outcome: 'allowed', resources: { userId: actor.userId } });
    return { recoveryCodes };
  });
}

export async function removeTotp(ctx: RequestContext): Promise<void> {
  const actor = requireUser(ctx);
  await inTransaction(ctx, async (tx) => {
    const totp = await findTotp(tx.db, actor.userId);
    if (!totp) throw new AppError('NOT_FOUND', 'No authenticator app is set up');
    await deleteTotp(tx.db, actor.userId);
    await recordEvent(tx, { action: 'user.mfa_remove', outcome: 'allowed', reason: 'TOTP', resources: { userId: actor.userId } });
  });
}

// ---- passkeys (WebAuthn)

export function relyingParty(ctx: RequestContext): { rpID: string; origin: string } {
  const url = new URL(ctx.app.config.publicUrl);
  // WebAuthn refuses IP addresses as relying party: a loopback PUBLIC_URL (local trials, tests)
  // is served to passkeys as localhost on the same port.
  if (url.hostname === '127.0.0.1' || url.hostname === '[::1]') url.hostname = 'localhost';
  // Any other bare IP cannot be a relying party at all: say so rather than let the browser fail obscurely.
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(url.hostname) || url.hostname.startsWith('[')) {
    throw new AppError('PASSKEYS_NEED_DOMAIN', `Passkeys need a domain name, not an IP address: set PUBLIC_URL to one (for example http://localhost:${url.port || '80'} on this machine)`);
  }
  return { rpID: url.hostname, origin: url.origin };
}

function requireSession(actor: UserActor): string {
  if (!actor.sessionId) throw new AppError('FORBIDDEN', 'Passkeys are used from a signed-in browser session');
  return actor.sessionId;
}

export async function passkeyRegistrationOptions(ctx: RequestContext): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const actor = requireUser(ctx);
  await assertMayEnroll(ctx, actor);
  const sessionId = requireSession(actor);
  const user = await findUserById(ctx.db, actor.userId);
  if (!user) throw new AppError('UNAUTHENTICATED');
  const existing = await listPasskeyRows(ctx.db, user.id);
  const options = await generateRegistrationOptions({
    rpName: ISSUER,
    rpID: relyingParty(ctx).rpID,
    userName: user.email,
    userDisplayName: user.name,
    userID: new TextEncoder().encode(user.id),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credential_id, transports: JSON.parse(p.transports) as AuthenticatorTransport[] })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
  await saveChallenge(ctx.db, { id: newId(), session_id: sessionId, purpose: 'register', challenge: options.challenge, expires_at: ctx.app.clock.now() + CHALLENGE_LIFETIME_MS });
  return options;
}

/** Verifies the authenticator's attestation and stores the passkey. Returns recovery codes if this is the first factor. */
export async function verifyPasskeyRegistration(ctx: RequestContext, response: RegistrationResponseJSON, name: string): Promise<{ id: string; recoveryCodes: string[] }> {
  const actor = requireUser(ctx);
  await assertMayEnroll(ctx, actor);
  const sessionId = requireSession(actor);
  const now = ctx.app.clock.now();
  const challenge = await takeChallenge(ctx.db, sessionId, 'register', now);
  if (!challenge) throw new AppError('MFA_INVALID', 'The passkey request expired; try again');
  const attempt = await reserveFactorAttempt(ctx, actor);
  const { rpID, origin } = relyingParty(ctx);
  let verification;
  try {
    verification = await verifyRegistrationResponse({ response, expectedChallenge: challenge, expectedOrigin: origin, expectedRPID: rpID, requireUserVerification: false });
  } catch {
    verification = null;
  }
  if (!verification?.verified || !verification.registrationInfo) return failFactor(ctx, actor, attempt, 'user.mfa_enroll', 'PASSKEY_INVALID');
  const credential = verification.registrationInfo.credential;
  return inTransaction(ctx, async (tx) => {
    if (await findPasskeyByCredentialId(tx.db, credential.id)) throw new AppError('CONFLICT', 'This passkey is already registered');
    const id = newId(now);
    await insertPasskey(tx.db, {
      id,
      user_id: actor.userId,
      credential_id: credential.id,
      public_key: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: JSON.stringify(credential.transports ?? []),
      name: name.trim().slice(0, 100) || 'Passkey',
      created_at: now,
      last_used_at: null,
    });
    const summary = await factorSummary(tx.db, actor.userId);
    const recoveryCodes = summary.recoveryCodesLeft === 0 ? await issueRecoveryCodes(tx, actor.userId) : [];
    await completeFactor(tx, actor, attempt, 'user.mfa_enroll', 'PASSKEY');
    return { id, recoveryCodes };
  });
}

export async function passkeyAuthenticationOptions(ctx: RequestContext): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const actor = requireUser(ctx);
  const sessionId = requireSession(actor);
  const passkeys = await listPasskeyRows(ctx.db, actor.userId);
  if (passkeys.length === 0) throw new AppError('NOT_FOUND', 'No passkey is registered');
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(ctx).rpID,
    allowCredentials: passkeys.map((p) => ({ id: p.credential_id, transports: JSON.parse(p.transports) as AuthenticatorTransport[] })),
    userVerification: 'preferred',
  });
  await saveChallenge(ctx.db, { id: newId(), session_id: sessionId, purpose: 'authenticate', challenge: options.challenge, expires_at: ctx.app.clock.now() + CHALLENGE_LIFETIME_MS });
  return options;
}

/** Verifies a passkey assertion as this session's second factor. Throws MFA_INVALID, ACCOUNT_LOCKED. */
export async function verifyPasskeyAuthentication(ctx: RequestContext, response: AuthenticationResponseJSON): Promise<{ mfaAt: number }> {
  const actor = requireUser(ctx);
  const sessionId = requireSession(actor);
  const attempt = await reserveFactorAttempt(ctx, actor);
  const now = ctx.app.clock.now();
  const challenge = await takeChallenge(ctx.db, sessionId, 'authenticate', now);
  const passkey = await findPasskeyByCredentialId(ctx.db, response.id);
  if (!challenge || !passkey || passkey.user_id !== actor.userId) return failFactor(ctx, actor, attempt, 'user.mfa_verify', 'PASSKEY_INVALID');
  const { rpID, origin } = relyingParty(ctx);
  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: false,
      credential: { id: passkey.credential_id, publicKey: new Uint8Array(Buffer.from(passkey.public_key, 'base64url')), counter: passkey.counter, transports: JSON.parse(passkey.transports) as AuthenticatorTransport[] },
    });
  } catch {
    verification = null;
  }
  if (!verification?.verified) return failFactor(ctx, actor, attempt, 'user.mfa_verify', 'PASSKEY_INVALID');
  return inTransaction(ctx, async (tx) => {
    await updatePasskey(tx.db, passkey.id, { counter: verification.authenticationInfo.newCounter, last_used_at: now });
    return { mfaAt: await completeFactor(tx, actor, attempt, 'user.mfa_verify', 'PASSKEY') };
  });
}

export interface PasskeyView {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export async function listPasskeys(ctx: RequestContext): Promise<PasskeyView[]> {
  const actor = requireUser(ctx);
  return (await listPasskeyRows(ctx.db, actor.userId)).map((p) => ({ id: p.id, name: p.name, createdAt: p.created_at, lastUsedAt: p.last_used_at }));
}

export async function removePasskey(ctx: RequestContext, id: string): Promise<void> {
  const actor = requireUser(ctx);
  await inTransaction(ctx, async (tx) => {
    if (!(await deletePasskey(tx.db, actor.userId, id))) throw new AppError('NOT_FOUND', 'No such passkey');
    await recordEvent(tx, { action: 'user.mfa_remove', outcome: 'allowed', reason: 'PASSKEY', resources: { userId: actor.userId, other: { type: 'passkey', id } } });
  });
}

/** Whether the session behind `ctx` has completed MFA (for presenters). */
export async function sessionMfaAt(ctx: RequestContext, sessionId: string): Promise<number | null> {
  return (await findSessionById(ctx.db, sessionId))?.mfa_at ?? null;
}

// ---- a second factor outside any session (password reset)

/** How someone proves their second factor when no session exists yet (a password reset). */
export type FactorProof = { kind: 'totp'; code: string } | { kind: 'recovery'; code: string } | { kind: 'passkey'; response: AuthenticationResponseJSON; challengeKey: string };

/** Passkey options for `userId` outside a session; the challenge is kept under `challengeKey` (the reset link). Throws NOT_FOUND. */
export async function passkeyOptionsForUser(ctx: RequestContext, userId: string, challengeKey: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const passkeys = await listPasskeyRows(ctx.db, userId);
  if (passkeys.length === 0) throw new AppError('NOT_FOUND', 'No passkey is registered');
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(ctx).rpID,
    allowCredentials: passkeys.map((p) => ({ id: p.credential_id, transports: JSON.parse(p.transports) as AuthenticatorTransport[] })),
    userVerification: 'preferred',
  });
  await saveChallenge(ctx.db, { id: newId(), session_id: challengeKey, purpose: 'reset', challenge: options.challenge, expires_at: ctx.app.clock.now() + CHALLENGE_LIFETIME_MS });
  return options;
}

/**
 * Checks one second factor of `userId` when no session exists (a password reset): counted on the
 * same per-account factor counter as sign-in, replay refused, recovery codes spent, audited as
 * `action`. Returns the method. Throws MFA_INVALID (naming the field), ACCOUNT_LOCKED.
 */
export async function verifyFactorOfUser(ctx: RequestContext, userId: string, proof: FactorProof, action: string): Promise<'TOTP' | 'RECOVERY_CODE' | 'PASSKEY'> {
  const who = { userId };
  const attempt = await reserveAttempt(ctx, 'factor', userId);
  const now = ctx.app.clock.now();
  const succeed = async (method: 'TOTP' | 'RECOVERY_CODE' | 'PASSKEY') => {
    await releaseAttempt(ctx, attempt);
    return method;
  };
  if (proof.kind === 'totp') {
    const totp = await findTotp(ctx.db, userId);
    const step = totp?.confirmed_at ? matchStep(await openTotpSecret(ctx, userId, totp.secret), proof.code, now) : null;
    if (step === null) return failFactor(ctx, who, attempt, action, 'TOTP_BAD_CODE');
    if (!(await advanceTotpStep(ctx.db, userId, step, null))) return failFactor(ctx, who, attempt, action, 'TOTP_REPLAY');
    return succeed('TOTP');
  }
  if (proof.kind === 'recovery') {
    if (!(await useRecoveryCode(ctx.db, userId, hashSecret(normalizeRecoveryCode(proof.code)), now))) return failFactor(ctx, who, attempt, action, 'RECOVERY_BAD_CODE', 'body.recoveryCode');
    return succeed('RECOVERY_CODE');
  }
  const challenge = await takeChallenge(ctx.db, proof.challengeKey, 'reset', now);
  const passkey = await findPasskeyByCredentialId(ctx.db, proof.response.id);
  if (!challenge || !passkey || passkey.user_id !== userId) return failFactor(ctx, who, attempt, action, 'PASSKEY_INVALID', 'body.passkey');
  const { rpID, origin } = relyingParty(ctx);
  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response: proof.response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: false,
      credential: { id: passkey.credential_id, publicKey: new Uint8Array(Buffer.from(passkey.public_key, 'base64url')), counter: passkey.counter, transports: JSON.parse(passkey.transports) as AuthenticatorTransport[] },
    });
  } catch {
    verification = null;
  }
  if (!verification?.verified) return failFactor(ctx, who, attempt, action, 'PASSKEY_INVALID', 'body.passkey');
  await updatePasskey(ctx.db, passkey.id, { counter: verification.authenticationInfo.newCounter, last_used_at: now });
  return succeed('PASSKEY');
}

/** Removes every second factor of `userId` (TOTP, passkeys, recovery codes): the approved MFA reset. Returns what was removed. */
export async function removeAllFactors(ctx: RequestContext, userId: string): Promise<{ totp: boolean; passkeys: number; recoveryCodes: number }> {
  const before = await factorSummary(ctx.db, userId);
  await deleteTotp(ctx.db, userId);
  await deletePasskeysOfUser(ctx.db, userId);
  await replaceRecoveryCodes(ctx.db, userId, [], () => newId());
  await deleteChallengesOfSessionsOf(ctx.db, userId);
  return { totp: before.totp, passkeys: before.passkeys, recoveryCodes: before.recoveryCodesLeft };
}
