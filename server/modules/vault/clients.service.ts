/** Clients: people or organisations, with contact details and identifiers sealed at rest. */
import type { ClientId, UserId } from '../../../common/ids.js';
import { sql, type SqlBool } from 'kysely';
import { registerClient, requireAccess, scopeFor, type Scope } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { createClientKey } from '../keys/index.js';
import { recordListRead } from './vault.audit.js';
import { collectMatches, pageResult, type Page } from './vault.pagination.js';
import { getClientRow, vaultDb } from './vault.repository.js';
import { indexMatcher, indexToken, sealerCache, sealerForRead, sealerForWrite, type Sealer } from './vault.sealing.js';
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
    const index = await indexToken(tx, id, sealer.version, 'client-name', input.name);
    const row: VaultClientsTable = {
      id,
      kind: input.kind,
      status: 'active',
      key_version: sealer.version,
      name_sealed: sealer.seal(TABLE, id, 'name', input.name),
      name_index: index.token,
      name_index_key_version: index.keyVersion,
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
    const index = await indexToken(tx, clientId, sealer.version, 'client-name', name);
    const next: VaultClientsTable = {
      ...row,
      kind: input.kind ?? row.kind,
      status: input.status ?? row.status,
      key_version: sealer.version,
      name_sealed: sealer.seal(TABLE, row.id, 'name', name),
      name_index: index.token,
      name_index_key_version: index.keyVersion,
      details_sealed: sealer.seal(TABLE, row.id, 'details', JSON.stringify(detailsOf(input, current))),
      updated_at: tx.app.clock.now(),
    };
    await vaultDb(tx).updateTable('vault_clients').set(next).where('id', '=', row.id).execute();
    await recordEvent(tx, { action: 'client.updated', outcome: 'allowed', resources: { clientId } });
    return present(next, sealer);
  });
}

/**
 * The clients the caller may open, by id order; `name` filters by exact (normalized) name through
 * each client's own blind index. Records one `client.list` / `client.search` event (count and, for
 * a single client, its id; never the name) before returning. Throws AUDIT_UNAVAILABLE, SEALED.
 */
export async function findClients(ctx: RequestContext, page: Page, filter: { name?: string } = {}): Promise<{ items: ClientSummary[]; nextCursor: string | null }> {
  const scope = await scopeFor(ctx, 'client.read');
  let query = vaultDb(ctx).selectFrom('vault_clients').selectAll().orderBy('id', 'asc').limit(page.limit + 1);
  if (filter.name !== undefined) {
    const ids = await matchingClientIds(ctx, scope, page, filter.name);
    if (ids.length === 0) query = query.where(sql<SqlBool>`1 = 0`);
    // Scoped again: the rows read are exactly those the actor may open, even if access changed meanwhile.
    else query = scope.apply(query.where('id', 'in', ids), 'vault_clients.id', 'client');
  } else {
    if (page.after) query = query.where('id', '>', page.after);
    query = scope.apply(query, 'vault_clients.id', 'client');
  }
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
  await recordListRead(ctx, filter.name !== undefined ? 'client.search' : 'client.list', items.map((c) => ({ clientId: c.id })));
  return { items, nextCursor };
}

/** Ids (in id order, at most a page and one) of the clients in scope whose name index matches `name`. */
async function matchingClientIds(ctx: RequestContext, scope: Scope, page: Page, name: string): Promise<string[]> {
  const matches = indexMatcher(ctx, 'client-name', name);
  return collectMatches(
    page,
    async (after, limit) => {
      let query = vaultDb(ctx).selectFrom('vault_clients').select(['id', 'name_index', 'name_index_key_version']).orderBy('id', 'asc').limit(limit);
      if (after) query = query.where('id', '>', after);
      return scope.apply(query, 'vault_clients.id', 'client').execute();
    },
    (rows) => matches(rows.map((r) => ({ clientId: r.id, token: r.name_index, keyVersion: r.name_index_key_version }))),
  );
}
