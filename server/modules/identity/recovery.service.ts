/**
 * Getting back in: "forgot password" by a short-lived single-use mailed link that still asks for
 * the second factor before any session exists; a lost second factor reset by an administrator
 * with a second person's approval (`identity.mfa.reset`). Telling a person why their sessions
 * ended is `findSessionEnding` in sessions.service.ts.
 */
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { AppServices, RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { recordEvent } from '../../audit/index.js';
import type { ApprovalKind, ApprovalView } from '../../access/index.js';
import { expireLinksOfUser, factorSummary, findLinkByHash, findUserByEmail, findUserById, insertLink, revokeSessionsOfUser, revokeTokensOfUser, updateUser, useLink } from './identity.repository.js';
import { deliverMail, mfaResetMail, passwordResetMail } from './identity.mails.js';
import { isUserActive, presentUser, type UserView } from './identity.presenter.js';
import type { OneTimeLinkRow, UserRow } from './identity.tables.js';
import { passkeyOptionsForUser, removeAllFactors, verifyFactorOfUser, type FactorProof } from './mfa.service.js';
import { assertPasswordStrength, hashPassword } from './passwords.js';
import { hashSecret, newSecret } from './secrets.js';
import { createSession } from './sessions.service.js';
import { reserveAttempt } from './throttle.js';
import { ACCOUNT_APPROVERS, approvalFor, getUserRow, normalizeEmail, requireAdmin, type SignInResult } from './users.service.js';

export const RESET_LIFETIME_MS = 30 * 60_000;
const RESET_INVALID = 'This reset link is not valid or has expired; ask for a new one from the sign-in page';

// ---- background work (so a request for an unknown address answers exactly like one for a real one)

const background = new WeakMap<AppServices, Set<Promise<void>>>();

function inBackground(ctx: RequestContext, what: string, work: () => Promise<void>): void {
  const pending = background.get(ctx.app) ?? new Set<Promise<void>>();
  background.set(ctx.app, pending);
  const run: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
    .then(work)
    .catch((error: unknown) => ctx.app.logger.error({ err: { type: error instanceof Error ? error.name : 'unknown' }, work: what }, 'background identity work failed'))
    .finally(() => pending.delete(run));
  pending.add(run);
}

/** Resolves when the mail work started by earlier requests has finished (tests, shutdown). */
export async function settleIdentityBackground(services: AppServices): Promise<void> {
  const pending = background.get(services);
  while (pending && pending.size > 0) await Promise.all([...pending]);
}

// ---- forgot password

/**
 * Mails a reset link (30 minutes, single use, earlier ones void) when `email` names an active
 * account with a password. Answers the same, after the same work, whether or not it does: the
 * lookup and the mail happen after the answer. At most 3 requests per address given and 20 per
 * client address in 15 minutes are acted on; the rest are dropped silently.
 */
export async function requestPasswordReset(ctx: RequestContext, emailInput: string): Promise<void> {
  const email = normalizeEmail(emailInput);
  try {
    await reserveAttempt(ctx, 'reset', email);
  } catch (error) {
    if (error instanceof AppError && error.code === 'ACCOUNT_LOCKED') return;
    throw error;
  }
  inBackground(ctx, 'password-reset', async () => {
    const user = await findUserByEmail(ctx.db, email);
    const now = ctx.app.clock.now();
    if (!user || !user.password_hash || !isUserActive(user, now)) return;
    const token = newSecret();
    await inTransaction(ctx, async (tx) => {
      await expireLinksOfUser(tx.db, user.id, now, 'reset');
      await insertLink(tx.db, { id: newId(now), purpose: 'reset', user_id: user.id, token_hash: hashSecret(token), created_at: now, expires_at: now + RESET_LIFETIME_MS, used_at: null });
      await recordEvent(tx, { action: 'user.password_reset_request', outcome: 'allowed', resources: { userId: user.id } });
    });
    await deliverMail(ctx, passwordResetMail(ctx, user, token, RESET_LIFETIME_MS / 60_000), 'password-reset');
  });
}

async function openResetLink(ctx: RequestContext, token: string): Promise<{ link: OneTimeLinkRow; user: UserRow }> {
  const link = await findLinkByHash(ctx.db, hashSecret(token));
  const now = ctx.app.clock.now();
  if (!link || link.purpose !== 'reset' || link.used_at !== null || link.expires_at === null || link.expires_at <= now || !link.user_id) throw new AppError('TOKEN_INVALID', RESET_INVALID);
  const user = await findUserById(ctx.db, link.user_id);
  if (!user || !isUserActive(user, now)) throw new AppError('TOKEN_INVALID', RESET_INVALID);
  return { link, user };
}

export interface ResetFactors {
  totp: boolean;
  passkey: boolean;
  recoveryCode: boolean;
}

/** Which second factors the reset page must offer for this link. Throws TOKEN_INVALID. */
export async function inspectPasswordReset(ctx: RequestContext, token: string): Promise<{ factors: ResetFactors }> {
  const { user } = await openResetLink(ctx, token);
  const summary = await factorSummary(ctx.db, user.id);
  return { factors: { totp: summary.totp, passkey: summary.passkeys > 0, recoveryCode: summary.recoveryCodesLeft > 0 } };
}

/** WebAuthn options to confirm a reset with a passkey (challenge bound to the link, 5 minutes). Throws TOKEN_INVALID, NOT_FOUND. */
export async function passwordResetPasskeyOptions(ctx: RequestContext, token: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { link, user } = await openResetLink(ctx, token);
  return passkeyOptionsForUser(ctx, user.id, link.id);
}

export interface CompleteResetInput {
  token: string;
  password: string;
  code?: string;
  recoveryCode?: string;
  passkey?: AuthenticationResponseJSON;
}

/**
 * Sets a new password from a reset link. The account's second factor (code, recovery code or
 * passkey) is checked first when it has one, so the link alone — a read mailbox — is not enough;
 * then, in one transaction, the link is spent, the password set, and every session and API token
 * of the account ended; then this browser is signed in. Throws TOKEN_INVALID, PASSWORD_TOO_WEAK,
 * MFA_REQUIRED (no factor given), MFA_INVALID, ACCOUNT_LOCKED.
 */
export async function completePasswordReset(ctx: RequestContext, input: CompleteResetInput): Promise<SignInResult> {
  const { link, user } = await openResetLink(ctx, input.token);
  await assertPasswordStrength(input.password, [user.email, user.name]);
  const summary = await factorSummary(ctx.db, user.id);
  const hasFactor = summary.totp || summary.passkeys > 0;
  let factor: string | null = null;
  if (hasFactor) {
    const proof: FactorProof | null = input.passkey
      ? { kind: 'passkey', response: input.passkey, challengeKey: link.id }
      : input.code
        ? { kind: 'totp', code: input.code }
        : input.recoveryCode
          ? { kind: 'recovery', code: input.recoveryCode }
          : null;
    if (!proof) {
      await recordEvent(ctx, { action: 'user.password_reset', outcome: 'denied', reason: 'NO_SECOND_FACTOR', resources: { userId: user.id } });
      throw new AppError('MFA_REQUIRED', 'Confirm with your second factor: a code from your authenticator app, a recovery code or your passkey', [{ path: 'body.code', message: 'is required' }]);
    }
    factor = await verifyFactorOfUser(ctx, user.id, proof, 'user.password_reset');
  }
  const hash = await hashPassword(input.password);
  return inTransaction(ctx, async (tx) => {
    const now = tx.app.clock.now();
    if (!(await useLink(tx.db, link.id, now))) throw new AppError('TOKEN_INVALID', RESET_INVALID);
    await updateUser(tx.db, user.id, { password_hash: hash, password_changed_at: now, updated_at: now });
    const sessions = await revokeSessionsOfUser(tx.db, user.id, now, 'PASSWORD_RESET');
    const tokens = await revokeTokensOfUser(tx.db, user.id, now);
    // The factor was checked just now, so the new session starts MFA-complete; without one it must enrol.
    const session = await createSession(tx, user, 'reset', factor ? now : null);
    await recordEvent(tx, { action: 'user.password_reset', outcome: 'allowed', reason: `${factor ?? 'NO_FACTOR_ENROLLED'}:${sessions}s:${tokens}t`, resources: { userId: user.id, other: { type: 'session', id: session.sessionId } } });
    return { user: presentUser({ ...user, password_hash: hash }, now), session };
  });
}

// ---- lost second factor: an administrator resets it, a second person approves

export const MFA_RESET_APPROVAL_KIND = 'identity.mfa.reset';

async function applyMfaReset(ctx: RequestContext, userId: string): Promise<UserView> {
  const user = await inTransaction(ctx, async (tx) => {
    const row = await getUserRow(tx, userId);
    const now = tx.app.clock.now();
    const removed = await removeAllFactors(tx, userId);
    const sessions = await revokeSessionsOfUser(tx.db, userId, now, 'MFA_RESET');
    const tokens = await revokeTokensOfUser(tx.db, userId, now);
    await recordEvent(tx, {
      action: 'user.mfa_reset',
      outcome: 'allowed',
      reason: `${removed.totp ? 1 : 0}totp:${removed.passkeys}pk:${sessions}s:${tokens}t`,
      resources: { userId },
    });
    return presentUser(row, now);
  });
  // After the commit: a mail server that is down must not undo the reset.
  await deliverMail(ctx, mfaResetMail(user), 'mfa-reset');
  return user;
}

/** The two-person rule for second-factor resets (part of identity's `provides.access.approvalKinds`). */
export const MFA_RESET_APPROVAL: ApprovalKind = {
  kind: MFA_RESET_APPROVAL_KIND,
  approverRoles: ACCOUNT_APPROVERS,
  execute: async (tx, payload) => {
    await applyMfaReset(tx, String(payload.userId));
  },
};

/**
 * Resets a person's second factor (administrators): every authenticator app, passkey and
 * recovery code goes, every session and token ends, and the person enrols a new factor at their
 * next sign-in. Filed for a second person's approval (another administrator or a compliance
 * officer, never the requester or the person concerned) unless nobody else could approve.
 * Throws FORBIDDEN, USER_NOT_FOUND, SEPARATION_OF_DUTIES (your own factor), CONFLICT (disabled).
 */
export async function requestMfaReset(ctx: RequestContext, userId: string): Promise<UserView | { approval: ApprovalView }> {
  requireAdmin(ctx);
  const user = await getUserRow(ctx, userId);
  if (ctx.actor.kind === 'user' && ctx.actor.userId === userId) {
    await recordEvent({ ...ctx, db: ctx.app.database.db }, { action: 'user.mfa_reset', outcome: 'denied', reason: 'SEPARATION_OF_DUTIES', resources: { userId } });
    throw new AppError('SEPARATION_OF_DUTIES', 'Nobody resets their own second factor; ask another administrator');
  }
  if (!isUserActive(user, ctx.app.clock.now())) throw new AppError('CONFLICT', 'This account is disabled; enable it first');
  const approval = await approvalFor(ctx, MFA_RESET_APPROVAL_KIND, { userId }, userId);
  return approval ? { approval } : applyMfaReset(ctx, userId);
}
