/**
 * Field sealing for the consent module's client text (named recipients, purposes, exception
 * references, waiver risks, released note snapshots) under the owning client's key: the keys
 * module's field sealing with consent's own scheme, so a value sealed here never opens as a vault
 * field and the other way round.
 */
import type { RequestContext } from '../../platform/context.js';
import { fieldSealing, type ClientAuthorization, type Sealer } from '../keys/index.js';

export type { Sealer };

/** Consent's scheme: never change these strings (every sealed consent field depends on them). */
const CONSENT_FIELDS = fieldSealing({ keyInfo: 'confidant/consent-fields/v1', aadLabel: 'confidant/consent-field/v1' });

/** Seals with the authorized client's newest key version. Throws KEY_DESTROYED, SEALED. */
export const sealerForWrite = (ctx: RequestContext, auth: ClientAuthorization): Promise<Sealer> => CONSENT_FIELDS.forWrite(ctx, auth);

/** Opens values sealed under `version` of the authorized client's key. Throws KEY_DESTROYED, SEALED. */
export const sealerForRead = (ctx: RequestContext, auth: ClientAuthorization, version: number): Promise<Sealer> => CONSENT_FIELDS.forRead(ctx, auth, version);

/**
 * Opens rows of many clients. Unsafe (raw client ids): only for rows that came through `scopeFor`
 * (the register list) and for a share whose recipient proved their address (no staff actor, the
 * share row is the authorization). Throws KEY_DESTROYED, SEALED.
 */
export const unsafeSealerCache = (ctx: RequestContext): ((clientId: string, version: number) => Promise<Sealer>) => CONSENT_FIELDS.unsafeCache(ctx);
