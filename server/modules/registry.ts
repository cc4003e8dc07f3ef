/**
 * Every module the composition root mounts, in order. Access and audit come first: the others
 * depend on them through their index.ts.
 */
import { accessModule } from '../access/index.js';
import { auditModule } from '../audit/index.js';
import type { ConfidantModule } from '../platform/module.js';
import { identityModule } from './identity/index.js';
import { keysModule } from './keys/index.js';
import { vaultModule } from './vault/index.js';

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, AppServices } from '../platform/context.js';
import { authenticateRequest as authenticateWithIdentity } from './identity/index.js';
import { replyIfSealed } from './keys/index.js';

/**
 * The one authentication hook app.ts runs on /api: identity's, preceded by the keys module's seal
 * check (a sealed instance answers 503 SEALED to everything but health and unseal).
 */
export async function authenticateRequest(services: AppServices, request: FastifyRequest, reply: FastifyReply, route: { isPublic: boolean; allowWithoutMfa: boolean }): Promise<Actor | null> {
  if (replyIfSealed(services, request, reply)) return null;
  return authenticateWithIdentity(services, request, reply, route);
}

export const MODULES: ConfidantModule[] = [auditModule, accessModule, identityModule, keysModule, vaultModule];
