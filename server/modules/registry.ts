/**
 * Every module the composition root mounts, in order. Access and audit come first: the others
 * depend on them through their index.ts.
 */
import { accessModule, installAccessProvisions } from '../access/index.js';
import { auditModule, installAuditProvisions } from '../audit/index.js';
import type { ConfidantModule } from '../platform/module.js';
import { identityModule } from './identity/index.js';
import { installKeysProvisions, keysModule } from './keys/index.js';
import { installVaultProvisions, vaultModule } from './vault/index.js';
import { consentModule } from './consent/index.js';
import { portalModule } from './portal/index.js';
import { retentionModule } from './retention/index.js';
import { complianceModule } from './compliance/index.js';
import { backupModule, installBackupComposer } from './backup/index.js';
import { evidenceModule } from './evidence/index.js';
import { incidentsModule } from './incidents/index.js';
import { postureModule } from './posture/index.js';

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

export const MODULES: ConfidantModule[] = [auditModule, accessModule, identityModule, keysModule, vaultModule, consentModule, portalModule, retentionModule, complianceModule, backupModule, postureModule, evidenceModule, incidentsModule];

/**
 * Installs what every module provides into this instance's services — the one place modules are
 * plugged into each other. Called by the server, the CLI and the test harness alike, right after
 * the services are made, so a CLI command checks people against the directory like the server.
 */
export function composeModules(services: AppServices, modules: ConfidantModule[] = MODULES): void {
  installAccessProvisions(services, modules.flatMap((m) => (m.provides?.access ? [m.provides.access] : [])));
  installAuditProvisions(services, modules.flatMap((m) => (m.provides?.audit ? [m.provides.audit] : [])));
  installKeysProvisions(services, modules.flatMap((m) => (m.provides?.keys ? [m.provides.keys] : [])));
  installVaultProvisions(services, modules.flatMap((m) => (m.provides?.vault ? [m.provides.vault] : [])));
  installBackupComposer(services, (scratch) => composeModules(scratch, modules));
}
