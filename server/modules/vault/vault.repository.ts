/**
 * Kysely on the vault's own tables (clients, matters, notes, records; documents are in
 * documents.repository.ts). Anything reading or changing one client's rows takes the `Authorized`
 * value the access choke point returned and filters by the id it authorized, so a missing check
 * does not compile; lists take the actor's `Scope` (from `scopeFor`) and apply it in SQL. The few
 * functions without either say why (`unsafe…`, the re-index job, a row being created).
 */
import { sql, type SqlBool } from 'kysely';
import type { ClientId, MatterId } from '../../../common/ids.js';
import type { Authorized, ObjectTarget, ParentResolver, Scope } from '../../access/index.js';
import type { RequestContext } from '../../platform/context.js';
import { tablesOf } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import type { Page } from './vault.pagination.js';
import type { VaultClientsTable, VaultMattersTable, VaultNotesTable, VaultRecordMovementsTable, VaultRecordsTable, VaultTables } from './vault.tables.js';

export type ClientAuth = Authorized<{ kind: 'client'; clientId: ClientId }>;
export type MatterAuth = Authorized<{ kind: 'matter'; matterId: MatterId }>;
/** What access authorized for a document, note or record: the object and the matter it is under. */
export type ObjectAuth = Authorized<ObjectTarget>;

// The context's handle (a transaction or not); never exported: SQL stays in the repositories.
const db = (ctx: RequestContext) => tablesOf<VaultTables>(ctx.db);

/** Missing and forbidden look the same to the caller. */
export const notFound = () => new AppError('ACCESS_DENIED', 'Not found');

/** 410 for something whose content was destroyed (retention): its row stays, its content is gone for good. */
export const destroyed = (what: 'matter' | 'document' | 'document version' | 'record') => new AppError('KEY_DESTROYED', `This ${what} was destroyed`);

/** The matter an object authorization was decided under (always set for an allowed object). */
export function matterOfAuth(auth: ObjectAuth): MatterId {
  if (!auth.matterId) throw notFound();
  return auth.matterId;
}

/** The id of the authorized object of `type`, and its matter: the repository reads by both. */
export function objectOf(auth: ObjectAuth, type: 'document' | 'note' | 'record'): { id: string; matterId: MatterId } {
  if (auth.type !== type) throw notFound();
  return { id: auth.id, matterId: matterOfAuth(auth) };
}

/**
 * The parent resolver access calls for a document, note or record: which matter it belongs to —
 * only for the choke point's own decision; the answer reaches nobody unless access allows it.
 */
export const PARENT_RESOLVERS: Record<'document' | 'note' | 'record', ParentResolver> = {
  document: async (ctx, id) => asParent(await db(ctx).selectFrom('vault_documents').select('matter_id').where('id', '=', id).executeTakeFirst()),
  // Deleted notes are tombstones: to the caller they are missing.
  note: async (ctx, id) => asParent(await db(ctx).selectFrom('vault_notes').select('matter_id').where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst()),
  record: async (ctx, id) => asParent(await db(ctx).selectFrom('vault_records').select('matter_id').where('id', '=', id).executeTakeFirst()),
};

function asParent(row: { matter_id: string } | undefined): { matterId: MatterId } | null {
  return row ? { matterId: row.matter_id as MatterId } : null;
}

// ── clients ──────────────────────────────────────────────────────────────────────────────────

/** Inserts a brand-new client's row, inside the transaction that creates it (and its key and grant). */
export async function insertClientRow(ctx: RequestContext, row: VaultClientsTable): Promise<void> {
  await db(ctx).insertInto('vault_clients').values(row).execute();
}

export async function getClientRow(ctx: RequestContext, auth: ClientAuth): Promise<VaultClientsTable> {
  const row = await db(ctx).selectFrom('vault_clients').selectAll().where('id', '=', auth.clientId).executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function updateClientRow(ctx: RequestContext, auth: ClientAuth, next: VaultClientsTable): Promise<void> {
  await db(ctx).updateTable('vault_clients').set(next).where('id', '=', auth.clientId).execute();
}

/**
 * A page of the clients in `scope`, by id: after `page.after`, or — for a search — exactly the
 * `ids` that matched (scoped again, so the rows read are those the actor may open even if access
 * changed meanwhile). Returns at most `page.limit + 1` rows (see `pageResult`).
 */
export async function findClientRows(ctx: RequestContext, scope: Scope, page: Page, ids?: string[]): Promise<VaultClientsTable[]> {
  let query = db(ctx).selectFrom('vault_clients').selectAll().orderBy('id', 'asc').limit(page.limit + 1);
  if (ids !== undefined) query = ids.length === 0 ? query.where(sql<SqlBool>`1 = 0`) : query.where('id', 'in', ids);
  else if (page.after) query = query.where('id', '>', page.after);
  return scope.apply(query, 'vault_clients.id', 'client').execute();
}

/** The name-index columns of the clients in `scope`, `limit` at a time after `after` (a search's candidates). */
export async function findClientIndexRows(ctx: RequestContext, scope: Scope, after: string | null, limit: number): Promise<Pick<VaultClientsTable, 'id' | 'name_index' | 'name_index_key_version'>[]> {
  let query = db(ctx).selectFrom('vault_clients').select(['id', 'name_index', 'name_index_key_version']).orderBy('id', 'asc').limit(limit);
  if (after) query = query.where('id', '>', after);
  return scope.apply(query, 'vault_clients.id', 'client').execute();
}

// ── matters ──────────────────────────────────────────────────────────────────────────────────

/** Whether a firm-assigned matter number is in use (numbers are unique across the firm). */
export async function isMatterNumberTaken(ctx: RequestContext, number: string): Promise<boolean> {
  return (await db(ctx).selectFrom('vault_matters').select('id').where('number', '=', number).executeTakeFirst()) !== undefined;
}

/** Inserts a new matter of the client `auth` authorized (matter.create). */
export async function insertMatterRow(ctx: RequestContext, auth: ClientAuth, row: VaultMattersTable): Promise<void> {
  await db(ctx).insertInto('vault_matters').values({ ...row, client_id: auth.clientId }).execute();
}

/** The authorized matter. Throws KEY_DESTROYED when its content was destroyed. */
export async function getMatterRow(ctx: RequestContext, auth: MatterAuth): Promise<VaultMattersTable & { status: Exclude<VaultMattersTable['status'], 'destroyed'> }> {
  const row = await db(ctx).selectFrom('vault_matters').selectAll().where('id', '=', auth.matterId).executeTakeFirst();
  if (!row) throw notFound();
  if (row.status === 'destroyed') throw destroyed('matter');
  return { ...row, status: row.status };
}

export async function updateMatterRow(ctx: RequestContext, auth: MatterAuth, next: VaultMattersTable): Promise<void> {
  await db(ctx).updateTable('vault_matters').set(next).where('id', '=', auth.matterId).execute();
}

/** A page of the matters in `scope` (optionally of one client), or exactly the matched `ids` (scoped again). At most `page.limit + 1` rows. */
export async function findMatterRows(ctx: RequestContext, scope: Scope, page: Page, filter: { clientId?: string; ids?: string[] }): Promise<VaultMattersTable[]> {
  // Destroyed matters are left out: nothing of them is left to show.
  let query = db(ctx).selectFrom('vault_matters').selectAll().where('status', '!=', 'destroyed').orderBy('id', 'asc').limit(page.limit + 1);
  if (filter.ids !== undefined) {
    query = filter.ids.length === 0 ? query.where(sql<SqlBool>`1 = 0`) : query.where('id', 'in', filter.ids);
  } else {
    if (page.after) query = query.where('id', '>', page.after);
    if (filter.clientId) query = query.where('client_id', '=', filter.clientId);
  }
  return scope.apply(query, 'vault_matters.id', 'matter').execute();
}

/** The title-index columns of the matters in `scope` (optionally of one client), `limit` at a time after `after`. */
export async function findMatterIndexRows(
  ctx: RequestContext,
  scope: Scope,
  after: string | null,
  limit: number,
  clientId: string | undefined,
): Promise<Pick<VaultMattersTable, 'id' | 'client_id' | 'title_index' | 'title_index_key_version'>[]> {
  let query = db(ctx).selectFrom('vault_matters').select(['id', 'client_id', 'title_index', 'title_index_key_version']).where('status', '!=', 'destroyed').orderBy('id', 'asc').limit(limit);
  if (after) query = query.where('id', '>', after);
  if (clientId) query = query.where('client_id', '=', clientId);
  return scope.apply(query, 'vault_matters.id', 'matter').execute();
}

// ── notes ────────────────────────────────────────────────────────────────────────────────────

/** Inserts a note on the matter `auth` authorized (note.write). */
export async function insertNoteRow(ctx: RequestContext, auth: MatterAuth, row: VaultNotesTable): Promise<void> {
  await db(ctx).insertInto('vault_notes').values({ ...row, matter_id: auth.matterId }).execute();
}

/** The authorized note; a deleted one is as missing as one that never existed. */
export async function getNoteRow(ctx: RequestContext, auth: ObjectAuth): Promise<VaultNotesTable> {
  const note = objectOf(auth, 'note');
  const row = await db(ctx).selectFrom('vault_notes').selectAll().where('id', '=', note.id).where('matter_id', '=', note.matterId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

/** Writes `next` if the note is still at `revision`; false when someone saved meanwhile. */
export async function updateNoteRow(ctx: RequestContext, auth: ObjectAuth, next: VaultNotesTable, revision: number): Promise<boolean> {
  const note = objectOf(auth, 'note');
  const result = await db(ctx).updateTable('vault_notes').set(next).where('id', '=', note.id).where('matter_id', '=', note.matterId).where('revision', '=', revision).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Overwrites the note's sealed text and marks it deleted (the row stays as a tombstone for the audit trail). */
export async function tombstoneNoteRow(ctx: RequestContext, auth: ObjectAuth, by: string, now: number): Promise<void> {
  const note = objectOf(auth, 'note');
  await db(ctx).updateTable('vault_notes').set({ title_sealed: '', body_sealed: '', deleted_at: now, updated_by: by, updated_at: now }).where('id', '=', note.id).where('matter_id', '=', note.matterId).execute();
}

/** A page of the live notes of the authorized matter, by id (at most `page.limit + 1` rows). */
export async function findNoteRowsOfMatter(ctx: RequestContext, auth: MatterAuth, page: Page): Promise<VaultNotesTable[]> {
  let query = db(ctx).selectFrom('vault_notes').selectAll().where('matter_id', '=', auth.matterId).where('deleted_at', 'is', null).orderBy('id', 'asc').limit(page.limit + 1);
  if (page.after) query = query.where('id', '>', page.after);
  return query.execute();
}

// ── physical records ─────────────────────────────────────────────────────────────────────────

/** Inserts a record on the matter `auth` authorized (record.write), with its first movement. */
export async function insertRecordRow(ctx: RequestContext, auth: MatterAuth, row: VaultRecordsTable, movement: VaultRecordMovementsTable): Promise<void> {
  await db(ctx).insertInto('vault_records').values({ ...row, matter_id: auth.matterId }).execute();
  await db(ctx).insertInto('vault_record_movements').values(movement).execute();
}

/** The authorized record. Throws KEY_DESTROYED when it was destroyed. */
export async function getRecordRow(ctx: RequestContext, auth: ObjectAuth): Promise<VaultRecordsTable & { status: 'in' | 'out' }> {
  const record = objectOf(auth, 'record');
  const row = await db(ctx).selectFrom('vault_records').selectAll().where('id', '=', record.id).where('matter_id', '=', record.matterId).executeTakeFirst();
  if (!row) throw notFound();
  if (row.status === 'destroyed') throw destroyed('record');
  return { ...row, status: row.status };
}

/** Refuses (410 KEY_DESTROYED) an object of a destroyed matter: a physical record of one waits for its own witnessed destruction. */
export async function refuseUnderDestroyedMatter(ctx: RequestContext, auth: ObjectAuth): Promise<void> {
  if (!auth.matterId) return;
  const row = await db(ctx).selectFrom('vault_matters').select('status').where('id', '=', auth.matterId).executeTakeFirst();
  if (row?.status === 'destroyed') throw destroyed('matter');
}

/** The check-out/check-in log of the authorized record, oldest first. */
export async function findRecordMovements(ctx: RequestContext, auth: ObjectAuth): Promise<VaultRecordMovementsTable[]> {
  const record = objectOf(auth, 'record');
  return db(ctx).selectFrom('vault_record_movements').selectAll().where('record_id', '=', record.id).orderBy('at', 'asc').orderBy('id', 'asc').execute();
}

/** The records of the authorized matter, by id (at most 1000); destroyed ones are left out. */
export async function findRecordRowsOfMatter(ctx: RequestContext, auth: MatterAuth): Promise<(VaultRecordsTable & { status: 'in' | 'out' })[]> {
  const rows = await db(ctx).selectFrom('vault_records').selectAll().where('matter_id', '=', auth.matterId).where('status', '!=', 'destroyed').orderBy('id', 'asc').limit(1000).execute();
  return rows.flatMap((row) => (row.status === 'destroyed' ? [] : [{ ...row, status: row.status }]));
}

/** Writes `next` if the record's status is still `status`. */
export async function updateRecordRow(ctx: RequestContext, auth: ObjectAuth, next: VaultRecordsTable, status: VaultRecordsTable['status']): Promise<void> {
  const record = objectOf(auth, 'record');
  await db(ctx).updateTable('vault_records').set(next).where('id', '=', record.id).where('matter_id', '=', record.matterId).where('status', '=', status).execute();
}

/** The time of the record's latest movement (0 when none). */
export async function latestRecordMovementAt(ctx: RequestContext, auth: ObjectAuth): Promise<number> {
  const record = objectOf(auth, 'record');
  const previous = await db(ctx).selectFrom('vault_record_movements').select((eb) => eb.fn.max('at').as('at')).where('record_id', '=', record.id).executeTakeFirst();
  return Number(previous?.at ?? 0);
}

export async function insertRecordMovement(ctx: RequestContext, auth: ObjectAuth, movement: VaultRecordMovementsTable): Promise<void> {
  const record = objectOf(auth, 'record');
  await db(ctx).insertInto('vault_record_movements').values({ ...movement, record_id: record.id }).execute();
}

// ── blind indexes (the re-index job and crypto-shredding) ───────────────────────────────────

/** A row whose index still holds the old firm-wide token: its id, client, key version and sealed value. */
export interface UnindexedRow {
  id: string;
  clientId: string;
  keyVersion: number;
  sealed: string;
}

/**
 * Rows of `table` whose index is still the old firm-wide token, `limit` at a time after `after`.
 * Unsafe (sealed values of every client, no authorization): only for the re-index job, a system
 * actor that recomputes each token under its own client's key and audits each batch.
 */
export async function unsafeFindUnindexedRows(ctx: RequestContext, table: 'vault_clients' | 'vault_matters', after: string, limit: number): Promise<UnindexedRow[]> {
  if (table === 'vault_clients') {
    const rows = await db(ctx).selectFrom('vault_clients').select(['id', 'key_version', 'name_sealed']).where('name_index_key_version', 'is', null).where('id', '>', after).orderBy('id').limit(limit).execute();
    return rows.map((r) => ({ id: r.id, clientId: r.id, keyVersion: r.key_version, sealed: r.name_sealed }));
  }
  const rows = await db(ctx).selectFrom('vault_matters').select(['id', 'client_id', 'key_version', 'title_sealed']).where('title_index_key_version', 'is', null).where('id', '>', after).orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, clientId: r.client_id, keyVersion: r.key_version, sealed: r.title_sealed }));
}

/** Stores a recomputed token if the row is still unindexed (idempotent); false when another run got there first. */
export async function setIndexIfUnindexed(ctx: RequestContext, table: 'vault_clients' | 'vault_matters', id: string, token: string, keyVersion: number): Promise<boolean> {
  const result =
    table === 'vault_clients'
      ? await db(ctx).updateTable('vault_clients').set({ name_index: token, name_index_key_version: keyVersion }).where('id', '=', id).where('name_index_key_version', 'is', null).executeTakeFirst()
      : await db(ctx).updateTable('vault_matters').set({ title_index: token, title_index_key_version: keyVersion }).where('id', '=', id).where('title_index_key_version', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Inside the shredding transaction: the client's name index and its matters' title indexes are wiped. */
export async function wipeIndexesOfClient(ctx: RequestContext, clientId: ClientId): Promise<void> {
  await db(ctx).updateTable('vault_clients').set({ name_index: '', name_index_key_version: 0 }).where('id', '=', clientId).execute();
  await db(ctx).updateTable('vault_matters').set({ title_index: '', title_index_key_version: 0 }).where('client_id', '=', clientId).execute();
}
