/**
 * Field sealing for the consent module's client text (named recipients, purposes, exception
 * references, waiver risks, released note snapshots) under the owning client's key — the vault's
 * scheme (AES-256-GCM bound to table, row, field, client and key version) with a sub-key of its
 * own, so a value sealed here never opens as a vault field and the other way round. Vault does
 * not export its sealer; this uses the keys module's exports the same way.
 */
import type { ClientId } from '../../../common/ids.js';
import type { RequestContext } from '../../platform/context.js';
import { encodeContext } from '../../platform/crypto/chunked-aead.js';
import { hkdf, openField, sealField } from '../../platform/crypto/key-wrap.js';
import { clientKey, currentClientKey, unsafeClientKey, type ClientAuthorization } from '../keys/index.js';

export interface Sealer {
  version: number;
  seal(table: string, rowId: string, field: string, value: string): string;
  open(table: string, rowId: string, field: string, sealed: string): string;
}

function sealerOf(clientId: string, version: number, dataKey: Buffer): Sealer {
  const fieldKey = hkdf(dataKey, Buffer.from(clientId, 'utf8'), 'confidant/consent-fields/v1');
  const aad = (table: string, rowId: string, field: string) => encodeContext(['confidant/consent-field/v1', table, rowId, field, clientId, version]);
  return {
    version,
    seal: (table, rowId, field, value) => sealField(fieldKey, value, aad(table, rowId, field)),
    open: (table, rowId, field, sealed) => openField(fieldKey, sealed, aad(table, rowId, field)),
  };
}

function clientOf(auth: ClientAuthorization): ClientId {
  if (!auth.clientId) throw new Error('an authorization without a client seals nothing');
  return auth.clientId;
}

/** Seals with the authorized client's newest key version. Throws KEY_DESTROYED, SEALED. */
export async function sealerForWrite(ctx: RequestContext, auth: ClientAuthorization): Promise<Sealer> {
  const { version, key } = await currentClientKey(ctx, auth);
  return sealerOf(clientOf(auth), version, key);
}

/** Opens values sealed under `version` of the authorized client's key. Throws KEY_DESTROYED, SEALED. */
export async function sealerForRead(ctx: RequestContext, auth: ClientAuthorization, version: number): Promise<Sealer> {
  return sealerOf(clientOf(auth), version, await clientKey(ctx, auth, version));
}

/**
 * Opens rows of many clients. Unsafe (raw client ids): only for rows that came through `scopeFor`
 * (the register list) and for a share whose recipient proved their address (no staff actor, the
 * share row is the authorization). Throws KEY_DESTROYED, SEALED.
 */
export function unsafeSealerCache(ctx: RequestContext): (clientId: string, version: number) => Promise<Sealer> {
  const cache = new Map<string, Promise<Sealer>>();
  return (clientId, version) => {
    const key = `${clientId}:${version}`;
    let sealer = cache.get(key);
    if (!sealer) cache.set(key, (sealer = unsafeClientKey(ctx, clientId as ClientId, version).then((dataKey) => sealerOf(clientId, version, dataKey))));
    return sealer;
  };
}
