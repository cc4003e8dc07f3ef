/**
 * keys: the key hierarchy — master key providers (file, env, passphrase with sealed start),
 * versioned per-client data keys wrapped by the master key, rotation and crypto-shredding.
 * Other modules use only the functions below. See docs/cryptography.md.
 */
import type { ConfidantModule } from '../../platform/module.js';
import { keysRoutes } from './keys.routes.js';
import { initKeys, startKeys } from './keys.service.js';

export {
  /** Firm-wide HMAC key for blind indexes. Throws SEALED. */
  blindIndexKey,
  /** A given version of a client's data key. Throws KEY_NOT_FOUND, KEY_DESTROYED, SEALED. */
  clientKey,
  /** Version 1 of a new client's key, inside the transaction creating the client. Throws SEALED. */
  createClientKey,
  /** The client's newest key version, for writes. Throws KEY_NOT_FOUND, KEY_DESTROYED, SEALED. */
  currentClientKey,
  /** Firm-wide key for sealing small non-client secrets, separated by purpose. Throws SEALED. */
  firmSecretKey,
  /** Whether the client's keys were crypto-shredded. */
  isClientShredded,
  /** Whether this instance is sealed (passphrase provider, not yet unsealed). */
  isSealed,
  /** Use case: rotate a client key (key.manage on the client, step-up). Throws ACCESS_DENIED, STEP_UP_REQUIRED, KEY_DESTROYED. */
  rotateClientKey,
  /** Use case: rotate the master key (key.manage on the firm, step-up). */
  rotateMasterKey,
  /** Use case: crypto-shred a client's keys (key.manage, step-up). Irreversible. */
  shredClientKeys,
  /** For retention and the CLI, after their own access check: crypto-shreds without asking access again. */
  unsafeShredClientKeys,
  /** For the CLI (system actor, audited): rotate the master key. */
  unsafeRotateMasterKey,
  /** For the CLI (system actor, audited): rotate a client's key. */
  unsafeRotateClientKey,
  keyStatus,
  sealStatus,
  unseal,
} from './keys.service.js';

/** Answers 503 SEALED for every API call but health, seal status and unseal while sealed. */
export { replyIfSealed } from './sealed-guard.js';

export const keysModule: ConfidantModule = {
  name: 'keys',
  init: initKeys,
  start: startKeys,
  routes: async (app) => keysRoutes(app),
};
