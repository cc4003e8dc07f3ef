/** Clients: people or organisations, with contact details and identifiers sealed at rest. */
import type { ClientId, UserId } from '../../../common/ids.js';
import { registerClient, requireAccess, scopeFor, type Scope } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { unsafeCreateClientKey } from '../keys/index.js';
import { recordListRead } from './vault.audit.js';
import { collectMatches, pageResult, type Page } from './vault.pagination.js';
import { presentClient, presentClientSummary, type ClientDetails, type ClientSummary, type ClientView } from './vault.presenter.js';
import { findClientIndexRows, findClientRows, getClientRow, insertClientRow, updateClientRow } from './vault.repository.js';
import { indexToken, sealerForRead, sealerForWrite, unsafeIndexMatcher, unsafeIndexTokenForNewClient, unsafeSealerCache, unsafeSealerForNewClient, type Sealer } from './vault.sealing.js';
import type { VaultClientsTable } from './vault.tables.js';

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
    // The client is being created: no authorization names it yet (the creator's is firm-level).
    await unsafeCreateClientKey(tx, id);
    const sealer = await unsafeSealerForNewClient(tx, id);
    const now = tx.app.clock.now();
    const index = await unsafeIndexTokenForNewClient(tx, id, sealer.version, 'client-name', input.name);
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
    await insertClientRow(tx, row);
    await recordEvent(tx, { action: 'client.created', outcome: 'allowed', resources: { clientId: id } });
    return presentClient(row, sealer);
  });
}

/** Throws ACCESS_DENIED (missing or forbidden), KEY_DESTROYED, SEALED. */
export async function getClientById(ctx: RequestContext, clientId: ClientId): Promise<ClientView> {
  const auth = await requireAccess(ctx, 'client.read', { kind: 'client', clientId });
  const row = await getClientRow(ctx, auth);
  return presentClient(row, await sealerForRead(ctx, auth, row.key_version));
}

export async function updateClient(ctx: RequestContext, clientId: ClientId, input: UpdateClientInput): Promise<ClientView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'client.update', { kind: 'client', clientId });
    const row = await getClientRow(tx, auth);
    const current = presentClient(row, await sealerForRead(tx, auth, row.key_version));
    // Re-sealed under the current key version, so rotation gradually moves fields forward.
    const sealer = await sealerForWrite(tx, auth);
    const name = input.name ?? current.name;
    const index = await indexToken(tx, auth, sealer.version, 'client-name', name);
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
    await updateClientRow(tx, auth, next);
    await recordEvent(tx, { action: 'client.updated', outcome: 'allowed', resources: { clientId } });
    return presentClient(next, sealer);
  });
}

/**
 * The clients the caller may open, by id order; `name` filters by exact (normalized) name through
 * each client's own blind index. Records one `client.list` / `client.search` event (count and, for
 * a single client, its id; never the name) before returning. Throws AUDIT_UNAVAILABLE, SEALED.
 */
export async function findClients(ctx: RequestContext, page: Page, filter: { name?: string } = {}): Promise<{ items: ClientSummary[]; nextCursor: string | null }> {
  const scope = await scopeFor(ctx, 'client.read');
  // A search reads exactly the matched ids, scoped again (access may have changed meanwhile).
  const ids = filter.name !== undefined ? await matchingClientIds(ctx, scope, page, filter.name) : undefined;
  const { rows, nextCursor } = pageResult(await findClientRows(ctx, scope, page, ids), page);
  // The rows came through scopeFor: no single authorization to open them with.
  const sealers = unsafeSealerCache(ctx);
  const items: ClientSummary[] = [];
  for (const row of rows) {
    let sealer: Sealer | null = null;
    try {
      sealer = await sealers(row.id, row.key_version);
    } catch (error) {
      // A crypto-shredded client stays listed (its id), without a name.
      if (!(error instanceof AppError && error.code === 'KEY_DESTROYED')) throw error;
    }
    items.push(presentClientSummary(row, sealer));
  }
  await recordListRead(ctx, filter.name !== undefined ? 'client.search' : 'client.list', items.map((c) => ({ clientId: c.id })));
  return { items, nextCursor };
}

/** Ids (in id order, at most a page and one) of the clients in scope whose name index matches `name`. */
async function matchingClientIds(ctx: RequestContext, scope: Scope, page: Page, name: string): Promise<string[]> {
  // Candidates come through scopeFor only.
  const matches = unsafeIndexMatcher(ctx, 'client-name', name);
  return collectMatches(
    page,
    (after, limit) => findClientIndexRows(ctx, scope, after, limit),
    (rows) => matches(rows.map((r) => ({ clientId: r.id, token: r.name_index, keyVersion: r.name_index_key_version }))),
  );
}
