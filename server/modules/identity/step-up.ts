import type { RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';

/**
 * Step-up: throws STEP_UP_REQUIRED unless the actor completed an MFA check within `withinMs`
 * (default 10 minutes). System actors (CLI, jobs) pass: the operator already holds the keys.
 */
export function requireRecentMfa(ctx: RequestContext, withinMs = 10 * 60_000): void {
  const actor = ctx.actor;
  if (actor.kind === 'system') return;
  if (actor.kind !== 'user' || actor.mfaAt === null || ctx.app.clock.now() - actor.mfaAt > withinMs) {
    throw new AppError('STEP_UP_REQUIRED', 'Confirm with your second factor to continue');
  }
}
