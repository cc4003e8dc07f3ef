/**
 * Kysely for the conflict check at intake. The check searches every client and party of the
 * firm — that is its purpose, and why these reads are `unsafe…`: they return blind-index tokens
 * and ids only, to conflicts.service.ts, which shows hits to the compliance officer alone
 * (`conflict.review`) and nothing but "referred" to the requester.
 */
import type { RequestContext } from '../../platform/context.js';
import { tablesOf } from '../../platform/db/database.js';
import type { Page } from './vault.pagination.js';
import type { ConflictCheckStatus, VaultClientsTable, VaultConflictChecksTable, VaultMattersTable, VaultPartiesTable, VaultTables } from './vault.tables.js';

const db = (ctx: RequestContext) => tablesOf<VaultTables>(ctx.db);

export type CandidateClient = Pick<VaultClientsTable, 'id' | 'name_index' | 'name_index_key_version' | 'conflict_index' | 'conflict_index_key_version'>;
export type CandidateParty = Pick<VaultPartiesTable, 'id' | 'client_id' | 'matter_id' | 'role' | 'name_index' | 'conflict_index' | 'index_key_version'>;

/** Every client except the intake's, `limit` at a time after `after` (tokens only). */
export async function unsafeCandidateClients(ctx: RequestContext, exceptClientId: string, after: string | null, limit: number): Promise<CandidateClient[]> {
  let query = db(ctx).selectFrom('vault_clients').select(['id', 'name_index', 'name_index_key_version', 'conflict_index', 'conflict_index_key_version']).where('id', '!=', exceptClientId).orderBy('id', 'asc').limit(limit);
  if (after) query = query.where('id', '>', after);
  return query.execute();
}

/** Every party of other clients, `limit` at a time after `after` (tokens only). */
export async function unsafeCandidateParties(ctx: RequestContext, exceptClientId: string, after: string | null, limit: number): Promise<CandidateParty[]> {
  let query = db(ctx).selectFrom('vault_parties').select(['id', 'client_id', 'matter_id', 'role', 'name_index', 'conflict_index', 'index_key_version']).where('client_id', '!=', exceptClientId).orderBy('id', 'asc').limit(limit);
  if (after) query = query.where('id', '>', after);
  return query.execute();
}

export async function insertConflictCheck(ctx: RequestContext, row: VaultConflictChecksTable): Promise<void> {
  await db(ctx).insertInto('vault_conflict_checks').values(row).execute();
}

/** One check by id (the caller decided `conflict.review`, or reads only its own request). */
export async function getConflictCheckRow(ctx: RequestContext, id: string): Promise<VaultConflictChecksTable | undefined> {
  return db(ctx).selectFrom('vault_conflict_checks').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A page of checks, newest first, optionally in one status, optionally of one requester. At most `page.limit + 1` rows. */
export async function findConflictCheckRows(ctx: RequestContext, page: Page, filter: { status?: ConflictCheckStatus; requestedBy?: string; withHitsOnly?: boolean }): Promise<VaultConflictChecksTable[]> {
  let query = db(ctx).selectFrom('vault_conflict_checks').selectAll().orderBy('id', 'desc').limit(page.limit + 1);
  if (page.after) query = query.where('id', '<', page.after);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.requestedBy) query = query.where('requested_by', '=', filter.requestedBy);
  if (filter.withHitsOnly) query = query.where('hit_count', '>', 0);
  return query.execute();
}

/** Records the decision if the check is still referred; false when someone decided first. */
export async function decideConflictCheckRow(ctx: RequestContext, id: string, decision: Pick<VaultConflictChecksTable, 'status' | 'decided_by' | 'decided_at' | 'note_sealed' | 'note_key_version'>): Promise<boolean> {
  const result = await db(ctx).updateTable('vault_conflict_checks').set(decision).where('id', '=', id).where('status', '=', 'referred').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The rows of a held intake, or of the clients, matters and parties a hit names (ids from a check row; opened for conflict.review only). */
export async function unsafeClientRows(ctx: RequestContext, ids: string[]): Promise<VaultClientsTable[]> {
  if (ids.length === 0) return [];
  return db(ctx).selectFrom('vault_clients').selectAll().where('id', 'in', ids).execute();
}

export async function unsafeMatterRows(ctx: RequestContext, ids: string[]): Promise<VaultMattersTable[]> {
  if (ids.length === 0) return [];
  return db(ctx).selectFrom('vault_matters').selectAll().where('id', 'in', ids).execute();
}

export async function unsafePartyRows(ctx: RequestContext, ids: string[]): Promise<VaultPartiesTable[]> {
  if (ids.length === 0) return [];
  return db(ctx).selectFrom('vault_parties').selectAll().where('id', 'in', ids).execute();
}

/** The parties of a held intake (the client's own, or one matter's). */
export async function unsafeIntakePartyRows(ctx: RequestContext, clientId: string, matterId: string | null): Promise<VaultPartiesTable[]> {
  let query = db(ctx).selectFrom('vault_parties').selectAll().where('client_id', '=', clientId);
  query = matterId ? query.where('matter_id', '=', matterId) : query.where('matter_id', 'is', null);
  return query.orderBy('id', 'asc').limit(1000).execute();
}

/** Releases a held intake once cleared (the row was created held by this module). */
export async function unsafeReleaseClient(ctx: RequestContext, clientId: string, now: number): Promise<void> {
  await db(ctx).updateTable('vault_clients').set({ status: 'active', updated_at: now }).where('id', '=', clientId).where('status', '=', 'conflict_review').execute();
}

export async function unsafeReleaseMatter(ctx: RequestContext, matterId: string, now: number): Promise<void> {
  await db(ctx).updateTable('vault_matters').set({ status: 'open', updated_at: now }).where('id', '=', matterId).where('status', '=', 'conflict_review').execute();
}

/** Clients whose conflict key is not indexed yet (created before the conflict check), `limit` at a time: for the start-up backfill. */
export async function unsafeClientsWithoutConflictIndex(ctx: RequestContext, after: string, limit: number): Promise<Pick<VaultClientsTable, 'id' | 'key_version' | 'name_sealed'>[]> {
  return db(ctx).selectFrom('vault_clients').select(['id', 'key_version', 'name_sealed']).where('conflict_index_key_version', 'is', null).where('id', '>', after).orderBy('id', 'asc').limit(limit).execute();
}

export async function setClientConflictIndexIfMissing(ctx: RequestContext, id: string, token: string, keyVersion: number): Promise<void> {
  await db(ctx).updateTable('vault_clients').set({ conflict_index: token, conflict_index_key_version: keyVersion }).where('id', '=', id).where('conflict_index_key_version', 'is', null).execute();
}
