/**
 * Housekeeping for identity's short-lived rows: expired WebAuthn challenges (and any OIDC flow rows
 * left from before flows moved into a sealed cookie) and throttle counters that no longer count
 * anything. Scheduled hourly by the module; safe to run on every node at once.
 */
import type { AppServices } from '../../platform/context.js';
import { deleteExpiredChallenges, deleteStaleThrottles } from './identity.repository.js';
import { THROTTLE_LIMITS } from './throttle.js';

export const JOB_IDENTITY_SWEEP = 'identity.sweep';
export const IDENTITY_SWEEP_INTERVAL_MS = 3_600_000;

export async function sweepIdentityRows(services: AppServices): Promise<{ challenges: number; throttles: number }> {
  const now = services.clock.now();
  const longestWindow = Math.max(...Object.values(THROTTLE_LIMITS).flatMap((k) => [k.account.windowMs, k.address.windowMs]));
  const db = services.database.db;
  return { challenges: await deleteExpiredChallenges(db, now), throttles: await deleteStaleThrottles(db, now - longestWindow, now) };
}
