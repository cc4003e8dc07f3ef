import type { RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';

/** How recent a second factor must be for a security-sensitive action. */
export const STEP_UP_WINDOW_MS = 10 * 60_000;

/**
 * Step-up: throws STEP_UP_REQUIRED unless the actor is an interactive session that completed an
 * MFA check within `withinMs` (default 10 minutes). An API token never qualifies, whatever it
 * carries: it cannot answer a prompt, and letting it would turn one old factor into a standing
 * one (a token minted once would export, replace recovery codes or remove factors for its whole
 * lifetime). System actors (CLI, jobs) pass: the operator already holds the keys.
 */
export function requireRecentMfa(ctx: RequestContext, withinMs = STEP_UP_WINDOW_MS): void {
  const actor = ctx.actor;
  if (actor.kind === 'system') return;
  if (actor.kind !== 'user' || actor.tokenId !== null || actor.sessionId === null || actor.mfaAt === null || ctx.app.clock.now() - actor.mfaAt > withinMs) {
    throw new AppError('STEP_UP_REQUIRED', 'Confirm with your second factor, in a signed-in session, to continue');
  }
}
