/** Clients: people or organisations, with contact details and identifiers sealed at rest. */
import type { ClientId, UserId } from '../../../common/ids.js';
import { registerClient, requireAccess, scopeFor, type Scope } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { unsafeCreateClientKey } from '../keys/index.js';
import { conflictKey } from './conflicts.names.js';
import { conflictTokenForIntake, recordIntakeCheck, searchedNamesOf, searchIntake } from './conflicts.service.js';
import { nextClientNumber } from './matters.numbering.js';
import { unsafeInsertIntakePartyRows } from './parties.repository.js';
import { partiesOfClient, partyRowsOf, type PartyInput, type TokenMaker } from './parties.service.js';
import { recordListRead } from './vault.audit.js';
import { prefixMatchingIds, type SearchFilter } from './vault.search.js';
import { collectMatches, pageResult, type Page } from './vault.pagination.js';
import { presentClient, presentClientSummary, presentParty, type ClientDetails, type ClientSummary, type ClientView } from './vault.presenter.js';
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
  /** Opposing and related parties; checked for conflicts with the client's name. */
  parties?: PartyInput[];
}

export type UpdateClientInput = Partial<Omit<CreateClientInput, 'parties'> & { status: 'active' | 'closed' }>;

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

/**
 * Creates a client (with its parties), its first data key and firm number, and checks the
 * client's and parties' names for conflicts across the firm. Without a hit the creator gets a
 * client-level grant at once; with hits the client is held (`conflict_review`: access does not
 * know it, nobody opens it) until the compliance officer decides — the answer is the same for one
 * hit or many. Throws ACCESS_DENIED, SEALED.
 */
export async function createClient(ctx: RequestContext, input: CreateClientInput): Promise<ClientView> {
  return inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'client.create', { kind: 'firm' });
    const creator = userOf(tx);
    const id = newId<ClientId>(tx.app.clock.now());
    // The client is being created: no authorization names it yet (the creator's is firm-level).
    await unsafeCreateClientKey(tx, id);
    const sealer = await unsafeSealerForNewClient(tx, id);
    const now = tx.app.clock.now();
    const tokenOf: TokenMaker = async (purpose, value) => (await unsafeIndexTokenForNewClient(tx, id, sealer.version, purpose, value)).token;
    const parties = await partyRowsOf(input.parties ?? [], { clientId: id, matterId: null, by: creator, now }, sealer, tokenOf);
    const search = await searchIntake(tx, id, searchedNamesOf({ id, name: input.name }, parties.map((p, i) => ({ id: p.id, role: p.role, name: input.parties![i]!.name }))));
    const held = search.count > 0;
    const row: VaultClientsTable = {
      id,
      kind: input.kind,
      status: held ? 'conflict_review' : 'active',
      key_version: sealer.version,
      name_sealed: sealer.seal(TABLE, id, 'name', input.name),
      name_index: await tokenOf('client-name', input.name),
      name_index_key_version: sealer.version,
      details_sealed: sealer.seal(TABLE, id, 'details', JSON.stringify(detailsOf(input))),
      conflict_index: await conflictTokenForIntake(tx, id, sealer.version, input.name),
      conflict_index_key_version: sealer.version,
      number: await nextClientNumber(tx),
      ended_at: null,
      created_by: creator,
      created_at: now,
      updated_at: now,
    };
    await insertClientRow(tx, row);
    await unsafeInsertIntakePartyRows(tx, parties);
    // Held: access learns of the client (and the creator's grant) only when the check is cleared.
    if (!held) await registerClient(tx, { clientId: id, creatorUserId: creator });
    await recordEvent(tx, { action: 'client.created', outcome: 'allowed', resources: { clientId: id } });
    await recordIntakeCheck(tx, { subject: 'client', clientId: id, matterId: null }, search);
    return { ...presentClient(row, sealer), parties: parties.map((p) => presentParty(p, sealer)) };
  });
}

/** The client with its parties. Throws ACCESS_DENIED (missing, forbidden, or held for conflict review), KEY_DESTROYED, SEALED. */
export async function getClientById(ctx: RequestContext, clientId: ClientId): Promise<ClientView> {
  const auth = await requireAccess(ctx, 'client.read', { kind: 'client', clientId });
  const row = await getClientRow(ctx, auth);
  return { ...presentClient(row, await sealerForRead(ctx, auth, row.key_version)), parties: await partiesOfClient(ctx, auth) };
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
    const conflict = await indexToken(tx, auth, sealer.version, 'conflict-name', conflictKey(name));
    const next: VaultClientsTable = {
      ...row,
      kind: input.kind ?? row.kind,
      status: input.status ?? row.status,
      key_version: sealer.version,
      name_sealed: sealer.seal(TABLE, row.id, 'name', name),
      name_index: index.token,
      name_index_key_version: index.keyVersion,
      conflict_index: conflict.token,
      conflict_index_key_version: conflict.keyVersion,
      details_sealed: sealer.seal(TABLE, row.id, 'details', JSON.stringify(detailsOf(input, current))),
      updated_at: tx.app.clock.now(),
    };
    await updateClientRow(tx, auth, next);
    await recordEvent(tx, { action: 'client.updated', outcome: 'allowed', resources: { clientId } });
    return { ...presentClient(next, sealer), parties: await partiesOfClient(tx, auth) };
  });
}

/**
 * The clients the caller may open, by id order; `exact` filters by exact (normalized) name through
 * each client's own blind index, `prefix` by the start of a word of the decrypted name (pickers;
 * only rows in scope are decrypted, at most PREFIX_SCAN_LIMIT). Records one `client.list` /
 * `client.search` event (count and, for a single client, its id; never the name) before
 * returning. Throws AUDIT_UNAVAILABLE, SEALED.
 */
export async function findClients(ctx: RequestContext, page: Page, search: SearchFilter | { name?: string } = {}): Promise<{ items: ClientSummary[]; nextCursor: string | null }> {
  const filter = 'name' in search ? (search.name !== undefined ? { exact: search.name } : {}) : search;
  const scope = await scopeFor(ctx, 'client.read');
  // The rows came through scopeFor: no single authorization to open them with.
  const sealers = unsafeSealerCache(ctx);
  const isSearch = 'exact' in filter || 'prefix' in filter;
  // A search reads exactly the matched ids, scoped again (access may have changed meanwhile).
  const ids = 'exact' in filter ? await matchingClientIds(ctx, scope, page, filter.exact) : 'prefix' in filter ? await prefixMatchingClientIds(ctx, scope, page, filter.prefix, sealers) : undefined;
  const { rows, nextCursor } = pageResult(await findClientRows(ctx, scope, page, ids), page);
  const items: ClientSummary[] = [];
  for (const row of rows) items.push(presentClientSummary(row, await openableSealer(sealers, row)));
  await recordListRead(ctx, isSearch ? 'client.search' : 'client.list', items.map((c) => ({ clientId: c.id })));
  return { items, nextCursor };
}

/** The sealer of a listed client, or null for a crypto-shredded one (it stays listed, its id, without a name). */
async function openableSealer(sealers: (clientId: string, version: number) => Promise<Sealer>, row: VaultClientsTable): Promise<Sealer | null> {
  try {
    return await sealers(row.id, row.key_version);
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'KEY_DESTROYED')) throw error;
    return null;
  }
}

/** Ids of the clients in scope a word of whose name starts with `prefix` (decrypted here; candidates come through scopeFor only). */
async function prefixMatchingClientIds(ctx: RequestContext, scope: Scope, page: Page, prefix: string, sealers: (clientId: string, version: number) => Promise<Sealer>): Promise<string[]> {
  return prefixMatchingIds(
    page,
    prefix,
    (after, limit) => findClientRows(ctx, scope, { after, limit: limit - 1 }),
    async (row) => {
      const sealer = await openableSealer(sealers, row);
      return [sealer ? sealer.open(TABLE, row.id, 'name', row.name_sealed) : null];
    },
  );
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
