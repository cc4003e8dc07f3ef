/**
 * identity: staff and client accounts, roles, passwords, MFA, sessions, API tokens.
 * (Placeholder until the identity issue lands: no one can sign in, so every non-public route
 * answers 401.)
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, AppServices } from '../../platform/context.js';
import type { ConfidantModule } from '../../platform/module.js';
import { AppError } from '../../platform/errors.js';

export const identityModule: ConfidantModule = { name: 'identity' };

/**
 * Resolves the actor from the session cookie or bearer token. Returns null when nobody is signed
 * in; may reply itself (e.g. 401 MFA_REQUIRED, 403 CSRF_FAILED) and return null.
 */
export async function authenticateRequest(
  _services: AppServices,
  _request: FastifyRequest,
  _reply: FastifyReply,
  _route: { isPublic: boolean; allowWithoutMfa: boolean },
): Promise<Actor | null> {
  return null;
}

/** Step-up: throws STEP_UP_REQUIRED unless the actor completed an MFA check within `withinMs`. */
export function requireRecentMfa(ctx: import('../../platform/context.js').RequestContext, withinMs = 10 * 60_000): void {
  const actor = ctx.actor;
  if (actor.kind === 'system') return;
  if (actor.kind !== 'user' || actor.mfaAt === null || ctx.app.clock.now() - actor.mfaAt > withinMs) {
    throw new AppError('STEP_UP_REQUIRED', 'Confirm with your second factor to continue');
  }
}
