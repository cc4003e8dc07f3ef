/**
 * Kysely on the keys module's own tables only (`keys_master`, `keys_client_keys`,
 * `keys_object_keys`, `keys_setup_tokens`). Rows here hold wrapped keys, never usable ones: unwrapping, and the
 * `Authorized` check in front of it, is keys.service.ts's job.
 */
import { sql } from 'kysely';
import type { RequestContext } from '../../platform/context.js';
import { tablesOf } from '../../platform/db/database.js';
import type { KeysClientKeysTable, KeysMasterTable, KeysObjectKeysTable, KeysSetupTokensTable, KeysTables } from './keys.tables.js';

const db = (ctx: RequestContext) => tablesOf<KeysTables>(ctx.db);

/** The one master row's id. */
export const MASTER_ROW = 'master';

// ── master row ───────────────────────────────────────────────────────────────────────────────

export async function readMasterRow(ctx: RequestContext): Promise<KeysMasterTable | undefined> {
  return db(ctx).selectFrom('keys_master').selectAll().where('id', '=', MASTER_ROW).executeTakeFirst();
}

export async function insertMasterRow(ctx: RequestContext, row: KeysMasterTable): Promise<void> {
  await db(ctx).insertInto('keys_master').values(row).execute();
}

export async function updateMasterRow(ctx: RequestContext, patch: Partial<Omit<KeysMasterTable, 'id'>>): Promise<void> {
  await db(ctx).updateTable('keys_master').set(patch).where('id', '=', MASTER_ROW).execute();
}

// ── one-time setup tokens (passphrase provider) ─────────────────────────────────────────────

/** Marks every unused token used (a new one replaces them). */
export async function retireSetupTokens(ctx: RequestContext, now: number): Promise<void> {
  await db(ctx).updateTable('keys_setup_tokens').set({ used_at: now }).where('used_at', 'is', null).execute();
}

export async function insertSetupToken(ctx: RequestContext, row: KeysSetupTokensTable): Promise<void> {
  await db(ctx).insertInto('keys_setup_tokens').values(row).execute();
}

/** Marks the token with this hash used, once: false when it is unknown or already used. */
export async function markSetupTokenUsed(ctx: RequestContext, tokenHash: string, now: number): Promise<boolean> {
  const result = await db(ctx).updateTable('keys_setup_tokens').set({ used_at: now }).where('token_hash', '=', tokenHash).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function hasUnusedSetupTokenHash(ctx: RequestContext, tokenHash: string): Promise<boolean> {
  const row = await db(ctx).selectFrom('keys_setup_tokens').select('id').where('token_hash', '=', tokenHash).where('used_at', 'is', null).executeTakeFirst();
  return row !== undefined;
}

// ── client keys ──────────────────────────────────────────────────────────────────────────────

export async function insertClientKeyRow(ctx: RequestContext, row: KeysClientKeysTable): Promise<void> {
  await db(ctx).insertInto('keys_client_keys').values(row).execute();
}

/** The client's newest key version (live or destroyed), if any. */
export async function latestClientKeyRow(ctx: RequestContext, clientId: string): Promise<KeysClientKeysTable | undefined> {
  return db(ctx).selectFrom('keys_client_keys').selectAll().where('client_id', '=', clientId).orderBy('version', 'desc').limit(1).executeTakeFirst();
}

export async function clientKeyRow(ctx: RequestContext, clientId: string, version: number): Promise<KeysClientKeysTable | undefined> {
  return db(ctx).selectFrom('keys_client_keys').selectAll().where('client_id', '=', clientId).where('version', '=', version).executeTakeFirst();
}

/** The live wrapped keys of these clients (at most a few hundred ids per call: bound-parameter limits). */
export async function liveClientKeyRows(ctx: RequestContext, clientIds: readonly string[]): Promise<Pick<KeysClientKeysTable, 'client_id' | 'version' | 'wrapped_key'>[]> {
  return db(ctx).selectFrom('keys_client_keys').select(['client_id', 'version', 'wrapped_key']).where('client_id', 'in', clientIds).where('state', '=', 'active').execute();
}

/** Every live client key of the firm (master rotation re-wraps them all). */
export async function allLiveClientKeyRows(ctx: RequestContext): Promise<KeysClientKeysTable[]> {
  return db(ctx).selectFrom('keys_client_keys').selectAll().where('state', '=', 'active').execute();
}

export async function rewrapClientKeyRow(ctx: RequestContext, clientId: string, version: number, wrappedKey: string, masterVersion: number): Promise<void> {
  await db(ctx).updateTable('keys_client_keys').set({ wrapped_key: wrappedKey, master_version: masterVersion }).where('client_id', '=', clientId).where('version', '=', version).execute();
}

export async function clientKeyStates(ctx: RequestContext, clientId: string): Promise<Pick<KeysClientKeysTable, 'version' | 'state'>[]> {
  return db(ctx).selectFrom('keys_client_keys').select(['version', 'state']).where('client_id', '=', clientId).execute();
}

/** Forgets every live wrapped key of the client (crypto-shredding). */
export async function destroyClientKeyRows(ctx: RequestContext, clientId: string, now: number): Promise<void> {
  await db(ctx).updateTable('keys_client_keys').set({ wrapped_key: null, state: 'destroyed', destroyed_at: now }).where('client_id', '=', clientId).where('state', '!=', 'destroyed').execute();
}

export async function countClientKeysByState(ctx: RequestContext): Promise<{ state: string; count: number }[]> {
  const rows = await db(ctx).selectFrom('keys_client_keys').select(['state', db(ctx).fn.countAll<number>().as('count')]).groupBy('state').execute();
  return rows.map((row) => ({ state: row.state, count: Number(row.count) }));
}

// ── object keys ──────────────────────────────────────────────────────────────────────────────

export async function insertObjectKeyRow(ctx: RequestContext, row: KeysObjectKeysTable): Promise<void> {
  await db(ctx).insertInto('keys_object_keys').values(row).execute();
}

/** The object key `id` if it belongs to `clientId` (never another client's). */
export async function objectKeyRow(ctx: RequestContext, clientId: string, id: string): Promise<KeysObjectKeysTable | undefined> {
  return db(ctx).selectFrom('keys_object_keys').selectAll().where('id', '=', id).where('client_id', '=', clientId).executeTakeFirst();
}

/**
 * Forgets the wrapped secret of those of `ids` that belong to `clientId` (and to `matterId` when
 * given) and are still live; returns how many were destroyed now. At most a few hundred ids per
 * call (bound-parameter limits).
 */
export async function destroyObjectKeyRows(ctx: RequestContext, where: { clientId: string; matterId?: string; ids: readonly string[] }, now: number): Promise<number> {
  if (where.ids.length === 0) return 0;
  let query = db(ctx).updateTable('keys_object_keys').set({ wrapped_key: null, state: 'destroyed', destroyed_at: now }).where('client_id', '=', where.clientId).where('id', 'in', where.ids).where('state', '!=', 'destroyed');
  if (where.matterId !== undefined) query = query.where('matter_id', '=', where.matterId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Forgets every live object key of the client (crypto-shredding the client). */
export async function destroyObjectKeyRowsOfClient(ctx: RequestContext, clientId: string, now: number): Promise<number> {
  const result = await db(ctx).updateTable('keys_object_keys').set({ wrapped_key: null, state: 'destroyed', destroyed_at: now }).where('client_id', '=', clientId).where('state', '!=', 'destroyed').executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Live object keys after `after` (by id), `limit` at a time: master rotation re-wraps them page by page. */
export async function liveObjectKeyRowsAfter(ctx: RequestContext, after: string, limit: number): Promise<Pick<KeysObjectKeysTable, 'id' | 'client_id' | 'matter_id' | 'wrapped_key'>[]> {
  return db(ctx).selectFrom('keys_object_keys').select(['id', 'client_id', 'matter_id', 'wrapped_key']).where('state', '=', 'active').where('id', '>', after).orderBy('id').limit(limit).execute();
}

/** Re-wrapped object keys in one statement (`case id when … then …`): at most a few hundred rows per call. */
export async function rewrapObjectKeyRows(ctx: RequestContext, rows: readonly { id: string; wrappedKey: string }[], masterVersion: number): Promise<void> {
  if (rows.length === 0) return;
  const wrapped = sql<string>`case id ${sql.join(
    rows.map((row) => sql`when ${row.id} then ${row.wrappedKey}`),
    sql` `,
  )} end`;
  await db(ctx)
    .updateTable('keys_object_keys')
    .set({ wrapped_key: wrapped, master_version: masterVersion })
    .where('id', 'in', rows.map((row) => row.id))
    .where('state', '=', 'active')
    .execute();
}

export async function countObjectKeysByState(ctx: RequestContext): Promise<{ state: string; count: number }[]> {
  const rows = await db(ctx).selectFrom('keys_object_keys').select(['state', db(ctx).fn.countAll<number>().as('count')]).groupBy('state').execute();
  return rows.map((row) => ({ state: row.state, count: Number(row.count) }));
}

/**
 * SQLite only: overwrite freed space so destroyed wrapped keys do not linger in the file. A
 * connection setting, so it may be set inside the destroying transaction as well as before it.
 */
export async function enableSecureDelete(ctx: RequestContext): Promise<void> {
  await sql`pragma secure_delete = on`.execute(ctx.db);
}
