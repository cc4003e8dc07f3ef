/**
 * Field-level sealing of identifying text (names, titles, contact details, note bodies) under the
 * owning client's key: AES-256-GCM bound to table, row, field and key version, so a sealed value
 * copied to another row or field does not open.
 *
 * A sealer for one client needs the `Authorized` value the choke point returned for that client
 * (or one of its matters or objects): the key is the authorized client's, not the row's. The
 * `unsafe…` helpers take raw client ids and are only for rows that came through `scopeFor`, the
 * re-index job, and the client being created in the current transaction.
 */
import type { ClientId } from '../../../common/ids.js';
import type { RequestContext } from '../../platform/context.js';
import { blindIndex, hkdf } from '../../platform/crypto/key-wrap.js';
import { blindIndexKey, clientBlindIndexKey, fieldSealing, unsafeClientBlindIndexKey, unsafeClientBlindIndexKeys, type ClientAuthorization, type Sealer } from '../keys/index.js';

export type { Sealer };

/** The vault's scheme: never change these strings (every sealed vault field depends on them). */
const VAULT_FIELDS = fieldSealing({ keyInfo: 'confidant/vault-fields/v1', aadLabel: 'confidant/field/v1' });

/** Seals with the authorized client's current key version (for writes). Throws KEY_DESTROYED, SEALED. */
export const sealerForWrite = (ctx: RequestContext, auth: ClientAuthorization): Promise<Sealer> => VAULT_FIELDS.forWrite(ctx, auth);

/**
 * `sealerForWrite` for a brand-new client inside the transaction creating it: no authorization
 * names the client yet (the creator's is firm-level). Throws KEY_DESTROYED, SEALED.
 */
export const unsafeSealerForNewClient = (ctx: RequestContext, clientId: ClientId): Promise<Sealer> => VAULT_FIELDS.unsafeForWrite(ctx, clientId);

/**
 * `sealerForWrite` for a client access does not know yet or whose intake is being decided: an
 * intake held for conflict review (the requester's parties, the compliance officer's waiver note)
 * has no authorization naming it. Only for conflicts.service.ts. Throws KEY_DESTROYED, SEALED.
 */
export const unsafeSealerForIntake = unsafeSealerForNewClient;

/**
 * `sealerForWrite` by raw client id for the retention module's primitives (anonymising a client),
 * which run after retention's own access decision as a system actor: no vault authorization names
 * the client. Only for destruction.service.ts. Throws KEY_DESTROYED, SEALED.
 */
export const unsafeSealerForRetention = unsafeSealerForNewClient;

/** `indexToken` for the same case as `unsafeSealerForRetention`. Throws KEY_DESTROYED, SEALED. */
export async function unsafeIndexTokenForRetention(ctx: RequestContext, clientId: ClientId, keyVersion: number, purpose: IndexPurpose, value: string): Promise<IndexToken> {
  return unsafeIndexTokenForNewClient(ctx, clientId, keyVersion, purpose, value);
}

/** `indexToken` for the same cases as `unsafeSealerForIntake`. Throws KEY_DESTROYED, SEALED. */
export async function unsafeIndexTokenForIntake(ctx: RequestContext, clientId: ClientId, keyVersion: number, purpose: IndexPurpose, value: string): Promise<IndexToken> {
  return unsafeIndexTokenForNewClient(ctx, clientId, keyVersion, purpose, value);
}

/** Opens values sealed under `version` of the authorized client's key. Throws KEY_DESTROYED, SEALED. */
export const sealerForRead = (ctx: RequestContext, auth: ClientAuthorization, version: number): Promise<Sealer> => VAULT_FIELDS.forRead(ctx, auth, version);

/** Opens many rows of the authorized client (a matter's documents, notes, records), fetching each key version once. */
export const sealerCacheFor = (ctx: RequestContext, auth: ClientAuthorization): ((version: number) => Promise<Sealer>) => VAULT_FIELDS.cacheFor(ctx, auth);

/**
 * Opens rows of many clients, fetching each client's key once. Unsafe (raw client ids): only for
 * rows that came through `scopeFor` (lists and searches, where there is no single authorization)
 * and for the re-index job (system actor).
 */
export const unsafeSealerCache = (ctx: RequestContext): ((clientId: string, version: number) => Promise<Sealer>) => VAULT_FIELDS.unsafeCache(ctx);

/** `client-name` also indexes party names (exact match against clients); `conflict-name` the conflict key (conflicts.names.ts) of client and party names. */
export type IndexPurpose = 'client-name' | 'matter-title' | 'conflict-name';

/** A stored blind index: the token and the client key version it was made with (see vault.tables.ts). */
export interface IndexToken {
  token: string;
  keyVersion: number;
}

// Per-purpose sub-keys, kept as long as the keys module keeps the client's index key (HKDF costs
// more than the HMAC itself, and a search computes one token per client in scope).
const purposeKeys = new WeakMap<Buffer, Map<IndexPurpose, Buffer>>();

/** The token of `value` under a client's blind-index key, one sub-key per purpose. */
export function indexTokenWith(indexKey: Buffer, purpose: IndexPurpose, value: string): string {
  return tokenUnder(indexKey, purpose, value);
}

function tokenUnder(indexKey: Buffer, purpose: IndexPurpose, value: string): string {
  let keys = purposeKeys.get(indexKey);
  if (!keys) purposeKeys.set(indexKey, (keys = new Map()));
  let key = keys.get(purpose);
  if (!key) keys.set(purpose, (key = hkdf(indexKey, Buffer.alloc(0), `confidant/blind-index/${purpose}/v2`)));
  return blindIndex(key, value);
}
/**
 * The blind index of a searchable value under the authorized client's own key, at `keyVersion`
 * (the version the row is sealed with): equal names of two clients give unrelated tokens, and
 * shredding the client's key leaves nothing to recompute them with. Throws KEY_DESTROYED, SEALED.
 */
export async function indexToken(ctx: RequestContext, auth: ClientAuthorization, keyVersion: number, purpose: IndexPurpose, value: string): Promise<IndexToken> {
  return { token: tokenUnder(await clientBlindIndexKey(ctx, auth, keyVersion), purpose, value), keyVersion };
}

/** `indexToken` for a brand-new client inside the transaction creating it (no authorization names it yet). Throws KEY_DESTROYED, SEALED. */
export async function unsafeIndexTokenForNewClient(ctx: RequestContext, clientId: ClientId, keyVersion: number, purpose: IndexPurpose, value: string): Promise<IndexToken> {
  return { token: tokenUnder(await unsafeClientBlindIndexKey(ctx, clientId, keyVersion), purpose, value), keyVersion };
}

/** A row as the matcher sees it: its client, its stored token, and the key version that made it. */
export interface IndexedRow {
  clientId: string;
  token: string;
  keyVersion: number | null;
}

/**
 * Exact-match search across clients: the searched value's token is computed per client (and key
 * version) in the rows offered with that client's own key, fetched in bulk and once per search.
 * Unsafe (raw client ids from the rows): only for rows that came through `scopeFor`, the actor's
 * scope. Shredded clients have no key and match nothing; wiped rows (version 0) never match. Rows
 * still holding the old firm-wide token (version null, before the start-up re-index) are compared
 * with it, for live clients only. Throws SEALED.
 */
export function unsafeIndexMatcher(ctx: RequestContext, purpose: IndexPurpose, value: string): (rows: IndexedRow[]) => Promise<boolean[]> {
  const keys = new Map<string, Map<number, Buffer>>();
  const tokens = new Map<string, string>();
  let legacy: string | null = null;
  return async (rows) => {
    const missing = [...new Set(rows.map((r) => r.clientId))].filter((id) => !keys.has(id));
    if (missing.length > 0) {
      const fetched = await unsafeClientBlindIndexKeys(ctx, missing);
      for (const id of missing) keys.set(id, fetched.get(id) ?? new Map());
    }
    const out: boolean[] = [];
    for (const row of rows) {
      const versions = keys.get(row.clientId)!;
      if (versions.size === 0 || row.keyVersion === 0 || row.token === '') {
        out.push(false);
      } else if (row.keyVersion === null) {
        legacy ??= await legacyToken(ctx, purpose, value);
        out.push(row.token === legacy);
      } else {
        const cacheKey = `${row.clientId}:${row.keyVersion}`;
        let token = tokens.get(cacheKey);
        if (token === undefined) {
          const indexKey = versions.get(row.keyVersion);
          token = indexKey ? tokenUnder(indexKey, purpose, value) : '';
          tokens.set(cacheKey, token);
        }
        out.push(token !== '' && row.token === token);
      }
    }
    return out;
  };
}

/** The old firm-wide token (issue 12 replaced it): only to match rows the re-index has not reached yet. */
async function legacyToken(ctx: RequestContext, purpose: IndexPurpose, value: string): Promise<string> {
  return blindIndex(hkdf(await blindIndexKey(ctx), Buffer.alloc(0), `confidant/blind-index/${purpose}/v1`), value);
}
