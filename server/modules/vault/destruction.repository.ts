/**
 * Kysely for the retention module's inventories and destruction primitives (destruction.service.ts).
 * Unsafe by contract — rows read and changed by raw id, without an `Authorized` value: only for
 * the retention module after its own access decision (system actor), inside its transaction.
 * Nothing here returns sealed values except for re-sealing a client being anonymised.
 */
import { sql } from 'kysely';
import type { RequestContext } from '../../platform/context.js';
import { tablesOf } from '../../platform/db/database.js';
import type { VaultClientsTable, VaultDocumentsTable, VaultDocumentVersionsTable, VaultMattersTable, VaultNotesTable, VaultRecordsTable, VaultTables } from './vault.tables.js';

const db = (ctx: RequestContext) => tablesOf<VaultTables>(ctx.db);
/** Ids per `in (…)` (bound-parameter limits). */
const CHUNK = 500;

const numeric = <T extends { size: number; sealed_size: number }>(row: T): T => ({ ...row, size: Number(row.size), sealed_size: Number(row.sealed_size) });

/** SQLite: overwrite freed space from here on, so wiped sealed values do not linger in the file (a connection setting; allowed inside a transaction). */
export async function unsafeEnableSecureDelete(ctx: RequestContext): Promise<void> {
  if (ctx.app.database.kind === 'sqlite') await sql`pragma secure_delete = on`.execute(ctx.db);
}

export async function unsafeClientRowById(ctx: RequestContext, clientId: string): Promise<VaultClientsTable | undefined> {
  return db(ctx).selectFrom('vault_clients').selectAll().where('id', '=', clientId).executeTakeFirst();
}

export async function unsafeMatterRowById(ctx: RequestContext, matterId: string): Promise<VaultMattersTable | undefined> {
  return db(ctx).selectFrom('vault_matters').selectAll().where('id', '=', matterId).executeTakeFirst();
}

/** Every matter of the client (held for conflict review and destroyed ones included), by id. */
export async function unsafeMatterRowsOfClient(ctx: RequestContext, clientId: string): Promise<VaultMattersTable[]> {
  return db(ctx).selectFrom('vault_matters').selectAll().where('client_id', '=', clientId).orderBy('id').execute();
}

export async function unsafeDocumentRowById(ctx: RequestContext, documentId: string): Promise<VaultDocumentsTable | undefined> {
  return db(ctx).selectFrom('vault_documents').selectAll().where('id', '=', documentId).executeTakeFirst();
}

/** Every document of the matter (trashed and destroyed ones included), by id. */
export async function unsafeDocumentRowsOfMatter(ctx: RequestContext, matterId: string): Promise<VaultDocumentsTable[]> {
  return db(ctx).selectFrom('vault_documents').selectAll().where('matter_id', '=', matterId).orderBy('id').execute();
}

/** Every version of these documents (destroyed ones included), by document and number. */
export async function unsafeVersionRowsOfDocuments(ctx: RequestContext, documentIds: string[]): Promise<VaultDocumentVersionsTable[]> {
  const out: VaultDocumentVersionsTable[] = [];
  for (let i = 0; i < documentIds.length; i += CHUNK) {
    const rows = await db(ctx).selectFrom('vault_document_versions').selectAll().where('document_id', 'in', documentIds.slice(i, i + CHUNK)).orderBy('document_id').orderBy('version').execute();
    out.push(...rows.map(numeric));
  }
  return out;
}

/** Every note of the matter (deleted ones included), by id. */
export async function unsafeNoteRowsOfMatter(ctx: RequestContext, matterId: string): Promise<VaultNotesTable[]> {
  return db(ctx).selectFrom('vault_notes').selectAll().where('matter_id', '=', matterId).orderBy('id').execute();
}

export async function unsafeRecordRowById(ctx: RequestContext, recordId: string): Promise<VaultRecordsTable | undefined> {
  return db(ctx).selectFrom('vault_records').selectAll().where('id', '=', recordId).executeTakeFirst();
}

/** Every physical record of the matter (destroyed ones included), by id. */
export async function unsafeRecordRowsOfMatter(ctx: RequestContext, matterId: string): Promise<VaultRecordsTable[]> {
  return db(ctx).selectFrom('vault_records').selectAll().where('matter_id', '=', matterId).orderBy('id').execute();
}

/**
 * Wipes everything sealed of the matter and of what it holds, and marks it destroyed: its title,
 * description, close reason and blind index; its documents' names (destroyed, their versions
 * destroyed); its notes' text (deleted); its parties
 * (deleted); the waiver notes of its conflict checks. Times already set are kept.
 */
export async function unsafeWipeMatterContent(ctx: RequestContext, matterId: string, now: number): Promise<void> {
  const documents = db(ctx).selectFrom('vault_documents').select('id').where('matter_id', '=', matterId);
  await db(ctx).updateTable('vault_document_versions').set({ destroyed_at: now }).where('document_id', 'in', documents).where('destroyed_at', 'is', null).execute();
  await db(ctx).updateTable('vault_documents').set({ name_sealed: '', updated_at: now }).where('matter_id', '=', matterId).execute();
  await db(ctx).updateTable('vault_documents').set({ destroyed_at: now }).where('matter_id', '=', matterId).where('destroyed_at', 'is', null).execute();
  await db(ctx).updateTable('vault_notes').set({ title_sealed: '', body_sealed: '', updated_at: now }).where('matter_id', '=', matterId).execute();
  await db(ctx).updateTable('vault_notes').set({ deleted_at: now }).where('matter_id', '=', matterId).where('deleted_at', 'is', null).execute();
  // Physical records are not touched: each box goes by its own witnessed destruction (a checked-out one must come back first).
  await db(ctx).deleteFrom('vault_parties').where('matter_id', '=', matterId).execute();
  await db(ctx).updateTable('vault_conflict_checks').set({ note_sealed: null, note_key_version: null }).where('matter_id', '=', matterId).execute();
  await db(ctx)
    .updateTable('vault_matters')
    .set({ title_sealed: '', title_index: '', title_index_key_version: 0, description_sealed: null, close_reason_sealed: null, status: 'destroyed', updated_at: now })
    .where('id', '=', matterId)
    .execute();
}

/** Marks these versions of the document destroyed (a destroyed one keeps its time). */
export async function unsafeMarkVersionsDestroyed(ctx: RequestContext, documentId: string, versions: number[], now: number): Promise<void> {
  if (versions.length === 0) return;
  await db(ctx).updateTable('vault_document_versions').set({ destroyed_at: now }).where('document_id', '=', documentId).where('version', 'in', versions).where('destroyed_at', 'is', null).execute();
}

/** Wipes the document's name and marks it destroyed (with every version). */
export async function unsafeWipeDocument(ctx: RequestContext, documentId: string, now: number): Promise<void> {
  await db(ctx).updateTable('vault_document_versions').set({ destroyed_at: now }).where('document_id', '=', documentId).where('destroyed_at', 'is', null).execute();
  await db(ctx).updateTable('vault_documents').set({ name_sealed: '', updated_at: now }).where('id', '=', documentId).execute();
  await db(ctx).updateTable('vault_documents').set({ destroyed_at: now }).where('id', '=', documentId).where('destroyed_at', 'is', null).execute();
}

/** Wipes the record's label and location and marks it destroyed, with how, when and before whom. False when it is checked out (or gone). */
export async function unsafeWipeRecord(ctx: RequestContext, recordId: string, input: { method: string; witnessUserId: string; destroyedAt: number }, now: number): Promise<boolean> {
  const result = await db(ctx)
    .updateTable('vault_records')
    .set({ label_sealed: '', location_sealed: '', status: 'destroyed', custodian_user_id: null, destroyed_at: input.destroyedAt, destruction_method: input.method, destruction_witness: input.witnessUserId, updated_at: now })
    .where('id', '=', recordId)
    .where('status', '=', 'in')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function unsafeSetClientEndedAt(ctx: RequestContext, clientId: string, endedAt: number | null, now: number): Promise<boolean> {
  const result = await db(ctx).updateTable('vault_clients').set({ ended_at: endedAt, updated_at: now }).where('id', '=', clientId).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Replaces the client's sealed name, details and indexes (re-sealed by the caller under the
 * client's key), deletes every party of the client and its matters, and wipes its conflict
 * checks' waiver notes.
 */
export async function unsafeAnonymiseClientRow(
  ctx: RequestContext,
  clientId: string,
  fields: Pick<VaultClientsTable, 'key_version' | 'name_sealed' | 'name_index' | 'name_index_key_version' | 'details_sealed' | 'conflict_index' | 'conflict_index_key_version' | 'updated_at'>,
): Promise<void> {
  await db(ctx).updateTable('vault_clients').set(fields).where('id', '=', clientId).execute();
  await db(ctx).deleteFrom('vault_parties').where('client_id', '=', clientId).execute();
  await db(ctx).updateTable('vault_conflict_checks').set({ note_sealed: null, note_key_version: null }).where('client_id', '=', clientId).execute();
}
