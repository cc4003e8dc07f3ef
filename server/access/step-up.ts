/**
 * Step-up, owned by the choke point: a security-sensitive action (export, key operations,
 * break-glass, replacing factors) needs a second factor confirmed within the window, in an
 * interactive session. An API token never qualifies, whatever it carries: it cannot answer a
 * prompt, and letting it would turn one old factor into a standing one. System actors (CLI, jobs)
 * pass: the operator already holds the keys.
 */
import type { RequestContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';

/** How recent a second factor must be for a security-sensitive action. */
export const STEP_UP_WINDOW_MS = 10 * 60_000;

/** True when the actor may do a step-up action now. */
export function hasRecentFactor(ctx: RequestContext, withinMs = STEP_UP_WINDOW_MS): boolean {
  const actor = ctx.actor;
  if (actor.kind === 'system') return true;
  return actor.kind === 'user' && actor.tokenId === null && actor.sessionId !== null && actor.mfaAt !== null && ctx.app.clock.now() - actor.mfaAt <= withinMs;
}

/** Throws STEP_UP_REQUIRED unless `hasRecentFactor`. */
export function requireRecentFactor(ctx: RequestContext, withinMs = STEP_UP_WINDOW_MS): void {
  if (!hasRecentFactor(ctx, withinMs)) throw new AppError('STEP_UP_REQUIRED', 'Confirm with your second factor, in a signed-in session, to continue');
}
