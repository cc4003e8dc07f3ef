/**
 * Sign-in throttling. Password and second-factor attempts are counted separately, each per
 * account and per client address, so someone who knows no password cannot lock a user out
 * through the second factor. Subjects are hashed: the table holds no emails or addresses.
 *
 * An attempt is *reserved* before its credential is verified: one conditional upsert per counter
 * that counts it, and locks the counter when it reaches the limit, unless the counter is already
 * locked. So however many attempts arrive at once, at most `failures` of them per window are ever
 * verified (check-then-record let 184 parallel guesses through). A failure writes nothing more —
 * failing can never clear a lock; a success releases only its own reservation.
 */
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { releaseThrottle, reserveThrottle } from './identity.repository.js';
import { hashSecret } from './secrets.js';

// `reset`: password-reset mails asked for, per address given and per client address (never released).
export type ThrottleKind = 'password' | 'factor' | 'reset';

interface Limit {
  failures: number;
  windowMs: number;
  lockMs: number;
}

const MINUTE = 60_000;
export const THROTTLE_LIMITS: Record<ThrottleKind, { account: Limit; address: Limit }> = {
  password: { account: { failures: 10, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE }, address: { failures: 100, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE } },
  factor: { account: { failures: 5, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE }, address: { failures: 50, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE } },
  reset: { account: { failures: 3, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE }, address: { failures: 20, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE } },
};

function keys(kind: ThrottleKind, account: string, ip: string | null) {
  return {
    account: `${kind}:a:${hashSecret(account.toLowerCase()).slice(0, 40)}`,
    address: `${kind}:i:${hashSecret(ip ?? 'none').slice(0, 40)}`,
  };
}

/** One counted attempt, held from before verification until it succeeds (released) or fails (kept). */
export interface AttemptReservation {
  readonly kind: ThrottleKind;
  readonly keys: { account: string; address: string };
  readonly at: number;
  /** This attempt reached the account limit and locked it: a failure is then audited as a lockout. */
  readonly lockedAccount: boolean;
}

const LOCKED_MESSAGE = 'Too many failed attempts. Wait 15 minutes, then try again.';

/**
 * Counts this attempt on both counters before anything is verified. Throws ACCOUNT_LOCKED (and
 * counts nothing) while either counter is locked. Commits at once when `ctx` is not in a
 * transaction, which is how callers use it: a reservation must be visible to parallel requests
 * before the (slow) verification starts.
 */
export async function reserveAttempt(ctx: RequestContext, kind: ThrottleKind, account: string): Promise<AttemptReservation> {
  const k = keys(kind, account, ctx.ip);
  const now = ctx.app.clock.now();
  const limits = THROTTLE_LIMITS[kind];
  return inTransaction(ctx, async (tx) => {
    // Always account, then address: concurrent reservations take row locks in one order (no deadlock).
    const onAccount = await reserveThrottle(tx.db, { key: k.account, now, windowMs: limits.account.windowMs, limit: limits.account.failures, lockUntil: now + limits.account.lockMs });
    if (!onAccount) throw new AppError('ACCOUNT_LOCKED', LOCKED_MESSAGE);
    const onAddress = await reserveThrottle(tx.db, { key: k.address, now, windowMs: limits.address.windowMs, limit: limits.address.failures, lockUntil: now + limits.address.lockMs });
    // Rolling back also takes back the account reservation: a refused attempt counts nowhere.
    if (!onAddress) throw new AppError('ACCOUNT_LOCKED', LOCKED_MESSAGE);
    return { kind, keys: k, at: now, lockedAccount: onAccount.locked_until !== null };
  });
}

/**
 * A success gives its reservation back on both counters (the address one too: many good sign-ins
 * behind one office address must not lock it). It removes only its own count, and lifts a lock
 * only when that count was what reached the limit — never a lock earned by other attempts' failures.
 */
export async function releaseAttempt(ctx: RequestContext, reservation: AttemptReservation): Promise<void> {
  const limits = THROTTLE_LIMITS[reservation.kind];
  await releaseThrottle(ctx.db, { key: reservation.keys.account, reservedAt: reservation.at, limit: limits.account.failures });
  await releaseThrottle(ctx.db, { key: reservation.keys.address, reservedAt: reservation.at, limit: limits.address.failures });
}
