/**
 * keys: the key hierarchy — master key providers (file, env, passphrase with sealed start),
 * versioned per-client data keys wrapped by the master key, per-object keys (one per document
 * blob, wrapped by the master key, their data keys derived from the client key), rotation,
 * crypto-shredding and the destruction of single object keys.
 * Other modules use only the functions below. See docs/cryptography.md.
 */
import type { ConfidantModule } from '../../platform/module.js';
import { keysRoutes } from './keys.routes.js';
import { createUnsealSetupToken, firmSecretKey, initKeys, SHRED_APPROVAL, startKeys } from './keys.service.js';


export {
  /** Firm-wide HMAC key of the old (pre-per-client) blind indexes: only to match rows not yet re-indexed. Throws SEALED. */
  blindIndexKey,
  /** The authorized client's blind-index key for one version of its data key (HKDF). Throws KEY_NOT_FOUND, KEY_DESTROYED, SEALED. */
  clientBlindIndexKey,
  /** `clientBlindIndexKey` by raw id: only for the client being created in this transaction. */
  unsafeClientBlindIndexKey,
  /** Blind-index keys of every live key version of many clients; only for rows that came through scopeFor, or the re-index job. Throws SEALED. */
  unsafeClientBlindIndexKeys,
  /** Registers a hook run inside every crypto-shredding transaction (returns its removal). */
  /** The composition root installs what modules plug into shredding (guards, hooks). */
  installKeysProvisions,
  type KeysProvisions,
  type ShredHook,
  /** What opens a client key: an `Authorized` client, matter or object (never a firm-level one). */
  type ClientAuthorization,
  /** A given version of the authorized client's data key. Throws KEY_NOT_FOUND, KEY_DESTROYED, SEALED. */
  clientKey,
  /** `clientKey` by raw id: only for rows that came through scopeFor (lists, searches) and system jobs without one authorization. */
  unsafeClientKey,
  /** Version 1 of a brand-new client's key, inside the transaction creating the client (no authorization names it yet). Throws SEALED. */
  unsafeCreateClientKey,
  /** The authorized client's newest key version, for writes. Throws KEY_NOT_FOUND, KEY_DESTROYED, SEALED. */
  currentClientKey,
  /** `currentClientKey` by raw id: only for the client being created in this transaction. */
  unsafeCurrentClientKey,
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
  /** Use case: crypto-shred a client's keys (key.manage, step-up). Irreversible. Throws ACCESS_DENIED, STEP_UP_REQUIRED, SECOND_APPROVER_REQUIRED, LEGAL_HOLD, KEY_NOT_FOUND. */
  shredClientKeys,
  /**
   * For retention and the CLI, after their own access check: crypto-shreds every client key version
   * and object key of the client without asking access again; returns the index of its `key.shred`
   * audit event. Throws KEY_NOT_FOUND, LEGAL_HOLD (shred guards), AUDIT_UNAVAILABLE.
   */
  unsafeShredClientKeys,
  /** For the CLI (system actor, audited): rotate the master key, re-wrapping every live client and object key. Throws SEALED, CONFLICT, VALIDATION_FAILED. */
  unsafeRotateMasterKey,
  /** For the CLI (system actor, audited): rotate a client's key. */
  unsafeRotateClientKey,
  /** Counts of live and destroyed client and object keys (key.manage on the firm). Throws ACCESS_DENIED. */
  keyStatus,
  sealStatus,
  /** Unseal; on a new instance the first passphrase needs the one-time setup token (HTTP callers). Throws SETUP_TOKEN_INVALID, INVALID_CREDENTIALS, VALIDATION_FAILED, CONFLICT. */
  unseal,
  /** The one-time token for choosing the first master passphrase (printed at start), or null. */
  createUnsealSetupToken,
} from './keys.service.js';

export {
  /**
   * A new object key (one per document version blob) for `matterId` of the authorized client, under
   * its current key version: `dataKey` encrypts the blob now, `persist(tx)` inserts the wrapped row
   * inside the transaction that inserts the row naming it. Throws KEY_NOT_FOUND, KEY_DESTROYED, SEALED.
   */
  newObjectKey,
  /** `newObjectKey` by raw ids: only for system jobs without an authorization (the vault's migration of legacy blobs). Throws KEY_NOT_FOUND, KEY_DESTROYED, SEALED. */
  unsafeNewObjectKey,
  /** The data key of a blob under an object key of the authorized client. Throws KEY_DESTROYED (410: object key or client key destroyed), KEY_NOT_FOUND, SEALED, INTEGRITY_ERROR. */
  objectDataKey,
  /** `objectDataKey` by raw client id: only for system jobs with no single authorization (legacy-blob migration, retention's checks). Same errors. */
  unsafeObjectDataKey,
  /**
   * For the retention module after its own access decision (and the vault replacing a blob):
   * destroys object keys of a client (and matter) in `ctx`'s transaction, one `key.destroy` audit
   * event; returns how many were destroyed and the event's index. Throws AUDIT_UNAVAILABLE.
   */
  unsafeDestroyObjectKeys,
  type NewObjectKey,
} from './object-keys.service.js';

/** Field sealing under a client's key, one scheme per module (its HKDF info and AAD label). */
export { fieldSealing, type FieldScheme, type FieldSealing, type Sealer } from './field-sealing.js';

/** Answers 503 SEALED for every API call but health, seal status and unseal while sealed. */
export { replyIfSealed } from './sealed-guard.js';

export const keysModule: ConfidantModule = {
  name: 'keys',
  // Access seals its free text (wall memos, request reasons, break-glass justifications) under a
  // firm key; shredding a client's keys waits for a second person.
  provides: { access: { sealingKey: (ctx) => firmSecretKey(ctx, 'access-text'), approvalKinds: [SHRED_APPROVAL] } },
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
