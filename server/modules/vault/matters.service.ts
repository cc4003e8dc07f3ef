/**
 * Matters: the unit of need-to-know. The creator becomes lead attorney (registered with access);
 * the firm numbers them (MATTER_NUMBER_FORMAT); opening one checks its parties for conflicts, and
 * a matter with hits is held (`conflict_review`, unknown to access) until the compliance officer
 * decides. Edit, close (date and reason) and reopen are audited.
 */
import type { ClientId, MatterId, UserId } from '../../../common/ids.js';
import { describeTargets, registerMatter, requireAccess, scopeFor, type Scope } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { userDirectory } from '../identity/index.js';
import { recordIntakeCheck, searchedNamesOf, searchIntake } from './conflicts.service.js';
import { nextMatterNumber } from './matters.numbering.js';
import { unsafeClientNameRows } from './matters.repository.js';
import { insertPartyRows } from './parties.repository.js';
import { partyRowsOf, type PartyInput, type TokenMaker } from './parties.service.js';
import { recordListRead } from './vault.audit.js';
import { collectMatches, pageResult, type Page } from './vault.pagination.js';
import { presentMatter, type MatterStatus, type MatterView } from './vault.presenter.js';
import { findMatterIndexRows, findMatterRows, getClientRow, getMatterRow, insertMatterRow, isMatterNumberTaken, updateMatterRow, type MatterAuth } from './vault.repository.js';
import { prefixMatchingIds, type SearchFilter } from './vault.search.js';
import { indexToken, sealerForRead, sealerForWrite, unsafeIndexMatcher, unsafeSealerCache, type Sealer } from './vault.sealing.js';
import type { VaultMattersTable } from './vault.tables.js';

export interface CreateMatterInput {
  clientId: ClientId;
  title: string;
  description?: string | null;
  number?: string;
  practiceArea?: string | null;
  jurisdiction?: string | null;
  status?: 'open' | 'pending';
  openedAt?: number;
  /** Opposing and related parties of this matter; checked for conflicts across the firm. */
  parties?: PartyInput[];
}

export interface UpdateMatterInput {
  title?: string;
  description?: string | null;
  practiceArea?: string | null;
  jurisdiction?: string | null;
  leadUserId?: string;
  status?: 'open' | 'pending';
  openedAt?: number;
}

const TABLE = 'vault_matters';

/** The firm's next free number (a number taken by an older scheme is skipped). */
async function freeMatterNumber(tx: RequestContext, auth: Parameters<typeof nextMatterNumber>[1], now: number): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const number = await nextMatterNumber(tx, auth, now);
    if (!(await isMatterNumberTaken(tx, number))) return number;
  }
  throw new AppError('CONFLICT', 'Could not assign a matter number; check MATTER_NUMBER_FORMAT');
}

/** Names for matter views: the client's (a seat on the matter implies it) and the lead's. */
async function labelsFor(ctx: RequestContext, rows: VaultMattersTable[], sealers: (clientId: string, version: number) => Promise<Sealer>): Promise<(row: VaultMattersTable) => { clientName: string; leadName: string | null }> {
  const clientNames = new Map<string, string>();
  // The rows were authorized or came through scopeFor: their clients' names come with them.
  for (const client of await unsafeClientNameRows(ctx, [...new Set(rows.map((r) => r.client_id))])) {
    try {
      clientNames.set(client.id, (await sealers(client.id, client.key_version)).open('vault_clients', client.id, 'name', client.name_sealed));
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'KEY_DESTROYED')) throw error;
    }
  }
  const people = await describeTargets(ctx, { userIds: rows.map((r) => r.lead_user_id) });
  return (row) => ({ clientName: clientNames.get(row.client_id) ?? '', leadName: people.users.get(row.lead_user_id)?.name ?? null });
}

async function presentOne(ctx: RequestContext, auth: MatterAuth, row: VaultMattersTable, sealer: Sealer): Promise<MatterView> {
  const labels = await labelsFor(ctx, [row], (clientId, version) => (version === sealer.version ? Promise.resolve(sealer) : sealerForRead(ctx, auth, version)));
  return presentMatter(row, sealer, labels(row));
}

/**
 * Opens a matter for a client (matter.create), numbered by the firm, with its parties; checks
 * them for conflicts. Without a hit the creator becomes lead attorney at once; with hits the
 * matter is held (`conflict_review`) — the same answer for one hit or many. Throws ACCESS_DENIED
 * (client missing or forbidden), VALIDATION_FAILED (number given), SEALED, KEY_DESTROYED.
 */
export async function createMatter(ctx: RequestContext, input: CreateMatterInput): Promise<MatterView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'matter.create', { kind: 'client', clientId: input.clientId });
    await getClientRow(tx, auth);
    if (tx.actor.kind !== 'user') throw new AppError('FORBIDDEN', 'Only a person can open a matter');
    const lead: UserId = tx.actor.userId;
    const now = tx.app.clock.now();
    const id = newId<MatterId>(now);
    // Matter numbers are unique across the firm. Letting a person choose one would let them probe
    // for matters they may not see ("exists" for a walled matter's number), so the firm assigns
    // every number.
    if (input.number !== undefined) throw new AppError('VALIDATION_FAILED', 'Matter numbers are assigned by the firm', [{ path: 'body.number', message: 'is assigned by the firm; leave it out' }]);
    const number = await freeMatterNumber(tx, auth, now);
    const sealer = await sealerForWrite(tx, auth);
    const tokenOf: TokenMaker = async (purpose, value) => (await indexToken(tx, auth, sealer.version, purpose, value)).token;
    const parties = await partyRowsOf(input.parties ?? [], { clientId: input.clientId, matterId: id, by: lead, now }, sealer, tokenOf);
    const search = await searchIntake(tx, input.clientId, searchedNamesOf(null, parties.map((p, i) => ({ id: p.id, role: p.role, name: input.parties![i]!.name }))));
    const held = search.count > 0;
    const status: MatterStatus = held ? 'conflict_review' : (input.status ?? 'open');
    const row: VaultMattersTable = {
      id,
      client_id: input.clientId,
      number,
      key_version: sealer.version,
      title_sealed: sealer.seal(TABLE, id, 'title', input.title),
      title_index: await tokenOf('matter-title', input.title),
      title_index_key_version: sealer.version,
      practice_area: input.practiceArea ?? null,
      jurisdiction: input.jurisdiction ?? null,
      status,
      opened_at: input.openedAt ?? now,
      closed_at: null,
      lead_user_id: lead,
      description_sealed: input.description ? sealer.seal(TABLE, id, 'description', input.description) : null,
      close_reason_sealed: null,
      closed_by: null,
      closed_recorded_at: null,
      created_at: now,
      updated_at: now,
    };
    await insertMatterRow(tx, auth, row);
    await insertPartyRows(tx, auth, parties);
    // Held: access learns of the matter (and its lead) only when the check is cleared.
    if (!held) await registerMatter(tx, { matterId: id, clientId: input.clientId, leadUserId: lead });
    await recordEvent(tx, { action: 'matter.created', outcome: 'allowed', resources: { clientId: input.clientId, matterId: id } });
    await recordIntakeCheck(tx, { subject: 'matter', clientId: input.clientId, matterId: id }, search);
    const labels = await labelsFor(tx, [row], unsafeSealerCache(tx));
    return presentMatter(row, sealer, labels(row));
  });
}

/** Throws ACCESS_DENIED (missing, forbidden, or held for conflict review), KEY_DESTROYED, SEALED. */
export async function getMatterById(ctx: RequestContext, matterId: MatterId): Promise<MatterView> {
  const auth = await requireAccess(ctx, 'matter.read', { kind: 'matter', matterId });
  const row = await getMatterRow(ctx, auth);
  return presentOne(ctx, auth, row, await sealerForRead(ctx, auth, row.key_version));
}

/** An active attorney of the firm, or VALIDATION_FAILED naming `body.leadUserId`. */
async function requireAttorney(ctx: RequestContext, userId: string): Promise<UserId> {
  const [user] = await userDirectory.getUsers(ctx, [userId]);
  if (!user || user.role !== 'attorney' || user.status !== 'active') throw new AppError('VALIDATION_FAILED', 'The responsible attorney must be an active attorney', [{ path: 'body.leadUserId', message: 'must be an active attorney of the firm' }]);
  return user.id as UserId;
}

/**
 * Edits title, description, practice area, jurisdiction, status (open / pending), opening date
 * and responsible attorney (matter.update; the team itself is managed on the team page). Closing
 * and reopening have their own calls. Throws ACCESS_DENIED, VALIDATION_FAILED, CONFLICT (closed:
 * reopen first), KEY_DESTROYED, SEALED.
 */
export async function updateMatter(ctx: RequestContext, matterId: MatterId, input: UpdateMatterInput): Promise<MatterView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'matter.update', { kind: 'matter', matterId });
    const row = await getMatterRow(tx, auth);
    if (row.status === 'closed' && input.status !== undefined) throw new AppError('CONFLICT', 'The matter is closed: reopen it first');
    const old = await sealerForRead(tx, auth, row.key_version);
    const title = input.title ?? old.open(TABLE, row.id, 'title', row.title_sealed);
    const description = input.description !== undefined ? input.description : row.description_sealed ? old.open(TABLE, row.id, 'description', row.description_sealed) : null;
    const closeReason = row.close_reason_sealed ? old.open(TABLE, row.id, 'close_reason', row.close_reason_sealed) : null;
    const lead = input.leadUserId !== undefined && input.leadUserId !== row.lead_user_id ? await requireAttorney(tx, input.leadUserId) : row.lead_user_id;
    const sealer = await sealerForWrite(tx, auth);
    const now = tx.app.clock.now();
    const index = await indexToken(tx, auth, sealer.version, 'matter-title', title);
    const next: VaultMattersTable = {
      ...row,
      key_version: sealer.version,
      title_sealed: sealer.seal(TABLE, row.id, 'title', title),
      title_index: index.token,
      title_index_key_version: index.keyVersion,
      description_sealed: description ? sealer.seal(TABLE, row.id, 'description', description) : null,
      close_reason_sealed: closeReason ? sealer.seal(TABLE, row.id, 'close_reason', closeReason) : null,
      practice_area: input.practiceArea !== undefined ? input.practiceArea : row.practice_area,
      jurisdiction: input.jurisdiction !== undefined ? input.jurisdiction : row.jurisdiction,
      lead_user_id: lead,
      status: input.status ?? row.status,
      opened_at: input.openedAt ?? row.opened_at,
      updated_at: now,
    };
    await updateMatterRow(tx, auth, next);
    await recordEvent(tx, { action: 'matter.updated', outcome: 'allowed', resources: { clientId: row.client_id, matterId } });
    if (lead !== row.lead_user_id) await recordEvent(tx, { action: 'matter.lead.changed', outcome: 'allowed', resources: { clientId: row.client_id, matterId, userId: lead } });
    return presentOne(tx, auth, next, sealer);
  });
}

/**
 * Closes the matter on `closedAt` (default now; not in the future, not before it opened) for
 * `reason` (sealed). Audited `matter.closed`. Throws ACCESS_DENIED, VALIDATION_FAILED, CONFLICT
 * (already closed), KEY_DESTROYED, SEALED.
 */
export async function closeMatter(ctx: RequestContext, matterId: MatterId, input: { closedAt?: number; reason: string }): Promise<MatterView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'matter.update', { kind: 'matter', matterId });
    const row = await getMatterRow(tx, auth);
    if (row.status === 'closed') throw new AppError('CONFLICT', 'The matter is closed already');
    const now = tx.app.clock.now();
    const closedAt = input.closedAt ?? now;
    if (closedAt > now) throw new AppError('VALIDATION_FAILED', 'A matter cannot close in the future', [{ path: 'body.closedAt', message: 'must not be in the future' }]);
    if (closedAt < row.opened_at) throw new AppError('VALIDATION_FAILED', 'A matter cannot close before it opened', [{ path: 'body.closedAt', message: 'must not be before the matter opened' }]);
    const reason = input.reason.trim();
    if (reason === '') throw new AppError('VALIDATION_FAILED', 'Say why the matter closes', [{ path: 'body.reason', message: 'is required' }]);
    const sealer = await sealerForWrite(tx, auth);
    const next = await resealed(tx, auth, row, sealer, { status: 'closed', closed_at: closedAt, closed_by: userOf(tx), closed_recorded_at: now, close_reason_sealed: sealer.seal(TABLE, row.id, 'close_reason', reason), updated_at: now });
    await updateMatterRow(tx, auth, next);
    await recordEvent(tx, { action: 'matter.closed', outcome: 'allowed', resources: { clientId: row.client_id, matterId } });
    return presentOne(tx, auth, next, sealer);
  });
}

/** Reopens a closed matter (its closing date and reason are cleared; the audit log keeps them). Audited `matter.reopened`. Throws ACCESS_DENIED, CONFLICT (not closed). */
export async function reopenMatter(ctx: RequestContext, matterId: MatterId): Promise<MatterView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'matter.update', { kind: 'matter', matterId });
    const row = await getMatterRow(tx, auth);
    if (row.status !== 'closed') throw new AppError('CONFLICT', 'The matter is not closed');
    const sealer = await sealerForWrite(tx, auth);
    const next = await resealed(tx, auth, row, sealer, { status: 'open', closed_at: null, closed_by: null, closed_recorded_at: null, close_reason_sealed: null, updated_at: tx.app.clock.now() });
    await updateMatterRow(tx, auth, next);
    await recordEvent(tx, { action: 'matter.reopened', outcome: 'allowed', resources: { clientId: row.client_id, matterId } });
    return presentOne(tx, auth, next, sealer);
  });
}

function userOf(ctx: RequestContext): UserId {
  if (ctx.actor.kind !== 'user') throw new AppError('FORBIDDEN', 'Only a person can do this');
  return ctx.actor.userId;
}

/** `row` with `changes`, its sealed fields moved to the current key version (`sealer`). */
async function resealed(tx: RequestContext, auth: MatterAuth, row: VaultMattersTable, sealer: Sealer, changes: Partial<VaultMattersTable>): Promise<VaultMattersTable> {
  const old = await sealerForRead(tx, auth, row.key_version);
  const title = old.open(TABLE, row.id, 'title', row.title_sealed);
  const description = row.description_sealed ? old.open(TABLE, row.id, 'description', row.description_sealed) : null;
  const index = await indexToken(tx, auth, sealer.version, 'matter-title', title);
  return {
    ...row,
    key_version: sealer.version,
    title_sealed: sealer.seal(TABLE, row.id, 'title', title),
    title_index: index.token,
    title_index_key_version: index.keyVersion,
    description_sealed: description ? sealer.seal(TABLE, row.id, 'description', description) : null,
    ...changes,
  };
}

/**
 * Matters the caller may open (optionally of one client; `exact`: a title matched through each
 * client's own blind index; `prefix`: a word of the title or the client's name, or the number,
 * decrypting only rows in scope), by id order, with their client's name. Records one
 * `matter.list` / `matter.search` event (count, and the ids where the event has room; never the
 * title) before returning. Throws AUDIT_UNAVAILABLE, SEALED.
 */
export async function findMatters(ctx: RequestContext, page: Page, filter: { clientId?: string; title?: string } | ({ clientId?: string } & SearchFilter) = {}): Promise<{ items: MatterView[]; nextCursor: string | null }> {
  const search: SearchFilter | null = 'exact' in filter ? { exact: filter.exact } : 'prefix' in filter ? { prefix: filter.prefix } : 'title' in filter && filter.title !== undefined ? { exact: filter.title } : null;
  const scope = await scopeFor(ctx, 'matter.read');
  // The rows came through scopeFor: no single authorization to open them with.
  const sealers = unsafeSealerCache(ctx);
  // A search reads exactly the matched ids, scoped again (access may have changed meanwhile).
  const rowFilter =
    search && 'exact' in search
      ? { ids: await matchingMatterIds(ctx, scope, page, search.exact, filter.clientId) }
      : search && 'prefix' in search
        ? { ids: await prefixMatchingMatterIds(ctx, scope, page, search.prefix, filter.clientId, sealers) }
        : filter.clientId
          ? { clientId: filter.clientId }
          : {};
  const { rows, nextCursor } = pageResult(await findMatterRows(ctx, scope, page, rowFilter), page);
  const labels = await labelsFor(ctx, rows, sealers);
  const items: MatterView[] = [];
  for (const row of rows) items.push(presentMatter(row, await openable(sealers, row.client_id, row.key_version), labels(row)));
  await recordListRead(ctx, search ? 'matter.search' : 'matter.list', items.map((m) => ({ clientId: m.clientId, matterId: m.id })));
  return { items, nextCursor };
}

async function openable(sealers: (clientId: string, version: number) => Promise<Sealer>, clientId: string, version: number): Promise<Sealer | null> {
  try {
    return await sealers(clientId, version);
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'KEY_DESTROYED')) throw error;
    return null;
  }
}

/** Ids of the matters in scope whose title or client name has a word starting with `prefix`, or whose number does (candidates through scopeFor only). */
async function prefixMatchingMatterIds(ctx: RequestContext, scope: Scope, page: Page, prefix: string, clientId: string | undefined, sealers: (clientId: string, version: number) => Promise<Sealer>): Promise<string[]> {
  const clientNames = new Map<string, string | null>();
  return prefixMatchingIds(
    page,
    prefix,
    (after, limit) => findMatterRows(ctx, scope, { after, limit: limit - 1 }, clientId ? { clientId } : {}),
    async (row) => {
      if (!clientNames.has(row.client_id)) {
        const [client] = await unsafeClientNameRows(ctx, [row.client_id]);
        const sealer = client ? await openable(sealers, client.id, client.key_version) : null;
        clientNames.set(row.client_id, sealer && client ? sealer.open('vault_clients', client.id, 'name', client.name_sealed) : null);
      }
      const sealer = await openable(sealers, row.client_id, row.key_version);
      return [row.number, sealer ? sealer.open(TABLE, row.id, 'title', row.title_sealed) : null, clientNames.get(row.client_id) ?? null];
    },
  );
}

/** Ids (in id order, at most a page and one) of the matters in scope whose title index matches `title`. */
async function matchingMatterIds(ctx: RequestContext, scope: Scope, page: Page, title: string, clientId: string | undefined): Promise<string[]> {
  // Candidates come through scopeFor only.
  const matches = unsafeIndexMatcher(ctx, 'matter-title', title);
  return collectMatches(
    page,
    (after, limit) => findMatterIndexRows(ctx, scope, after, limit, clientId),
    (rows) => matches(rows.map((r) => ({ clientId: r.client_id, token: r.title_index, keyVersion: r.title_index_key_version }))),
  );
}
