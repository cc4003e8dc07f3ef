/**
 * Kysely on `vault_parties`. Reads and writes take the `Authorized` value of the party's client or
 * matter (or of the party itself, decided as its parent); the intake and the conflict check use
 * the `unsafe…` functions, each saying why.
 */
import type { ClientId, MatterId } from '../../../common/ids.js';
import type { ParentResolver } from '../../access/index.js';
import type { RequestContext } from '../../platform/context.js';
import { tablesOf } from '../../platform/db/database.js';
import { notFound, type ClientAuth, type MatterAuth, type ObjectAuth } from './vault.repository.js';
import type { VaultPartiesTable, VaultTables } from './vault.tables.js';

const db = (ctx: RequestContext) => tablesOf<VaultTables>(ctx.db);

/** The parent access decides a party as: its matter, or its client for a client's own party. */
export const PARTY_RESOLVER: ParentResolver = async (ctx, id) => {
  const row = await db(ctx).selectFrom('vault_parties').select(['client_id', 'matter_id']).where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  return row.matter_id ? { matterId: row.matter_id as MatterId } : { clientId: row.client_id as ClientId };
};

/**
 * Whether a party belongs to a matter (its changes need matter.update) or to the client
 * (client.update). Unsafe (no decision): it only picks the permission the choke point then
 * decides — a missing party and a forbidden one are refused alike.
 */
export async function unsafePartyLevel(ctx: RequestContext, id: string): Promise<'matter' | 'client' | null> {
  const row = await db(ctx).selectFrom('vault_parties').select('matter_id').where('id', '=', id).executeTakeFirst();
  return row ? (row.matter_id ? 'matter' : 'client') : null;
}

/** Inserts parties of the authorized client (or of a matter of it). */
export async function insertPartyRows(ctx: RequestContext, auth: ClientAuth | MatterAuth, rows: VaultPartiesTable[]): Promise<void> {
  if (rows.length === 0) return;
  await db(ctx).insertInto('vault_parties').values(rows.map((row) => ({ ...row, client_id: auth.clientId ?? row.client_id }))).execute();
}

/** Parties of an intake held for conflict review (client or matter being created in this transaction; no authorization names it yet). */
export async function unsafeInsertIntakePartyRows(ctx: RequestContext, rows: VaultPartiesTable[]): Promise<void> {
  if (rows.length === 0) return;
  await db(ctx).insertInto('vault_parties').values(rows).execute();
}

/** The authorized client's parties (its own and its matters'), except those of matters held for conflict review. */
export async function findPartyRowsOfClient(ctx: RequestContext, auth: ClientAuth): Promise<VaultPartiesTable[]> {
  return db(ctx)
    .selectFrom('vault_parties')
    .selectAll()
    .where('client_id', '=', auth.clientId)
    .where((eb) => eb.or([eb('matter_id', 'is', null), eb('matter_id', 'in', eb.selectFrom('vault_matters').select('id').where('client_id', '=', auth.clientId).where('status', '!=', 'conflict_review'))]))
    .orderBy('id', 'asc')
    .limit(1000)
    .execute();
}

/** The authorized matter's parties. */
export async function findPartyRowsOfMatter(ctx: RequestContext, auth: MatterAuth): Promise<VaultPartiesTable[]> {
  return db(ctx).selectFrom('vault_parties').selectAll().where('matter_id', '=', auth.matterId).orderBy('id', 'asc').limit(1000).execute();
}

/** The authorized party (decided as its parent: the id and the client access found it under). */
export async function getPartyRow(ctx: RequestContext, auth: ObjectAuth): Promise<VaultPartiesTable> {
  if (auth.type !== 'party' || !auth.clientId) throw notFound();
  let query = db(ctx).selectFrom('vault_parties').selectAll().where('id', '=', auth.id).where('client_id', '=', auth.clientId);
  query = auth.matterId ? query.where('matter_id', '=', auth.matterId) : query.where('matter_id', 'is', null);
  const row = await query.executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function updatePartyRow(ctx: RequestContext, auth: ObjectAuth, next: VaultPartiesTable): Promise<void> {
  const row = await getPartyRow(ctx, auth);
  await db(ctx).updateTable('vault_parties').set({ ...next, id: row.id, client_id: row.client_id, matter_id: row.matter_id }).where('id', '=', row.id).execute();
}

export async function deletePartyRow(ctx: RequestContext, auth: ObjectAuth): Promise<void> {
  const row = await getPartyRow(ctx, auth);
  await db(ctx).deleteFrom('vault_parties').where('id', '=', row.id).execute();
}

/** Inside the shredding transaction: the client's party indexes are wiped (nothing can match them any more). */
export async function wipePartyIndexesOfClient(ctx: RequestContext, clientId: ClientId): Promise<void> {
  await db(ctx).updateTable('vault_parties').set({ name_index: '', conflict_index: '', index_key_version: 0 }).where('client_id', '=', clientId).execute();
  await db(ctx).updateTable('vault_clients').set({ conflict_index: '', conflict_index_key_version: 0 }).where('id', '=', clientId).execute();
}
