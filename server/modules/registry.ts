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

export { authenticateRequest } from './identity/index.js';

export const MODULES: ConfidantModule[] = [auditModule, accessModule, identityModule, keysModule, vaultModule];
