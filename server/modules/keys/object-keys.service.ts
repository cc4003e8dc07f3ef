/**
 * Per-object keys: one random 32-byte secret per document version blob, wrapped directly by the
 * master key (AES-256-GCM, AAD `["confidant/object-key/v1", clientId, matterId, id]`) — not by
 * the client key. The blob's data key is
 * `HKDF-SHA256(ikm = client data key vN, salt = secret, info = "confidant/object-data-key/v1")`:
 *
 * - destroying an object key (its wrapped secret nulled) and then rotating the master key leaves
 *   every copy of that blob unreadable — backups included, which hold the secret only wrapped
 *   under the old master key — while the client and its other data live on;
 * - shredding the client still kills everything: without the client key no data key derives.
 *
 * Keys for one client need the `Authorized` value of that client, one of its matters or objects;
 * the `unsafe…` forms take raw ids and say why.
 */
import { randomBytes } from 'node:crypto';
import type { ClientId } from '../../../common/ids.js';
import { recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { hkdf, unwrapKey, wrapKey } from '../../platform/crypto/key-wrap.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { clientKeyRow, destroyObjectKeyRows, enableSecureDelete, insertObjectKeyRow, objectKeyRow } from './keys.repository.js';
import { clientOf, liveKeyOf, objectKeyAad, shredExtensions, unsafeClientKey, unsafeCurrentClientKey, unsealedKeyring, type ClientAuthorization } from './keys.service.js';
import type { KeysObjectKeysTable } from './keys.tables.js';

const OBJECT_DATA_KEY_INFO = 'confidant/object-data-key/v1';
/** Ids per `id in (…)` statement when destroying (bound-parameter limits). */
const DESTROY_CHUNK = 500;

const objectDataKeyOf = (clientDataKey: Buffer, secret: Buffer) => hkdf(clientDataKey, secret, OBJECT_DATA_KEY_INFO);

/** A fresh object key: its data key for encrypting now, and `persist` for the row. */
export interface NewObjectKey {
  /** The object key's id (store it with the blob's row). */
  id: string;
  /** The client key version the data key derives from (store it with the blob's row too). */
  keyVersion: number;
  /** The blob's data key (32 bytes). */
  dataKey: Buffer;
  /**
   * Inserts the wrapped secret, inside the transaction that inserts the row naming it (so a failed
   * commit leaves no key, and the blob — discarded — no reader). Throws KEY_DESTROYED (the client
   * was shredded meanwhile), SEALED.
   */
  persist(tx: RequestContext): Promise<void>;
}

/** The matter an authorization names (a matter or an object under one), or null (a client). */
function matterOfAuth(auth: ClientAuthorization): string | null {
  return 'matterId' in auth && typeof auth.matterId === 'string' ? auth.matterId : null;
}

/**
 * A new object key for a blob of `matterId` of the authorized client, under the client's current
 * key version. An authorization for one matter (or an object under it) makes none for another.
 * Throws KEY_NOT_FOUND, KEY_DESTROYED, SEALED.
 */
export async function newObjectKey(ctx: RequestContext, auth: ClientAuthorization, matterId: string): Promise<NewObjectKey> {
  const authorized = matterOfAuth(auth);
  if (authorized !== null && authorized !== matterId) throw new Error('an authorization for one matter makes no object key for another');
  return unsafeNewObjectKey(ctx, clientOf(auth), matterId);
}

/**
 * `newObjectKey` by raw ids, for system jobs without an authorization (the vault's migration of
 * legacy blobs to object keys, a system actor). Throws KEY_NOT_FOUND, KEY_DESTROYED, SEALED.
 */
export async function unsafeNewObjectKey(ctx: RequestContext, clientId: ClientId, matterId: string): Promise<NewObjectKey> {
  const { version, key } = await unsafeCurrentClientKey(ctx, clientId);
  const secret = randomBytes(32);
  const id = newId(ctx.app.clock.now());
  return {
    id,
    keyVersion: version,
    dataKey: objectDataKeyOf(key, secret),
    async persist(tx) {
      const keyring = await unsealedKeyring(tx);
      // A shred that committed since the key was made: no live object key for a shredded client.
      liveKeyOf(await clientKeyRow(tx, clientId, version));
      await insertObjectKeyRow(tx, {
        id,
        client_id: clientId,
        matter_id: matterId,
        wrapped_key: wrapKey(keyring.master, secret, objectKeyAad(clientId, matterId, id)),
        master_version: keyring.version,
        state: 'active',
        created_at: tx.app.clock.now(),
        destroyed_at: null,
      });
    },
  };
}

async function dataKeyOf(ctx: RequestContext, row: KeysObjectKeysTable | undefined, keyVersion: number): Promise<Buffer> {
  const keyring = await unsealedKeyring(ctx);
  if (!row) throw new AppError('KEY_NOT_FOUND');
  if (row.state === 'destroyed' || row.wrapped_key === null) throw new AppError('KEY_DESTROYED', 'This content was destroyed');
  // The client key first: a shredded client answers KEY_DESTROYED whatever the object key's state.
  const clientDataKey = await unsafeClientKey(ctx, row.client_id as ClientId, keyVersion);
  const secret = unwrapKey(keyring.master, row.wrapped_key, objectKeyAad(row.client_id, row.matter_id, row.id));
  return objectDataKeyOf(clientDataKey, secret);
}

/**
 * The data key of a blob encrypted under object key `objectKeyId` and version `keyVersion` of the
 * authorized client's key. Only an object key of that client (and, for a matter or object
 * authorization, of that matter) opens. Throws KEY_DESTROYED (410: the object key or the client's
 * key was destroyed), KEY_NOT_FOUND, SEALED; INTEGRITY_ERROR when the wrapped key fails its check
 * (e.g. copied from another row).
 */
export async function objectDataKey(ctx: RequestContext, auth: ClientAuthorization, objectKeyId: string, keyVersion: number): Promise<Buffer> {
  const row = await objectKeyRow(ctx, clientOf(auth), objectKeyId);
  const matterId = matterOfAuth(auth);
  return dataKeyOf(ctx, row && (matterId === null || row.matter_id === matterId) ? row : undefined, keyVersion);
}

/**
 * `objectDataKey` by a raw client id, for system jobs with no single authorization (the vault's
 * migration of legacy blobs, a retention job verifying what it destroyed). Throws KEY_DESTROYED,
 * KEY_NOT_FOUND, SEALED, INTEGRITY_ERROR.
 */
export async function unsafeObjectDataKey(ctx: RequestContext, clientId: ClientId, objectKeyId: string, keyVersion: number): Promise<Buffer> {
  return dataKeyOf(ctx, await objectKeyRow(ctx, clientId, objectKeyId), keyVersion);
}

/**
 * Destroys object keys of `clientId` (and of `matterId` when given; ids of other clients or
 * matters are ignored), in `ctx`'s transaction (or one of its own): the wrapped secret is nulled
 * and the row marked destroyed (SQLite: secure_delete first, so the freed bytes are overwritten).
 * Irreversible: later reads of their blobs answer KEY_DESTROYED; backups holding the wrapped secret
 * die with the master key once it is rotated. Records one `key.destroy` event and returns its
 * index in the audit log with how many keys were destroyed now (already destroyed ones are not
 * counted). For the retention module after its own access decision (and the vault, replacing a
 * blob); no access check here. Throws AUDIT_UNAVAILABLE.
 */
export async function unsafeDestroyObjectKeys(ctx: RequestContext, input: { clientId: string; matterId?: string; ids: string[] }): Promise<{ destroyed: number; eventIndex: number }> {
  return inTransaction(ctx, async (tx) => {
    if (tx.app.database.kind === 'sqlite') await enableSecureDelete(tx);
    const ids = [...new Set(input.ids)];
    const now = tx.app.clock.now();
    const where = { clientId: input.clientId, ...(input.matterId !== undefined ? { matterId: input.matterId } : {}) };
    let destroyed = 0;
    for (let i = 0; i < ids.length; i += DESTROY_CHUNK) destroyed += await destroyObjectKeyRows(tx, { ...where, ids: ids.slice(i, i + DESTROY_CHUNK) }, now);
    if (destroyed > 0) for (const hook of shredExtensions(tx).destroyed) await hook(tx, input.clientId as ClientId);
    const { index } = await recordEvent(tx, {
      action: 'key.destroy',
      outcome: 'allowed',
      resources: { clientId: input.clientId, ...(input.matterId !== undefined ? { matterId: input.matterId } : {}), other: { type: 'object_keys', id: String(destroyed) } },
    });
    return { destroyed, eventIndex: index };
  });
}
