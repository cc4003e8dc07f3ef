/**
 * The key hierarchy: master key (from a provider) → versioned per-client data keys (wrapped by the
 * master key, AES-256-GCM, bound to client id and version); per-object secrets, wrapped by the
 * master key too (object-keys.service.ts), whose blob data keys derive from the client key. Also
 * the firm-wide blind-index key, wrapped by the master key too.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ClientId } from '../../../common/ids.js';
import { requestApproval, type ApprovalKind, requireAccess, type ApprovalView, type Authorized, type ClientTarget, type MatterTarget, type ObjectTarget } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { AppServices, RequestContext } from '../../platform/context.js';
import { inTransaction, systemContext } from '../../platform/context.js';
import { encodeContext } from '../../platform/crypto/chunked-aead.js';
import { hkdf, unwrapKey, wrapKey } from '../../platform/crypto/key-wrap.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import {
  createKeyFileIfMissing,
  DEFAULT_KDF,
  deriveFromPassphrase,
  discardStagedKeyFile,
  envMasterKey,
  MIN_PASSPHRASE_LENGTH,
  promoteStagedKeyFile,
  readKeyFileCandidates,
  stageKeyFile,
  type KdfParams,
} from './keys.providers.js';
import {
  allLiveClientKeyRows,
  clientKeyRow,
  clientKeyStates,
  countClientKeysByState,
  countObjectKeysByState,
  destroyClientKeyRows,
  destroyObjectKeyRowsOfClient,
  enableSecureDelete,
  hasUnusedSetupTokenHash,
  insertClientKeyRow,
  insertMasterRow,
  insertSetupToken,
  latestClientKeyRow,
  liveClientKeyRows,
  liveObjectKeyRowsAfter,
  markSetupTokenUsed,
  MASTER_ROW,
  readMasterRow,
  retireSetupTokens,
  rewrapClientKeyRow,
  rewrapObjectKeyRows,
  updateMasterRow,
} from './keys.repository.js';
import type { KeysClientKeysTable, KeysMasterTable } from './keys.tables.js';

const INDEX_KEY_AAD = encodeContext(['confidant/index-key/v1']);
/** Object keys re-wrapped per statement by a master rotation (bound-parameter limits). */
const OBJECT_KEY_PAGE = 500;
const clientKeyAad = (clientId: string, version: number) => encodeContext(['confidant/client-key/v1', clientId, version]);
/** Associated data of a wrapped object key: a wrapped key copied to another row, matter or client does not unwrap. */
export const objectKeyAad = (clientId: string, matterId: string, id: string) => encodeContext(['confidant/object-key/v1', clientId, matterId, id]);

interface Keyring {
  master: Buffer | null;
  version: number;
  indexKey: Buffer | null;
}

// One keyring per running instance (tests run several in one process).
const keyrings = new WeakMap<AppServices, Keyring>();

/** First use on a new instance: a fresh blind-index key, wrapped by `master`. */
async function createMasterRow(ctx: RequestContext, master: Buffer, kdf: { salt: Buffer; params: KdfParams } | null): Promise<KeysMasterTable> {
  const row: KeysMasterTable = {
    id: MASTER_ROW,
    provider: ctx.app.config.masterKey.provider,
    version: 1,
    wrapped_index_key: wrapKey(master, randomBytes(32), INDEX_KEY_AAD),
    kdf_salt: kdf ? kdf.salt.toString('base64') : null,
    kdf_params: kdf ? JSON.stringify(kdf.params) : null,
    created_at: ctx.app.clock.now(),
    rotated_at: null,
  };
  try {
    await insertMasterRow(ctx, row);
    return row;
  } catch (error) {
    // Another node created it first: use theirs.
    const existing = await readMasterRow(ctx);
    if (existing) return existing;
    throw error;
  }
}

function tryUnwrapIndexKey(master: Buffer, row: KeysMasterTable): Buffer | null {
  try {
    return unwrapKey(master, row.wrapped_index_key, INDEX_KEY_AAD);
  } catch {
    return null;
  }
}

/** Loads the keyring for the file and env providers (the passphrase provider waits for unseal). */
async function loadKeyring(ctx: RequestContext): Promise<Keyring> {
  const { config } = ctx.app;
  const provider = config.masterKey.provider;
  const row = await readMasterRow(ctx);
  if (provider === 'passphrase') return { master: null, version: row?.version ?? 0, indexKey: null };
  if (provider === 'env') {
    const master = envMasterKey(config);
    const current = row ?? (await createMasterRow(ctx, master, null));
    const indexKey = tryUnwrapIndexKey(master, current);
    if (!indexKey) throw new Error('MASTER_KEY does not open this instance’s keys (wrong key?)');
    return { master, version: current.version, indexKey };
  }
  await createKeyFileIfMissing(config);
  const candidates = await readKeyFileCandidates(config);
  const first = candidates[0];
  if (!first) throw new Error('no master key file');
  if (!row) {
    const created = await createMasterRow(ctx, first.key, null);
    return { master: first.key, version: created.version, indexKey: tryUnwrapIndexKey(first.key, created) };
  }
  for (const candidate of candidates) {
    const indexKey = tryUnwrapIndexKey(candidate.key, row);
    if (!indexKey) continue;
    // An interrupted rotation: the re-wrap committed but the new file was not yet promoted (or the
    // other way round); keep whichever key the database agrees with.
    if (candidate.staged) await promoteStagedKeyFile(config);
    else if (candidates.length > 1) await discardStagedKeyFile(config);
    return { master: candidate.key, version: row.version, indexKey };
  }
  throw new Error(`the master key file ${config.masterKey.file} does not open this instance’s keys (wrong file?)`);
}

async function keyringOf(ctx: RequestContext): Promise<Keyring> {
  let keyring = keyrings.get(ctx.app);
  if (!keyring) {
    keyring = await loadKeyring(ctx);
    keyrings.set(ctx.app, keyring);
  }
  return keyring;
}

/** The loaded master key and its version, or SEALED (object-keys.service.ts wraps and unwraps with it). */
export async function unsealedKeyring(ctx: RequestContext): Promise<Keyring & { master: Buffer; indexKey: Buffer }> {
  const keyring = await keyringOf(ctx);
  if (!keyring.master || !keyring.indexKey) throw new AppError('SEALED', 'The vault is sealed until an operator unseals it');
  return keyring as Keyring & { master: Buffer; indexKey: Buffer };
}

/** Module init/start: creates the key file (file provider) and loads the keyring. */
export async function initKeys(services: AppServices): Promise<string[]> {
  const { config } = services;
  const created = config.masterKey.provider === 'file' ? await createKeyFileIfMissing(config) : false;
  keyrings.delete(services);
  await keyringOf(systemContext(services, 'keys.init'));
  if (created) return [`Master key created at ${config.masterKey.file} (mode 0600). Back it up separately from the database: without it nothing can be decrypted.`];
  if (config.masterKey.provider === 'passphrase') return ['Master key provider: passphrase. The server starts sealed; on a new instance it prints a one-time link for choosing the passphrase at each start (or use `confidant keys status --passphrase-stdin` on the server).'];
  return [];
}

export async function startKeys(services: AppServices): Promise<void> {
  keyrings.delete(services);
  await keyringOf(systemContext(services, 'keys.start'));
}

export function isSealed(services: AppServices): boolean {
  const keyring = keyrings.get(services);
  return !keyring || keyring.master === null;
}

export async function sealStatus(ctx: RequestContext): Promise<{ sealed: boolean; provider: string; initialized: boolean }> {
  const keyring = await keyringOf(ctx);
  return { sealed: keyring.master === null, provider: ctx.app.config.masterKey.provider, initialized: keyring.version > 0 };
}

/**
 * Replaces the one-time token that lets the first `POST /unseal` choose the master passphrase of a
 * new passphrase-sealed instance, and returns it (printed once at start, like the first
 * administrator's setup link). Null when there is nothing to set up (other provider, or the
 * passphrase is already chosen). Earlier tokens stop working.
 */
export async function createUnsealSetupToken(services: AppServices): Promise<string | null> {
  if (services.config.masterKey.provider !== 'passphrase') return null;
  const ctx = systemContext(services, 'keys.setup');
  return inTransaction(ctx, async (tx) => {
    if (await readMasterRow(tx)) return null;
    const now = tx.app.clock.now();
    await retireSetupTokens(tx, now);
    const token = randomBytes(32).toString('base64url');
    await insertSetupToken(tx, { id: newId(now), token_hash: setupTokenHash(token), created_at: now, used_at: null });
    return token;
  });
}

/** Stored form of the setup token: SHA-256 is enough for 256 random bits (no brute force). */
function setupTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Marks the token used, once: false when it is unknown, replaced or already used. */
async function useSetupToken(ctx: RequestContext, token: string | undefined): Promise<boolean> {
  if (!token) return false;
  return markSetupTokenUsed(ctx, setupTokenHash(token), ctx.app.clock.now());
}

async function hasUnusedSetupToken(ctx: RequestContext, token: string | undefined): Promise<boolean> {
  if (!token) return false;
  return hasUnusedSetupTokenHash(ctx, setupTokenHash(token));
}

/**
 * Unseals a passphrase-protected instance. On an instance whose keys were never created, the first
 * passphrase given becomes the master passphrase (the operator's first action after install) — over
 * HTTP only with the one-time setup token printed at start (`setupToken`); the operator's CLI on the
 * server (a system actor) needs none. Throws SETUP_TOKEN_INVALID (first passphrase without the
 * right token, audited), INVALID_CREDENTIALS (wrong passphrase), VALIDATION_FAILED (too short),
 * CONFLICT (not a passphrase instance).
 */
export async function unseal(ctx: RequestContext, passphrase: string, options: { setupToken?: string } = {}): Promise<void> {
  if (ctx.app.config.masterKey.provider !== 'passphrase') throw new AppError('CONFLICT', 'This instance does not use a passphrase');
  const keyring = await keyringOf(ctx);
  if (keyring.master) return;
  const row = await readMasterRow(ctx);
  if (!row) {
    // Whoever reached the port first must not choose the passphrase: the token proves the caller saw the server's start-up output.
    const needsToken = ctx.actor.kind !== 'system';
    const refuse = async (): Promise<never> => {
      // Audited when the log can be written; refused either way.
      await recordEvent(ctx, { action: 'key.unseal', outcome: 'denied', reason: options.setupToken ? 'SETUP_TOKEN_INVALID' : 'SETUP_TOKEN_MISSING' }).catch(() => undefined);
      throw new AppError('SETUP_TOKEN_INVALID', 'Choosing the master passphrase needs the one-time setup link printed when the server started');
    };
    if (needsToken && !(await hasUnusedSetupToken(ctx, options.setupToken))) await refuse();
    if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
      throw new AppError('VALIDATION_FAILED', 'Passphrase too short', [{ path: '/passphrase', message: `at least ${MIN_PASSPHRASE_LENGTH} characters` }]);
    }
    const salt = randomBytes(16);
    const master = await deriveFromPassphrase(passphrase, salt, DEFAULT_KDF);
    // Used once: of two callers holding the same token, only the first goes on.
    if (needsToken && !(await useSetupToken(ctx, options.setupToken))) await refuse();
    const created = await createMasterRow(ctx, master, { salt, params: DEFAULT_KDF });
    const indexKey = tryUnwrapIndexKey(master, created);
    if (!indexKey) throw new AppError('INVALID_CREDENTIALS', 'Wrong passphrase');
    keyrings.set(ctx.app, { master, version: created.version, indexKey });
    await recordEvent(ctx, { action: 'key.unseal', outcome: 'allowed', reason: 'PASSPHRASE_CHOSEN', resources: { other: { type: 'master_key', id: String(created.version) } } });
    return;
  }
  const params = JSON.parse(row.kdf_params ?? 'null') as KdfParams | null;
  if (!row.kdf_salt || !params) throw new AppError('CONFLICT', 'This instance’s keys were not created with a passphrase');
  const master = await deriveFromPassphrase(passphrase, Buffer.from(row.kdf_salt, 'base64'), params);
  const indexKey = tryUnwrapIndexKey(master, row);
  if (!indexKey) {
    await recordEvent(ctx, { action: 'key.unseal', outcome: 'denied', reason: 'WRONG_PASSPHRASE' });
    throw new AppError('INVALID_CREDENTIALS', 'Wrong passphrase');
  }
  keyrings.set(ctx.app, { master, version: row.version, indexKey });
  await recordEvent(ctx, { action: 'key.unseal', outcome: 'allowed', resources: { other: { type: 'master_key', id: String(row.version) } } });
}

/** The firm-wide key for blind indexes (keyed HMAC of searchable values). Throws SEALED. */
export async function blindIndexKey(ctx: RequestContext): Promise<Buffer> {
  return (await unsealedKeyring(ctx)).indexKey;
}

/**
 * A firm-wide key for sealing small secrets that belong to no client (e.g. TOTP seeds), derived
 * with HKDF from the firm key (wrapped by the master key, so it survives master rotation) and
 * separated by `purpose`. Throws SEALED.
 */
export async function firmSecretKey(ctx: RequestContext, purpose: string): Promise<Buffer> {
  return hkdf((await unsealedKeyring(ctx)).indexKey, Buffer.from('confidant-firm-secret-v1', 'utf8'), purpose);
}

/**
 * What may open a client's data key: the choke point's answer for that client, one of its matters,
 * or one of their objects. A firm-level authorization opens no client key (a compile error here).
 */
export type ClientAuthorization = Authorized<ClientTarget | MatterTarget | ObjectTarget>;

/** The client an authorization was decided for (access resolved it from its own records). */
export function clientOf(auth: ClientAuthorization): ClientId {
  // Allowed client, matter and object decisions always carry their client; this never happens.
  if (!auth.clientId) throw new Error('an authorization without a client opens no client key');
  return auth.clientId;
}

/**
 * Creates version 1 of a brand-new client's data key, inside the transaction creating the client
 * (no authorization names the client yet: it is being created). Throws SEALED.
 */
export async function unsafeCreateClientKey(ctx: RequestContext, clientId: ClientId): Promise<{ version: number; key: Buffer }> {
  const keyring = await unsealedKeyring(ctx);
  const key = randomBytes(32);
  await insertClientKeyRow(ctx, { client_id: clientId, version: 1, wrapped_key: wrapKey(keyring.master, key, clientKeyAad(clientId, 1)), master_version: keyring.version, state: 'active', created_at: ctx.app.clock.now(), destroyed_at: null });
  return { version: 1, key };
}

export function liveKeyOf(row: KeysClientKeysTable | undefined): KeysClientKeysTable & { wrapped_key: string } {
  if (!row) throw new AppError('KEY_NOT_FOUND');
  if (row.state === 'destroyed' || row.wrapped_key === null) throw new AppError('KEY_DESTROYED', 'This client’s data was destroyed');
  return row as KeysClientKeysTable & { wrapped_key: string };
}

/** The key new writes use: the authorized client's newest version. Throws KEY_NOT_FOUND, KEY_DESTROYED, SEALED. */
export async function currentClientKey(ctx: RequestContext, auth: ClientAuthorization): Promise<{ version: number; key: Buffer }> {
  return unsafeCurrentClientKey(ctx, clientOf(auth));
}

/**
 * `currentClientKey` by a raw client id, for work no single authorization covers: the keys module's
 * own rotation (after its key.manage check) and the client being created in this transaction.
 * Throws KEY_NOT_FOUND, KEY_DESTROYED, SEALED.
 */
export async function unsafeCurrentClientKey(ctx: RequestContext, clientId: ClientId): Promise<{ version: number; key: Buffer }> {
  const keyring = await unsealedKeyring(ctx);
  const row = liveKeyOf(await latestClientKeyRow(ctx, clientId));
  return { version: row.version, key: unwrapKey(keyring.master, row.wrapped_key, clientKeyAad(clientId, row.version)) };
}

/** A given version of the authorized client's key, to read older data. Throws KEY_NOT_FOUND, KEY_DESTROYED, SEALED. */
export async function clientKey(ctx: RequestContext, auth: ClientAuthorization, version: number): Promise<Buffer> {
  return unsafeClientKey(ctx, clientOf(auth), version);
}

/**
 * `clientKey` by a raw client id, only for rows that came through `scopeFor` (lists and searches:
 * every row was filtered by the actor's scope, there is no single authorization) and for system
 * jobs with none (the blind-index re-index). Throws KEY_NOT_FOUND, KEY_DESTROYED, SEALED.
 */
export async function unsafeClientKey(ctx: RequestContext, clientId: ClientId, version: number): Promise<Buffer> {
  const keyring = await unsealedKeyring(ctx);
  const row = liveKeyOf(await clientKeyRow(ctx, clientId, version));
  return unwrapKey(keyring.master, row.wrapped_key, clientKeyAad(clientId, version));
}

// ── Per-client blind-index keys ──────────────────────────────────────────────────────────────
// Derived from the client's data key (one per key version), so equal values under two clients
// give unrelated tokens and crypto-shredding the client's key makes its index unmatchable.
const CLIENT_INDEX_INFO = 'confidant/client-blind-index/v1';
const clientIndexKeyOf = (clientId: string, dataKey: Buffer) => hkdf(dataKey, Buffer.from(clientId, 'utf8'), CLIENT_INDEX_INFO);
/** Rows per `client_id in (…)` query: well below SQLite's and PostgreSQL's bound-parameter limits. */
const INDEX_KEY_CHUNK = 500;

/** The authorized client's blind-index key for `version` of its data key. Throws KEY_NOT_FOUND, KEY_DESTROYED, SEALED. */
export async function clientBlindIndexKey(ctx: RequestContext, auth: ClientAuthorization, version: number): Promise<Buffer> {
  return unsafeClientBlindIndexKey(ctx, clientOf(auth), version);
}

/**
 * `clientBlindIndexKey` by a raw client id, for the client being created in this transaction (its
 * name's first index token: no authorization names it yet). Throws KEY_NOT_FOUND, KEY_DESTROYED, SEALED.
 */
export async function unsafeClientBlindIndexKey(ctx: RequestContext, clientId: ClientId, version: number): Promise<Buffer> {
  return clientIndexKeyOf(clientId, await unsafeClientKey(ctx, clientId, version));
}

/**
 * Derived index keys by client, then by wrapped key (unique per wrap: a master rotation or a shred
 * changes or removes it). A search across thousands of clients would otherwise spend most of its
 * time unwrapping and deriving (AES-GCM + HKDF per client); the database is still asked for the
 * live wrapped keys every time, so a key shredded on another node stops matching at once. Bounded;
 * a shred on this node drops the client's entries.
 */
const indexKeyCaches = new WeakMap<AppServices, Map<string, Map<string, Buffer>>>();
const INDEX_KEY_CACHE_CLIENTS = 100_000;

function indexKeyCacheOf(services: AppServices): Map<string, Map<string, Buffer>> {
  let cache = indexKeyCaches.get(services);
  if (!cache) indexKeyCaches.set(services, (cache = new Map()));
  return cache;
}

/**
 * The blind-index keys of every live key version of many clients, in a few queries:
 * `clientId → version → key`. Shredded clients are absent. Only for ids of rows that came through
 * `scopeFor` (a search across the clients in the actor's scope) and for the re-index job (system
 * actor, no single authorization). Throws SEALED.
 */
export async function unsafeClientBlindIndexKeys(ctx: RequestContext, clientIds: readonly string[]): Promise<Map<string, Map<number, Buffer>>> {
  const keyring = await unsealedKeyring(ctx);
  const cache = indexKeyCacheOf(ctx.app);
  const out = new Map<string, Map<number, Buffer>>();
  const unique = [...new Set(clientIds)];
  for (let i = 0; i < unique.length; i += INDEX_KEY_CHUNK) {
    const rows = await liveClientKeyRows(ctx, unique.slice(i, i + INDEX_KEY_CHUNK));
    for (const row of rows) {
      if (row.wrapped_key === null) continue;
      let cached = cache.get(row.client_id);
      let key = cached?.get(row.wrapped_key);
      if (!key) {
        key = clientIndexKeyOf(row.client_id, unwrapKey(keyring.master, row.wrapped_key, clientKeyAad(row.client_id, row.version)));
        if (!cached) {
          if (cache.size >= INDEX_KEY_CACHE_CLIENTS) cache.delete(cache.keys().next().value!);
          cache.set(row.client_id, (cached = new Map()));
        }
        cached.set(row.wrapped_key, key);
      }
      let versions = out.get(row.client_id);
      if (!versions) out.set(row.client_id, (versions = new Map()));
      versions.set(row.version, key);
    }
  }
  return out;
}

/** Runs inside the transaction that shreds a client's keys (e.g. the vault wipes the client's blind indexes). */
export type ShredHook = (tx: RequestContext, clientId: ClientId) => Promise<void>;

/**
 * What other modules plug into shredding (`provides.keys`), installed per instance by the
 * composition root — server, CLI and jobs alike: guards that may refuse it (e.g. the vault while a
 * legal hold covers the client's data; run when a shred is requested and again in its
 * transaction), and hooks run inside the shredding transaction (e.g. the vault wiping the
 * client's blind indexes).
 */
export interface KeysProvisions {
  shredGuards?: ShredHook[];
  onShredded?: ShredHook[];
  /**
   * Run inside any transaction that destroys keys (a client's shred, or object keys of a matter
   * or a version): e.g. the backup module queueing its shred-list update, which reads what committed.
   */
  onKeysDestroyed?: ShredHook[];
}

interface ShredExtensions {
  guards: ShredHook[];
  hooks: ShredHook[];
  destroyed: ShredHook[];
}

const installedShred = new WeakMap<AppServices, ShredExtensions>();

export function installKeysProvisions(services: AppServices, provisions: KeysProvisions[]): void {
  installedShred.set(services, { guards: provisions.flatMap((p) => p.shredGuards ?? []), hooks: provisions.flatMap((p) => p.onShredded ?? []), destroyed: provisions.flatMap((p) => p.onKeysDestroyed ?? []) });
}

export function shredExtensions(ctx: RequestContext): ShredExtensions {
  return installedShred.get(ctx.app) ?? { guards: [], hooks: [], destroyed: [] };
}

async function checkShredGuards(tx: RequestContext, clientId: ClientId): Promise<void> {
  for (const guard of shredExtensions(tx).guards) await guard(tx, clientId);
}

declare module '../../platform/module.js' {
  interface ModuleProvisions {
    keys?: KeysProvisions;
  }
}

/** Adds a new key version for the client; older versions stay readable. Audited. */
export async function unsafeRotateClientKey(ctx: RequestContext, clientId: ClientId): Promise<{ version: number }> {
  return inTransaction(ctx, async (tx) => {
    const keyring = await unsealedKeyring(tx);
    const current = await unsafeCurrentClientKey(tx, clientId);
    const version = current.version + 1;
    await insertClientKeyRow(tx, { client_id: clientId, version, wrapped_key: wrapKey(keyring.master, randomBytes(32), clientKeyAad(clientId, version)), master_version: keyring.version, state: 'active', created_at: tx.app.clock.now(), destroyed_at: null });
    await recordEvent(tx, { action: 'key.rotate', outcome: 'allowed', resources: { clientId, other: { type: 'client_key', id: String(version) } } });
    return { version };
  });
}

/**
 * Crypto-shreds every version of the client's key, and every object key of the client:
 * irreversible. Every later read of the client's encrypted data answers KEY_DESTROYED. Audited
 * (`key.shred`); returns that event's index in the audit log (evidence for a certificate). (Also
 * used by retention's disposition.) Throws KEY_NOT_FOUND, LEGAL_HOLD (a shred guard).
 */
export async function unsafeShredClientKeys(ctx: RequestContext, clientId: ClientId): Promise<{ destroyedVersions: number; eventIndex: number }> {
  return inTransaction(ctx, async (tx) => {
    // Overwrite freed space so the wrapped keys do not linger in the database file (a connection
    // setting: inside the transaction too, e.g. when an approval executes the shred).
    if (tx.app.database.kind === 'sqlite') await enableSecureDelete(tx);
    await checkShredGuards(tx, clientId);
    const rows = await clientKeyStates(tx, clientId);
    if (rows.length === 0) throw new AppError('KEY_NOT_FOUND');
    const destroyed = rows.filter((row) => row.state !== 'destroyed').length;
    const now = tx.app.clock.now();
    await destroyClientKeyRows(tx, clientId, now);
    // Dead already without the client key (their data keys derive from it); gone too, so nothing
    // of the client is left wrapped under the master key.
    await destroyObjectKeyRowsOfClient(tx, clientId, now);
    // In the same transaction: what the key made searchable goes with it, or neither happens.
    for (const hook of shredExtensions(tx).hooks) await hook(tx, clientId);
    for (const hook of shredExtensions(tx).destroyed) await hook(tx, clientId);
    indexKeyCacheOf(tx.app).delete(clientId);
    const { index } = await recordEvent(tx, { action: 'key.shred', outcome: 'allowed', resources: { clientId } });
    return { destroyedVersions: destroyed, eventIndex: index };
  });
}

/** True when the client's keys were crypto-shredded. */
export async function isClientShredded(ctx: RequestContext, clientId: ClientId): Promise<boolean> {
  return (await latestClientKeyRow(ctx, clientId))?.state === 'destroyed';
}

/**
 * Replaces the master key and re-wraps every live client key, every live object key and the index
 * key with it in one transaction (no content is rewritten; object keys in pages of
 * OBJECT_KEY_PAGE, one statement each). `file`: a new random key, staged beside the old file
 * first; `passphrase`: derived from `newPassphrase`; `env`: from `newKey` (the operator then sets
 * MASTER_KEY to it). Audited.
 */
export async function unsafeRotateMasterKey(ctx: RequestContext, options: { newPassphrase?: string; newKey?: Buffer } = {}): Promise<{ version: number; rewrapped: number; rewrappedObjectKeys: number }> {
  const { config } = ctx.app;
  const old = await unsealedKeyring(ctx);
  let next: Buffer;
  let kdf: { salt: Buffer; params: KdfParams } | null = null;
  if (config.masterKey.provider === 'passphrase') {
    if (!options.newPassphrase || options.newPassphrase.length < MIN_PASSPHRASE_LENGTH) {
      throw new AppError('VALIDATION_FAILED', 'New passphrase too short', [{ path: '/newPassphrase', message: `at least ${MIN_PASSPHRASE_LENGTH} characters` }]);
    }
    kdf = { salt: randomBytes(16), params: DEFAULT_KDF };
    next = await deriveFromPassphrase(options.newPassphrase, kdf.salt, kdf.params);
  } else if (config.masterKey.provider === 'env') {
    if (!options.newKey || options.newKey.length !== 32) throw new AppError('CONFLICT', 'With MASTER_KEY_PROVIDER=env, rotate with the CLI and a new key');
    next = options.newKey;
  } else {
    next = randomBytes(32);
    await stageKeyFile(config, next);
  }
  let result: { version: number; rewrapped: number; rewrappedObjectKeys: number };
  try {
    result = await inTransaction(ctx, async (tx) => {
      const row = await readMasterRow(tx);
      if (!row || row.version !== old.version) throw new AppError('CONFLICT', 'The master key changed meanwhile');
      const version = row.version + 1;
      const live = await allLiveClientKeyRows(tx);
      for (const key of live) {
        const plain = unwrapKey(old.master, key.wrapped_key!, clientKeyAad(key.client_id, key.version));
        await rewrapClientKeyRow(tx, key.client_id, key.version, wrapKey(next, plain, clientKeyAad(key.client_id, key.version)), version);
      }
      // Destroyed object keys hold nothing to re-wrap; after this commit the old master key opens
      // no live row, so a backup's copy of a destroyed one dies with the old key.
      let rewrappedObjectKeys = 0;
      for (let after = ''; ; ) {
        const page = await liveObjectKeyRowsAfter(tx, after, OBJECT_KEY_PAGE);
        if (page.length === 0) break;
        after = page[page.length - 1]!.id;
        const rewrapped = page.map((row) => {
          const aad = objectKeyAad(row.client_id, row.matter_id, row.id);
          return { id: row.id, wrappedKey: wrapKey(next, unwrapKey(old.master, row.wrapped_key!, aad), aad) };
        });
        await rewrapObjectKeyRows(tx, rewrapped, version);
        rewrappedObjectKeys += page.length;
      }
      await updateMasterRow(tx, {
        version,
        wrapped_index_key: wrapKey(next, old.indexKey, INDEX_KEY_AAD),
        rotated_at: tx.app.clock.now(),
        ...(kdf ? { kdf_salt: kdf.salt.toString('base64'), kdf_params: JSON.stringify(kdf.params) } : {}),
      });
      await recordEvent(tx, { action: 'key.rotate_master', outcome: 'allowed', resources: { other: { type: 'master_key', id: String(version) } } });
      return { version, rewrapped: live.length, rewrappedObjectKeys };
    });
  } catch (error) {
    if (config.masterKey.provider === 'file') await discardStagedKeyFile(config);
    throw error;
  }
  if (config.masterKey.provider === 'file') await promoteStagedKeyFile(config);
  keyrings.set(ctx.app, { master: next, version: result.version, indexKey: old.indexKey });
  return result;
}

// ── Use cases behind the API and CLI: access first, then step-up ─────────────────────────────

export async function rotateClientKey(ctx: RequestContext, clientId: ClientId): Promise<{ version: number }> {
  return inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'key.manage', { kind: 'client', clientId }, { stepUp: true });
    return unsafeRotateClientKey(tx, clientId);
  });
}

export const SHRED_APPROVAL_KIND = 'keys.shred';

/**
 * Use case: crypto-shred a client's keys (key.manage on the client, step-up). Destroying client
 * data is never one person's act: a signed-in requester files it and a second person (another
 * administrator or a compliance officer) approves it, which makes it happen; the CLI on the
 * server (system actor) shreds at once. A legal hold on any of the client's data refuses it (the
 * hook vault registers). Throws ACCESS_DENIED, STEP_UP_REQUIRED, SECOND_APPROVER_REQUIRED, CONFLICT.
 */
export async function shredClientKeys(ctx: RequestContext, clientId: ClientId): Promise<{ destroyedVersions: number; eventIndex: number } | { approval: ApprovalView }> {
  await inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'key.manage', { kind: 'client', clientId }, { stepUp: true });
    await checkShredGuards(tx, clientId);
  });
  if (ctx.actor.kind === 'user') return { approval: await requestApproval(ctx, { kind: SHRED_APPROVAL_KIND, payload: { clientId }, clientId }) };
  return unsafeShredClientKeys(ctx, clientId);
}

/** The two-person rule for destroying a client's keys (keys' `provides.access.approvalKinds`). */
export const SHRED_APPROVAL: ApprovalKind = {
  kind: SHRED_APPROVAL_KIND,
  approverRoles: ['firm_admin', 'compliance_officer'],
  execute: async (tx, payload) => {
    await unsafeShredClientKeys(tx, String(payload.clientId) as ClientId);
  },
};

export async function rotateMasterKey(ctx: RequestContext, options: { newPassphrase?: string }): Promise<{ version: number; rewrapped: number; rewrappedObjectKeys: number }> {
  await inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'key.manage', { kind: 'firm' }, { stepUp: true });
  });
  return unsafeRotateMasterKey(ctx, options);
}

/** Counts of the key hierarchy (key.manage on the firm): live and destroyed client keys and object keys. */
export async function keyStatus(ctx: RequestContext): Promise<{ provider: string; sealed: boolean; masterVersion: number; clientKeys: number; destroyedClientKeys: number; objectKeys: number; destroyedObjectKeys: number }> {
  await requireAccess(ctx, 'key.manage', { kind: 'firm' });
  const keyring = await keyringOf(ctx);
  const counts = await countClientKeysByState(ctx);
  const objectCounts = await countObjectKeysByState(ctx);
  const count = (rows: { state: string; count: number }[], state: string) => rows.find((c) => c.state === state)?.count ?? 0;
  return {
    provider: ctx.app.config.masterKey.provider,
    sealed: keyring.master === null,
    masterVersion: keyring.version,
    clientKeys: count(counts, 'active'),
    destroyedClientKeys: count(counts, 'destroyed'),
    objectKeys: count(objectCounts, 'active'),
    destroyedObjectKeys: count(objectCounts, 'destroyed'),
  };
}
