/**
 * keys: the key hierarchy — master key providers (file, env, passphrase with sealed start),
 * versioned per-client data keys wrapped by the master key, rotation and crypto-shredding.
 * Other modules use only the functions below. See docs/cryptography.md.
 */
import type { ConfidantModule } from '../../platform/module.js';
import { registerAccessSealingKey } from '../../access/index.js';
import { keysRoutes } from './keys.routes.js';
import { createUnsealSetupToken, firmSecretKey, initKeys, startKeys } from './keys.service.js';

// Access seals its free text (wall memos, request reasons, break-glass justifications) under a firm key.
registerAccessSealingKey((ctx) => firmSecretKey(ctx, 'access-text'));

export {
  /** Firm-wide HMAC key of the old (pre-per-client) blind indexes: only to match rows not yet re-indexed. Throws SEALED. */
  blindIndexKey,
  /** A client's blind-index key for one version of its data key (HKDF). Throws KEY_NOT_FOUND, KEY_DESTROYED, SEALED. */
  clientBlindIndexKey,
  /** Blind-index keys of every live key version of many clients, in a few queries; shredded clients absent. Throws SEALED. */
  clientBlindIndexKeys,
  /** Registers a hook run inside every crypto-shredding transaction (returns its removal). */
  onClientShredded,
  /** Registers a check that may refuse shredding (e.g. a legal hold); returns its removal. */
  registerShredGuard,
  type ShredHook,
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
  /** Unseal; on a new instance the first passphrase needs the one-time setup token (HTTP callers). Throws SETUP_TOKEN_INVALID, INVALID_CREDENTIALS, VALIDATION_FAILED, CONFLICT. */
  unseal,
  /** The one-time token for choosing the first master passphrase (printed at start), or null. */
  createUnsealSetupToken,
} from './keys.service.js';

/** Answers 503 SEALED for every API call but health, seal status and unseal while sealed. */
export { replyIfSealed } from './sealed-guard.js';

export const keysModule: ConfidantModule = {
  name: 'keys',
  init: initKeys,
  start: startKeys,
  startupNotes: async (services) => {
    // A fresh token at each start until the passphrase is chosen: the earlier one stops working.
    const token = await createUnsealSetupToken(services);
    // A fragment: browsers never send it, so the token never lands in server or proxy logs.
    return token ? [`Choose the master passphrase (one-time link): ${services.config.publicUrl}/unseal#${token}`] : [];
  },
  routes: async (app) => keysRoutes(app),
};
