/** Clients: people or organisations, with contact details and identifiers sealed at rest. */
import type { ClientId, UserId } from '../../../common/ids.js';
import { registerClient, requireAccess, scopeFor } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { createClientKey } from '../keys/index.js';
import { pageResult, type Page } from './vault.pagination.js';
import { getClientRow, vaultDb } from './vault.repository.js';
import { sealerCache, sealerForRead, sealerForWrite, searchToken, type Sealer } from './vault.sealing.js';
import type { VaultClientsTable } from './vault.tables.js';

export interface ClientDetails {
  email: string | null;
  phone: string | null;
  address: string | null;
  identifiers: { type: string; value: string }[];
}

export interface ClientView extends ClientDetails {
  id: string;
  kind: 'person' | 'organisation';
  name: string;
  status: 'active' | 'closed';
  createdAt: number;
  updatedAt: number;
}

export interface ClientSummary {
  id: string;
  kind: 'person' | 'organisation';
  name: string;
  status: 'active' | 'closed';
  createdAt: number;
}

export interface CreateClientInput {
  kind: 'person' | 'organisation';
  name: string;
  email?: string | null;
  phone?: string | null;
  address?: string | null;
  identifiers?: { type: string; value: string }[];
}

export type UpdateClientInput = Partial<CreateClientInput & { status: 'active' | 'closed' }>;

const TABLE = 'vault_clients';

function userOf(ctx: RequestContext): UserId {
  if (ctx.actor.kind !== 'user') throw new AppError('FORBIDDEN', 'Only a person can do this');
  return ctx.actor.userId;
}

function present(row: VaultClientsTable, sealer: Sealer): ClientView {
  const details = JSON.parse(sealer.open(TABLE, row.id, 'details', row.details_sealed)) as ClientDetails;
  return {
    id: row.id,
    kind: row.kind,
    name: sealer.open(TABLE, row.id, 'name', row.name_sealed),
    status: row.status,
    email: details.email,
    phone: details.phone,
    address: details.address,
    identifiers: details.identifiers,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function detailsOf(input: Partial<ClientDetails>, base?: ClientDetails): ClientDetails {
  return {
    email: input.email !== undefined ? input.email : (base?.email ?? null),
    phone: input.phone !== undefined ? input.phone : (base?.phone ?? null),
    address: input.address !== undefined ? input.address : (base?.address ?? null),
    identifiers: input.identifiers ?? base?.identifiers ?? [],
  };
}

/** Creates a client, its first data key, and the creator's client-level grant. Throws ACCESS_DENIED, SEALED. */
export async function createClient(ctx: RequestContext, input: CreateClientInput): Promise<ClientView> {
  return inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'client.create', { kind: 'firm' });
    const creator = userOf(tx);
    const id = newId<ClientId>(tx.app.clock.now());
    await registerClient(tx, { clientId: id, creatorUserId: creator });
    await createClientKey(tx, id);
    const sealer = await sealerForWrite(tx, id);
    const now = tx.app.clock.now();
    const row: VaultClientsTable = {
      id,
      kind: input.kind,
      status: 'active',
      key_version: sealer.version,
      name_sealed: sealer.seal(TABLE, id, 'name', input.name),
      name_index: await searchToken(tx, 'client-name', input.name),
      details_sealed: sealer.seal(TABLE, id, 'details', JSON.stringify(detailsOf(input))),
      created_by: creator,
      created_at: now,
      updated_at: now,
    };
    await vaultDb(tx).insertInto('vault_clients').values(row).execute();
    await recordEvent(tx, { action: 'client.created', outcome: 'allowed', resources: { clientId: id } });
    return present(row, sealer);
  });
}

/** Throws ACCESS_DENIED (missing or forbidden), KEY_DESTROYED, SEALED. */
export async function getClientById(ctx: RequestContext, clientId: ClientId): Promise<ClientView> {
  const auth = await requireAccess(ctx, 'client.read', { kind: 'client', clientId });
  const row = await getClientRow(ctx, auth);
  return present(row, await sealerForRead(ctx, clientId, row.key_version));
}

export async function updateClient(ctx: RequestContext, clientId: ClientId, input: UpdateClientInput): Promise<ClientView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'client.update', { kind: 'client', clientId });
    const row = await getClientRow(tx, auth);
    const current = present(row, await sealerForRead(tx, clientId, row.key_version));
    // Re-sealed under the current key version, so rotation gradually moves fields forward.
    const sealer = await sealerForWrite(tx, clientId);
    const name = input.name ?? current.name;
    const next: VaultClientsTable = {
      ...row,
      kind: input.kind ?? row.kind,
      status: input.status ?? row.status,
      key_version: sealer.version,
      name_sealed: sealer.seal(TABLE, row.id, 'name', name),
      name_index: await searchToken(tx, 'client-name', name),
      details_sealed: sealer.seal(TABLE, row.id, 'details', JSON.stringify(detailsOf(input, current))),
      updated_at: tx.app.clock.now(),
    };
    await vaultDb(tx).updateTable('vault_clients').set(next).where('id', '=', row.id).execute();
    await recordEvent(tx, { action: 'client.updated', outcome: 'allowed', resources: { clientId } });
    return present(next, sealer);
  });
}

/** The clients the caller may open, newest first by id order; `name` filters by exact (normalized) name. */
export async function findClients(ctx: RequestContext, page: Page, filter: { name?: string } = {}): Promise<{ items: ClientSummary[]; nextCursor: string | null }> {
  const scope = await scopeFor(ctx, 'client.read');
  let query = vaultDb(ctx).selectFrom('vault_clients').selectAll().orderBy('id', 'asc').limit(page.limit + 1);
  if (page.after) query = query.where('id', '>', page.after);
  if (filter.name !== undefined) query = query.where('name_index', '=', await searchToken(ctx, 'client-name', filter.name));
  query = scope.apply(query, 'vault_clients.id', 'client');
  const { rows, nextCursor } = pageResult(await query.execute(), page);
  const sealers = sealerCache(ctx);
  const items: ClientSummary[] = [];
  for (const row of rows) {
    try {
      const sealer = await sealers(row.id, row.key_version);
      items.push({ id: row.id, kind: row.kind, name: sealer.open(TABLE, row.id, 'name', row.name_sealed), status: row.status, createdAt: row.created_at });
    } catch (error) {
      // A crypto-shredded client stays listed (its id), without a name.
      if (error instanceof AppError && error.code === 'KEY_DESTROYED') items.push({ id: row.id, kind: row.kind, name: '', status: row.status, createdAt: row.created_at });
      else throw error;
    }
  }
  return { items, nextCursor };
}
