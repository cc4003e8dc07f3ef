/**
 * Field sealing under a client's data key, one scheme for every module that keeps a client's text
 * in its own tables (the vault's names and notes, consent's recipients and purposes, …):
 * AES-256-GCM under a sub-key of the client's key (HKDF, one `info` per module, so a value sealed
 * by one module never opens as another's), bound by its AAD to the module's label, table, row,
 * field, client and key version — a sealed value copied to another row or field does not open.
 * Shredding the client's key makes every field unreadable.
 *
 * A sealer for one client needs the `Authorized` value the choke point returned for it; the
 * `unsafe…` forms take raw ids and say in their callers why there is no single authorization.
 */
import type { ClientId } from '../../../common/ids.js';
import type { RequestContext } from '../../platform/context.js';
import { encodeContext } from '../../platform/crypto/chunked-aead.js';
import { hkdf, openField, sealField } from '../../platform/crypto/key-wrap.js';
import { clientKey, currentClientKey, unsafeClientKey, unsafeCurrentClientKey, type ClientAuthorization } from './keys.service.js';

export interface Sealer {
  version: number;
  seal(table: string, rowId: string, field: string, value: string): string;
  open(table: string, rowId: string, field: string, sealed: string): string;
}

/** A module's scheme: the HKDF `info` of its sub-key and the label that starts its AAD. Never change them: sealed rows depend on them. */
export interface FieldScheme {
  keyInfo: string;
  aadLabel: string;
}

function sealerOf(scheme: FieldScheme, clientId: string, version: number, dataKey: Buffer): Sealer {
  const fieldKey = hkdf(dataKey, Buffer.from(clientId, 'utf8'), scheme.keyInfo);
  const aad = (table: string, rowId: string, field: string) => encodeContext([scheme.aadLabel, table, rowId, field, clientId, version]);
  return {
    version,
    seal: (table, rowId, field, value) => sealField(fieldKey, value, aad(table, rowId, field)),
    open: (table, rowId, field, sealed) => openField(fieldKey, sealed, aad(table, rowId, field)),
  };
}

/** The client an allowed authorization is about (access resolved it; set for client, matter and object targets). */
function clientOf(auth: ClientAuthorization): ClientId {
  if (!auth.clientId) throw new Error('an authorization without a client seals nothing');
  return auth.clientId;
}

/** The sealers of one module's scheme. */
export interface FieldSealing {
  /** Seals with the authorized client's newest key version (writes). Throws KEY_DESTROYED, SEALED. */
  forWrite(ctx: RequestContext, auth: ClientAuthorization): Promise<Sealer>;
  /** Opens values sealed under `version` of the authorized client's key. Throws KEY_DESTROYED, SEALED. */
  forRead(ctx: RequestContext, auth: ClientAuthorization, version: number): Promise<Sealer>;
  /** Opens many rows of the authorized client, fetching each key version once. */
  cacheFor(ctx: RequestContext, auth: ClientAuthorization): (version: number) => Promise<Sealer>;
  /** `forWrite` by raw id: only for a client no authorization names yet (being created, or held at intake). */
  unsafeForWrite(ctx: RequestContext, clientId: ClientId): Promise<Sealer>;
  /** Opens rows of many clients by raw ids, each key fetched once: only for rows that came through `scopeFor`, and system jobs. */
  unsafeCache(ctx: RequestContext): (clientId: string, version: number) => Promise<Sealer>;
}

export function fieldSealing(scheme: FieldScheme): FieldSealing {
  const forRead = async (ctx: RequestContext, auth: ClientAuthorization, version: number) => sealerOf(scheme, clientOf(auth), version, await clientKey(ctx, auth, version));
  return {
    async forWrite(ctx, auth) {
      const { version, key } = await currentClientKey(ctx, auth);
      return sealerOf(scheme, clientOf(auth), version, key);
    },
    forRead,
    cacheFor(ctx, auth) {
      const cache = new Map<number, Promise<Sealer>>();
      return (version) => {
        let sealer = cache.get(version);
        if (!sealer) cache.set(version, (sealer = forRead(ctx, auth, version)));
        return sealer;
      };
    },
    async unsafeForWrite(ctx, clientId) {
      const { version, key } = await unsafeCurrentClientKey(ctx, clientId);
      return sealerOf(scheme, clientId, version, key);
    },
    unsafeCache(ctx) {
      const cache = new Map<string, Promise<Sealer>>();
      return (clientId, version) => {
        const key = `${clientId}:${version}`;
        let sealer = cache.get(key);
        if (!sealer) cache.set(key, (sealer = unsafeClientKey(ctx, clientId as ClientId, version).then((dataKey) => sealerOf(scheme, clientId, version, dataKey))));
        return sealer;
      };
    },
  };
}
