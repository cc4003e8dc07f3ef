/**
 * Field sealing for the portal's client text (thread subjects, message bodies, what a consent
 * request asks, file request titles) under the owning client's key: the keys module's field
 * sealing with the portal's own scheme, so a value sealed here never opens as another module's.
 */
import type { RequestContext } from '../../platform/context.js';
import { fieldSealing, type ClientAuthorization, type Sealer } from '../keys/index.js';

export type { Sealer };

/** The portal's scheme: never change these strings (every sealed portal field depends on them). */
const PORTAL_FIELDS = fieldSealing({ keyInfo: 'confidant/portal-fields/v1', aadLabel: 'confidant/portal-field/v1' });

/** Seals with the authorized client's newest key version. Throws KEY_DESTROYED, SEALED. */
export const sealerForWrite = (ctx: RequestContext, auth: ClientAuthorization): Promise<Sealer> => PORTAL_FIELDS.forWrite(ctx, auth);

/** Opens values sealed under `version` of the authorized client's key. Throws KEY_DESTROYED, SEALED. */
export const sealerForRead = (ctx: RequestContext, auth: ClientAuthorization, version: number): Promise<Sealer> => PORTAL_FIELDS.forRead(ctx, auth, version);

/** One sealer per key version for the rows of one authorized client. */
export function sealerCache(ctx: RequestContext, auth: ClientAuthorization): (version: number) => Promise<Sealer> {
  const cache = new Map<number, Promise<Sealer>>();
  return (version) => {
    let sealer = cache.get(version);
    if (!sealer) cache.set(version, (sealer = sealerForRead(ctx, auth, version)));
    return sealer;
  };
}
