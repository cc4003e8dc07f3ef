/**
 * Field-level sealing of identifying text (names, titles, contact details, note bodies) under the
 * owning client's key: AES-256-GCM bound to table, row, field and key version, so a sealed value
 * copied to another row or field does not open.
 */
import type { ClientId } from '../../../common/ids.js';
import type { RequestContext } from '../../platform/context.js';
import { encodeContext } from '../../platform/crypto/chunked-aead.js';
import { blindIndex, hkdf, openField, sealField } from '../../platform/crypto/key-wrap.js';
import { blindIndexKey, clientKey, currentClientKey } from '../keys/index.js';

export interface Sealer {
  version: number;
  seal(table: string, rowId: string, field: string, value: string): string;
  open(table: string, rowId: string, field: string, sealed: string): string;
}

function sealerOf(clientId: string, version: number, dataKey: Buffer): Sealer {
  // A sub-key for fields, so field sealing and blob encryption never share a key.
  const fieldKey = hkdf(dataKey, Buffer.from(clientId, 'utf8'), 'confidant/vault-fields/v1');
  const aad = (table: string, rowId: string, field: string) => encodeContext(['confidant/field/v1', table, rowId, field, clientId, version]);
  return {
    version,
    seal: (table, rowId, field, value) => sealField(fieldKey, value, aad(table, rowId, field)),
    open: (table, rowId, field, sealed) => openField(fieldKey, sealed, aad(table, rowId, field)),
  };
}

/** Seals with the client's current key version (for writes). Throws KEY_DESTROYED, SEALED. */
export async function sealerForWrite(ctx: RequestContext, clientId: ClientId): Promise<Sealer> {
  const { version, key } = await currentClientKey(ctx, clientId);
  return sealerOf(clientId, version, key);
}

/** Opens values sealed under `version` of the client's key. Throws KEY_DESTROYED, SEALED. */
export async function sealerForRead(ctx: RequestContext, clientId: ClientId, version: number): Promise<Sealer> {
  return sealerOf(clientId, version, await clientKey(ctx, clientId, version));
}

/** Opens rows of many clients (lists), fetching each client's key once. */
export function sealerCache(ctx: RequestContext): (clientId: string, version: number) => Promise<Sealer> {
  const cache = new Map<string, Promise<Sealer>>();
  return (clientId, version) => {
    const key = `${clientId}:${version}`;
    let sealer = cache.get(key);
    if (!sealer) {
      sealer = sealerForRead(ctx, clientId as ClientId, version);
      cache.set(key, sealer);
    }
    return sealer;
  };
}

/** Keyed blind index of a searchable value (exact match after normalization), per purpose. */
export async function searchToken(ctx: RequestContext, purpose: 'client-name' | 'matter-title', value: string): Promise<string> {
  const key = hkdf(await blindIndexKey(ctx), Buffer.alloc(0), `confidant/blind-index/${purpose}/v1`);
  return blindIndex(key, value);
}
