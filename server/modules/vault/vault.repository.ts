/**
 * Reads of the vault's own tables. Anything returning client rows takes the `Authorized` value the
 * access choke point returned, and filters by the id it authorized: a missing check does not compile.
 */
import type { ClientId, MatterId } from '../../../common/ids.js';
import type { Authorized } from '../../access/index.js';
import type { RequestContext } from '../../platform/context.js';
import { tablesOf } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import type { VaultClientsTable, VaultDocumentsTable, VaultMattersTable, VaultTables } from './vault.tables.js';

export type ClientAuth = Authorized<{ kind: 'client'; clientId: ClientId }>;
export type MatterAuth = Authorized<{ kind: 'matter'; matterId: MatterId }>;

export const vaultDb = (ctx: RequestContext) => tablesOf<VaultTables>(ctx.db);

/** Missing and forbidden look the same to the caller. */
export const notFound = () => new AppError('ACCESS_DENIED', 'Not found');

export async function getClientRow(ctx: RequestContext, auth: ClientAuth): Promise<VaultClientsTable> {
  const row = await vaultDb(ctx).selectFrom('vault_clients').selectAll().where('id', '=', auth.clientId).executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function getMatterRow(ctx: RequestContext, auth: MatterAuth): Promise<VaultMattersTable> {
  const row = await vaultDb(ctx).selectFrom('vault_matters').selectAll().where('id', '=', auth.matterId).executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function getDocumentRow(ctx: RequestContext, auth: MatterAuth, documentId: string): Promise<VaultDocumentsTable> {
  const row = await vaultDb(ctx).selectFrom('vault_documents').selectAll().where('id', '=', documentId).where('matter_id', '=', auth.matterId).executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

/**
 * Which matter a document, note or record belongs to — only to ask access about that matter. The
 * answer never reaches the caller unless access then allows it.
 */
export async function unsafeMatterOf(ctx: RequestContext, table: 'vault_documents' | 'vault_notes' | 'vault_records', id: string): Promise<string | null> {
  if (table === 'vault_notes') {
    // Deleted notes are tombstones: to the caller they are missing.
    const note = await vaultDb(ctx).selectFrom('vault_notes').select('matter_id').where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    return note?.matter_id ?? null;
  }
  const row = await vaultDb(ctx).selectFrom(table).select('matter_id').where('id', '=', id).executeTakeFirst();
  return row?.matter_id ?? null;
}

/**
 * Refuses crypto-shredding while any of the client's documents is under legal hold (registered
 * with the keys module as a shred guard). Throws LEGAL_HOLD.
 */
export async function refuseShredUnderHold(ctx: RequestContext, clientId: ClientId): Promise<void> {
  const held = await vaultDb(ctx).selectFrom('vault_documents').select('id').where('client_id', '=', clientId).where('legal_hold', '=', 1).limit(1).executeTakeFirst();
  if (held) throw new AppError('LEGAL_HOLD', 'Some of this client’s documents are under legal hold; release the hold before destroying its data');
}
