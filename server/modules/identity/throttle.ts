/**
 * Sign-in throttling. Password and second-factor failures are counted separately, each per
 * account and per client address, so someone who knows no password cannot lock a user out
 * through the second factor. Subjects are hashed: the table holds no emails or addresses.
 */
import type { RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { deleteThrottle, findThrottles, upsertThrottle } from './identity.repository.js';
import { hashSecret } from './secrets.js';

export type ThrottleKind = 'password' | 'factor';

interface Limit {
  failures: number;
  windowMs: number;
  lockMs: number;
}

const MINUTE = 60_000;
export const THROTTLE_LIMITS: Record<ThrottleKind, { account: Limit; address: Limit }> = {
  password: { account: { failures: 10, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE }, address: { failures: 100, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE } },
  factor: { account: { failures: 5, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE }, address: { failures: 50, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE } },
};

function keys(kind: ThrottleKind, account: string, ip: string | null) {
  return {
    account: `${kind}:a:${hashSecret(account.toLowerCase()).slice(0, 40)}`,
    address: `${kind}:i:${hashSecret(ip ?? 'none').slice(0, 40)}`,
  };
}

/**
 * Throws ACCOUNT_LOCKED while either counter of this kind is locked. Returns whether the account
 * has a failure counter (so a success only writes when there is something to clear).
 */
export async function assertNotThrottled(ctx: RequestContext, kind: ThrottleKind, account: string): Promise<{ hasAccountFailures: boolean }> {
  const k = keys(kind, account, ctx.ip);
  const rows = await findThrottles(ctx.db, [k.account, k.address]);
  const now = ctx.app.clock.now();
  if (rows.some((r) => r.locked_until !== null && r.locked_until > now)) {
    throw new AppError('ACCOUNT_LOCKED', 'Too many failed attempts. Wait 15 minutes, then try again.');
  }
  return { hasAccountFailures: rows.some((r) => r.key === k.account) };
}

/** Counts one failure on both counters; returns true when this failure locked the account counter. */
export async function recordFailure(ctx: RequestContext, kind: ThrottleKind, account: string): Promise<boolean> {
  const k = keys(kind, account, ctx.ip);
  const now = ctx.app.clock.now();
  const rows = await findThrottles(ctx.db, [k.account, k.address]);
  let lockedAccount = false;
  for (const [which, key] of [['account', k.account], ['address', k.address]] as const) {
    const limit = THROTTLE_LIMITS[kind][which];
    const row = rows.find((r) => r.key === key);
    const fresh = !row || row.window_start < now - limit.windowMs || (row.locked_until !== null && row.locked_until <= now);
    const failures = fresh ? 1 : row.failures + 1;
    const locked = failures >= limit.failures;
    if (locked && which === 'account') lockedAccount = true;
    await upsertThrottle(ctx.db, { key, failures: locked ? 0 : failures, window_start: fresh || locked ? now : row.window_start, locked_until: locked ? now + limit.lockMs : null });
  }
  return lockedAccount;
}

/** A success clears the account counter (not the address one: one good login must not reset a spray). */
export async function clearFailures(ctx: RequestContext, kind: ThrottleKind, account: string): Promise<void> {
  await deleteThrottle(ctx.db, keys(kind, account, ctx.ip).account);
}
