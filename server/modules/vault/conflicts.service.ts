/**
 * The conflict check at intake (ABA Model Rules 1.7, 1.9, 1.10). Opening a client or a matter
 * searches every client and party of the firm — through their blind indexes, exact name and
 * conflict key (no case, accents, punctuation or company suffix) — for names on the other side:
 * the intake's client and related parties against existing opposing parties, the intake's
 * opposing parties against existing clients and their related parties (a same-side match, e.g.
 * two clients of one name, is not adverse).
 *
 * Without a hit the intake opens at once (the check is recorded `clear`). With hits it is held:
 * the client or matter is created but not registered with access, so nobody — its requester
 * included — opens it; the requester learns only "possible conflict — referred" (the same answer
 * for one hit or fifty). The compliance officer (`conflict.review`) sees the hits and decides:
 * clear, waive (the client's consent recorded as a sealed note) or clear with a wall (then create
 * it). Every step is audited with ids and counts, never a name.
 */
import type { ClientId, MatterId, UserId } from '../../../common/ids.js';
import { describeTargets, registerClient, registerMatter, requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { AppServices, RequestContext } from '../../platform/context.js';
import { inTransaction, systemContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { isSealed, unsafeClientBlindIndexKeys } from '../keys/index.js';
import { conflictKey } from './conflicts.names.js';
import {
  decideConflictCheckRow,
  findConflictCheckRows,
  getConflictCheckRow,
  insertConflictCheck,
  setClientConflictIndexIfMissing,
  unsafeCandidateClients,
  unsafeCandidateParties,
  unsafeClientRows,
  unsafeClientsWithoutConflictIndex,
  unsafeMatterRows,
  unsafePartyRows,
  unsafeReleaseClient,
  unsafeReleaseMatter,
  type CandidateClient,
  type CandidateParty,
} from './conflicts.repository.js';
import { pageResult, SCAN_BATCH, type Page } from './vault.pagination.js';
import { indexTokenWith, unsafeIndexTokenForIntake, unsafeSealerCache, unsafeSealerForIntake, type Sealer } from './vault.sealing.js';
import type { ConflictCheckStatus, PartyRole, VaultConflictChecksTable } from './vault.tables.js';

/** A name the intake brings: the new client's (or a related party's: our side) or an opposing party's (their side). */
export interface SearchedName {
  ref: { kind: 'client' | 'party'; id: string };
  side: 'ours' | 'theirs';
  name: string;
}

/** A hit as stored: ids only. */
interface StoredHit {
  /** Index into the intake's names (the client first, then its parties in id order). */
  searched: { kind: 'client' | 'party'; id: string };
  matched: { kind: 'client' | 'party'; id: string; clientId: string; matterId: string | null; role: PartyRole | null };
  match: 'exact' | 'normalised';
}

/** Hits kept per check: enough to decide; the count says if there were more. */
const MAX_STORED_HITS = 200;

export type ConflictDecision = 'clear' | 'waive' | 'wall';

/**
 * Searches the firm for `names` (except the intake's own client) and returns the adverse hits.
 * Unsafe by purpose: it reads every client's and party's tokens (ids and tokens, no names) with
 * their clients' index keys; only the compliance officer ever sees what it found.
 */
async function findConflictHits(ctx: RequestContext, exceptClientId: string, names: SearchedName[]): Promise<{ hits: StoredHit[]; count: number }> {
  if (names.length === 0) return { hits: [], count: 0 };
  const ours = names.filter((n) => n.side === 'ours');
  const theirs = names.filter((n) => n.side === 'theirs');
  const keys = new Map<string, Map<number, Buffer>>();
  const tokens = new Map<string, { exact: string; normalised: string }>();
  const tokenOf = (clientId: string, version: number, index: number, name: string) => {
    const cacheKey = `${clientId}:${version}:${index}`;
    let pair = tokens.get(cacheKey);
    if (!pair) {
      const key = keys.get(clientId)?.get(version);
      pair = key ? { exact: indexTokenWith(key, 'client-name', name), normalised: indexTokenWith(key, 'conflict-name', conflictKey(name)) } : { exact: '', normalised: '' };
      tokens.set(cacheKey, pair);
    }
    return pair;
  };
  const loadKeys = async (clientIds: string[]) => {
    const missing = [...new Set(clientIds)].filter((id) => !keys.has(id));
    if (missing.length === 0) return;
    const fetched = await unsafeClientBlindIndexKeys(ctx, missing);
    for (const id of missing) keys.set(id, fetched.get(id) ?? new Map());
  };
  const hits: StoredHit[] = [];
  let count = 0;
  const compare = (searched: SearchedName[], clientId: string, exact: { token: string; version: number | null }, normalised: { token: string; version: number | null }, matched: StoredHit['matched']) => {
    for (const name of searched) {
      const index = names.indexOf(name);
      let match: StoredHit['match'] | null = null;
      if (exact.version && exact.token !== '' && tokenOf(clientId, exact.version, index, name.name).exact === exact.token) match = 'exact';
      else if (normalised.version && normalised.token !== '' && tokenOf(clientId, normalised.version, index, name.name).normalised === normalised.token) match = 'normalised';
      if (match) {
        count += 1;
        if (hits.length < MAX_STORED_HITS) hits.push({ searched: name.ref, matched, match });
      }
    }
  };

  // Our side against existing clients is not adverse; their side against existing clients is.
  if (theirs.length > 0) {
    for (let after: string | null = null; ; ) {
      const batch: CandidateClient[] = await unsafeCandidateClients(ctx, exceptClientId, after, SCAN_BATCH);
      await loadKeys(batch.map((c) => c.id));
      for (const c of batch) {
        compare(theirs, c.id, { token: c.name_index, version: c.name_index_key_version }, { token: c.conflict_index, version: c.conflict_index_key_version }, { kind: 'client', id: c.id, clientId: c.id, matterId: null, role: null });
      }
      if (batch.length < SCAN_BATCH) break;
      after = batch[batch.length - 1]!.id;
    }
  }
  for (let after: string | null = null; ; ) {
    const batch: CandidateParty[] = await unsafeCandidateParties(ctx, exceptClientId, after, SCAN_BATCH);
    await loadKeys(batch.map((p) => p.client_id));
    for (const p of batch) {
      // An existing opposing party is adverse to our side; an existing related party to theirs.
      const searched = p.role === 'opposing' ? ours : theirs;
      if (searched.length === 0) continue;
      const version = { version: p.index_key_version };
      compare(searched, p.client_id, { token: p.name_index, ...version }, { token: p.conflict_index, ...version }, { kind: 'party', id: p.id, clientId: p.client_id, matterId: p.matter_id, role: p.role });
    }
    if (batch.length < SCAN_BATCH) break;
    after = batch[batch.length - 1]!.id;
  }
  return { hits, count };
}

export type IntakeSearch = { hits: StoredHit[]; count: number };

/** Runs the check for an intake about to be created (before its rows, so their status can say whether it is held). Throws SEALED. */
export async function searchIntake(tx: RequestContext, clientId: ClientId, names: SearchedName[]): Promise<IntakeSearch> {
  return findConflictHits(tx, clientId, names);
}

/**
 * Records the check `searchIntake` ran, once the intake's rows exist: `conflict.check` with the
 * number of hits (and `conflict.referred` when held); never a name. Throws AUDIT_UNAVAILABLE.
 */
export async function recordIntakeCheck(tx: RequestContext, intake: { subject: 'client' | 'matter'; clientId: ClientId; matterId: MatterId | null }, search: IntakeSearch): Promise<string> {
  if (tx.actor.kind !== 'user') throw new AppError('FORBIDDEN', 'Only a person can open a client or a matter');
  const { hits, count } = search;
  const now = tx.app.clock.now();
  const id = newId(now);
  await insertConflictCheck(tx, {
    id,
    subject: intake.subject,
    client_id: intake.clientId,
    matter_id: intake.matterId,
    status: count > 0 ? 'referred' : 'clear',
    hit_count: count,
    hits: JSON.stringify(hits),
    requested_by: tx.actor.userId,
    requested_at: now,
    decided_by: null,
    decided_at: null,
    note_sealed: null,
    note_key_version: null,
  });
  await recordEvent(tx, {
    action: 'conflict.check',
    outcome: 'allowed',
    reason: count > 0 ? 'REFERRED' : 'CLEAR',
    purpose: `hit_count:${count}`,
    resources: { clientId: intake.clientId, ...(intake.matterId ? { matterId: intake.matterId } : {}), other: { type: 'conflict_check', id } },
  });
  return id;
}

// ── the compliance officer's side ───────────────────────────────────────────────────────────

export interface ConflictHitView {
  searchedName: string;
  /** What the searched name is in the intake: the client itself, or one of its parties. */
  searchedAs: 'client' | 'opposing' | 'related';
  matchedKind: 'client' | 'party';
  matchedName: string;
  matchedRole: PartyRole | null;
  matchedClientId: string;
  matchedClientName: string;
  matchedMatterId: string | null;
  matchedMatterNumber: string | null;
  matchedMatterTitle: string | null;
  match: 'exact' | 'normalised';
}

export interface ConflictCheckView {
  id: string;
  subject: 'client' | 'matter';
  status: ConflictCheckStatus;
  clientId: string;
  clientName: string;
  matterId: string | null;
  matterNumber: string | null;
  matterTitle: string | null;
  requestedBy: string;
  requestedByName: string | null;
  requestedAt: number;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: number | null;
  hitCount: number;
  /** A waiver's note (the client's consent): compliance officer only. */
  note: string | null;
  hits?: ConflictHitView[];
}

async function openOrEmpty(sealers: (clientId: string, version: number) => Promise<Sealer>, clientId: string, version: number, open: (sealer: Sealer) => string): Promise<string> {
  try {
    return open(await sealers(clientId, version));
  } catch (error) {
    // A shredded client's names are gone with its keys.
    if (error instanceof AppError && error.code === 'KEY_DESTROYED') return '';
    throw error;
  }
}

/** The intake's client name, matter number and title, and people's names, for a page of checks (compliance officer, or the requester for their own). */
async function presentChecks(ctx: RequestContext, rows: VaultConflictChecksTable[], withNote: boolean): Promise<ConflictCheckView[]> {
  const sealers = unsafeSealerCache(ctx);
  const clients = new Map((await unsafeClientRows(ctx, [...new Set(rows.map((r) => r.client_id))])).map((c) => [c.id, c]));
  const matters = new Map((await unsafeMatterRows(ctx, rows.flatMap((r) => (r.matter_id ? [r.matter_id] : [])))).map((m) => [m.id, m]));
  const people = await describeTargets(ctx, { userIds: rows.flatMap((r) => [r.requested_by, r.decided_by]) });
  const views: ConflictCheckView[] = [];
  for (const row of rows) {
    const client = clients.get(row.client_id);
    const matter = row.matter_id ? matters.get(row.matter_id) : undefined;
    views.push({
      id: row.id,
      subject: row.subject,
      status: row.status,
      clientId: row.client_id,
      clientName: client ? await openOrEmpty(sealers, client.id, client.key_version, (s) => s.open('vault_clients', client.id, 'name', client.name_sealed)) : '',
      matterId: row.matter_id,
      matterNumber: matter?.number ?? null,
      matterTitle: matter ? await openOrEmpty(sealers, matter.client_id, matter.key_version, (s) => s.open('vault_matters', matter.id, 'title', matter.title_sealed)) : null,
      requestedBy: row.requested_by,
      requestedByName: people.users.get(row.requested_by)?.name ?? null,
      requestedAt: row.requested_at,
      decidedBy: row.decided_by,
      decidedByName: row.decided_by ? (people.users.get(row.decided_by)?.name ?? null) : null,
      decidedAt: row.decided_at,
      hitCount: row.hit_count,
      note: withNote && row.note_sealed && row.note_key_version ? await openOrEmpty(sealers, row.client_id, row.note_key_version, (s) => s.open('vault_conflict_checks', row.id, 'note', row.note_sealed!)) : null,
    });
  }
  return views;
}

/**
 * Checks for the compliance officer (`conflict.review`), newest first; `status` narrows (e.g.
 * `referred`, the queue). Only checks with hits are listed. Throws ACCESS_DENIED (404, audited),
 * AUDIT_UNAVAILABLE.
 */
export async function findConflictChecks(ctx: RequestContext, page: Page, filter: { status?: ConflictCheckStatus } = {}): Promise<{ items: ConflictCheckView[]; nextCursor: string | null }> {
  await requireAccess(ctx, 'conflict.review', { kind: 'firm' }, { purpose: 'conflict review queue' });
  const { rows, nextCursor } = pageResult(await findConflictCheckRows(ctx, page, { ...filter, withHitsOnly: true }), page);
  return { items: await presentChecks(ctx, rows, true), nextCursor };
}

/**
 * One check with its hits: which name of the intake matched which client or party (and where),
 * for the compliance officer. Each client whose name or party is shown gets a
 * `conflict.hit.read` event, so its access history says who saw it. Throws ACCESS_DENIED (404,
 * audited; a missing check alike), AUDIT_UNAVAILABLE.
 */
export async function getConflictCheckById(ctx: RequestContext, id: string): Promise<ConflictCheckView> {
  await requireAccess(ctx, 'conflict.review', { kind: 'firm' }, { other: { type: 'conflict_check', id } });
  const row = await getConflictCheckRow(ctx, id);
  if (!row || row.hit_count === 0) throw new AppError('ACCESS_DENIED', 'Not found');
  const [view] = await presentChecks(ctx, [row], true);
  const stored = JSON.parse(row.hits) as StoredHit[];
  const sealers = unsafeSealerCache(ctx);
  const partyIds = [...new Set(stored.flatMap((h) => [h.searched, h.matched]).filter((r) => r.kind === 'party').map((r) => r.id))];
  const parties = new Map((await unsafePartyRows(ctx, partyIds)).map((p) => [p.id, p]));
  const clientIds = [...new Set([row.client_id, ...stored.map((h) => h.matched.clientId)])];
  const clients = new Map((await unsafeClientRows(ctx, clientIds)).map((c) => [c.id, c]));
  const matters = new Map((await unsafeMatterRows(ctx, [...new Set(stored.flatMap((h) => (h.matched.matterId ? [h.matched.matterId] : [])))])).map((m) => [m.id, m]));
  const clientName = async (clientId: string) => {
    const client = clients.get(clientId);
    return client ? openOrEmpty(sealers, client.id, client.key_version, (s) => s.open('vault_clients', client.id, 'name', client.name_sealed)) : '';
  };
  const partyName = async (partyId: string) => {
    const party = parties.get(partyId);
    return party ? openOrEmpty(sealers, party.client_id, party.key_version, (s) => s.open('vault_parties', party.id, 'name', party.name_sealed)) : '';
  };
  const hits: ConflictHitView[] = [];
  for (const hit of stored) {
    const matter = hit.matched.matterId ? matters.get(hit.matched.matterId) : undefined;
    hits.push({
      searchedName: hit.searched.kind === 'client' ? await clientName(row.client_id) : await partyName(hit.searched.id),
      searchedAs: hit.searched.kind === 'client' ? 'client' : (parties.get(hit.searched.id)?.role ?? 'opposing'),
      matchedKind: hit.matched.kind,
      matchedName: hit.matched.kind === 'client' ? await clientName(hit.matched.clientId) : await partyName(hit.matched.id),
      matchedRole: hit.matched.role,
      matchedClientId: hit.matched.clientId,
      matchedClientName: await clientName(hit.matched.clientId),
      matchedMatterId: hit.matched.matterId,
      matchedMatterNumber: matter?.number ?? null,
      matchedMatterTitle: matter ? await openOrEmpty(sealers, matter.client_id, matter.key_version, (s) => s.open('vault_matters', matter.id, 'title', matter.title_sealed)) : null,
      match: hit.match,
    });
  }
  // The matched clients' names were shown: their access history says so (ids only).
  for (const clientId of new Set(stored.map((h) => h.matched.clientId))) {
    await recordEvent(ctx, { action: 'conflict.hit.read', outcome: 'allowed', resources: { clientId, other: { type: 'conflict_check', id } } });
  }
  return { ...view!, hits };
}

/**
 * The compliance officer's decision on a referred check: the held client or matter is registered
 * with access (its requester becomes its lead, as at any intake) and opens. `waive` needs the
 * client's consent as `note` (sealed under the intake client's key); `wall` clears it so that a
 * wall can be created on it next. Audited `conflict.decided` (ids and the decision). Throws
 * ACCESS_DENIED (404), VALIDATION_FAILED (note missing), CONFLICT (decided already), AUDIT_UNAVAILABLE.
 */
export async function decideConflictCheck(ctx: RequestContext, id: string, input: { decision: ConflictDecision; note?: string }): Promise<ConflictCheckView> {
  return inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'conflict.review', { kind: 'firm' }, { other: { type: 'conflict_check', id } });
    if (tx.actor.kind !== 'user') throw new AppError('FORBIDDEN', 'Only a person decides a conflict check');
    const decidedBy = tx.actor.userId;
    const row = await getConflictCheckRow(tx, id);
    if (!row || row.hit_count === 0) throw new AppError('ACCESS_DENIED', 'Not found');
    if (row.status !== 'referred') throw new AppError('CONFLICT', 'This conflict check has been decided already');
    const note = input.note?.trim() ?? '';
    if (input.decision === 'waive' && note === '') throw new AppError('VALIDATION_FAILED', 'A waiver needs the client\'s consent recorded', [{ path: 'body.note', message: 'record the client\'s informed consent (who, when, how) to waive' }]);
    const now = tx.app.clock.now();
    const clientId = row.client_id as ClientId;
    const requester = row.requested_by as UserId;
    // A held intake opens; a party added to an open client or matter was referred without holding it.
    if (row.subject === 'client') {
      const [client] = await unsafeClientRows(tx, [clientId]);
      if (client?.status === 'conflict_review') {
        await registerClient(tx, { clientId, creatorUserId: requester });
        await unsafeReleaseClient(tx, clientId, now);
      }
    } else if (row.matter_id) {
      const [matter] = await unsafeMatterRows(tx, [row.matter_id]);
      if (matter?.status === 'conflict_review') {
        await registerMatter(tx, { matterId: row.matter_id as MatterId, clientId, leadUserId: requester });
        await unsafeReleaseMatter(tx, row.matter_id, now);
      }
    }
    let sealed: { note: string; version: number } | null = null;
    if (note !== '') {
      const sealer = await unsafeSealerForIntake(tx, clientId);
      sealed = { note: sealer.seal('vault_conflict_checks', row.id, 'note', note), version: sealer.version };
    }
    const status: ConflictCheckStatus = input.decision === 'clear' ? 'cleared' : input.decision === 'waive' ? 'waived' : 'walled';
    if (!(await decideConflictCheckRow(tx, id, { status, decided_by: decidedBy, decided_at: now, note_sealed: sealed?.note ?? null, note_key_version: sealed?.version ?? null }))) {
      throw new AppError('CONFLICT', 'This conflict check has been decided already');
    }
    await recordEvent(tx, { action: 'conflict.decided', outcome: 'allowed', reason: status.toUpperCase(), resources: { clientId, ...(row.matter_id ? { matterId: row.matter_id } : {}), other: { type: 'conflict_check', id } } });
    const [view] = await presentChecks(tx, [{ ...row, status, decided_by: decidedBy, decided_at: now, note_sealed: sealed?.note ?? null, note_key_version: sealed?.version ?? null }], true);
    return view!;
  });
}

// ── the requester's side ────────────────────────────────────────────────────────────────────

export interface IntakeRequestView {
  id: string;
  subject: 'client' | 'matter';
  /** `referred`: waiting for the compliance officer; `open`: it opens (no conflict, or cleared). Nothing else. */
  status: 'referred' | 'open';
  clientId: string;
  clientName: string;
  matterId: string | null;
  matterNumber: string | null;
  matterTitle: string | null;
  requestedAt: number;
  decidedAt: number | null;
}

/**
 * The caller's own intakes, newest first: their status and what they typed (the client's name,
 * the matter's number and title) — never the hits, their number, or the decision's kind, so one
 * hit and fifty look the same. Audited `conflict.request.list` (count). Throws AUDIT_UNAVAILABLE.
 */
export async function findMyIntakeRequests(ctx: RequestContext, page: Page): Promise<{ items: IntakeRequestView[]; nextCursor: string | null }> {
  if (ctx.actor.kind !== 'user') throw new AppError('FORBIDDEN', 'Only a person has intake requests');
  const { rows, nextCursor } = pageResult(await findConflictCheckRows(ctx, page, { requestedBy: ctx.actor.userId }), page);
  const views = await presentChecks(ctx, rows, false);
  await recordEvent(ctx, { action: 'conflict.request.list', outcome: 'allowed', resources: { other: { type: 'result_count', id: String(views.length) } } });
  return {
    items: views.map((v) => ({
      id: v.id,
      subject: v.subject,
      status: v.status === 'referred' ? 'referred' : 'open',
      clientId: v.clientId,
      clientName: v.clientName,
      matterId: v.matterId,
      matterNumber: v.matterNumber,
      matterTitle: v.matterTitle,
      requestedAt: v.requestedAt,
      decidedAt: v.status === 'referred' ? null : (v.decidedAt ?? v.requestedAt),
    })),
    nextCursor,
  };
}

/** The parties an intake brings, for the check: its client (our side) first. */
export function searchedNamesOf(client: { id: string; name: string } | null, parties: { id: string; role: PartyRole; name: string }[]): SearchedName[] {
  const names: SearchedName[] = client ? [{ ref: { kind: 'client', id: client.id }, side: 'ours', name: client.name }] : [];
  for (const party of parties) names.push({ ref: { kind: 'party', id: party.id }, side: party.role === 'opposing' ? 'theirs' : 'ours', name: party.name });
  return names;
}

/** The conflict key token of a client's name, for a client being created or renamed under `keyVersion`. */
export async function conflictTokenForIntake(ctx: RequestContext, clientId: ClientId, keyVersion: number, name: string): Promise<string> {
  return (await unsafeIndexTokenForIntake(ctx, clientId, keyVersion, 'conflict-name', conflictKey(name))).token;
}

/**
 * Gives clients from before the conflict check their conflict-key token (at start, like the blind
 * index re-index; idempotent). Returns how many were indexed; one `vault.reindex` event per batch.
 */
export async function backfillConflictIndex(services: AppServices): Promise<number> {
  if (isSealed(services)) return 0;
  const ctx = systemContext(services, 'vault.conflict-index');
  const sealers = unsafeSealerCache(ctx);
  let after = '';
  let total = 0;
  for (;;) {
    const rows = await unsafeClientsWithoutConflictIndex(ctx, after, 500);
    if (rows.length === 0) return total;
    let done = 0;
    for (const row of rows) {
      try {
        const sealer = await sealers(row.id, row.key_version);
        const name = sealer.open('vault_clients', row.id, 'name', row.name_sealed);
        await setClientConflictIndexIfMissing(ctx, row.id, await conflictTokenForIntake(ctx, row.id as ClientId, row.key_version, name), row.key_version);
        done += 1;
      } catch (error) {
        // A shredded client: nothing to index, and nothing may match it.
        if (!(error instanceof AppError && error.code === 'KEY_DESTROYED')) throw error;
        await setClientConflictIndexIfMissing(ctx, row.id, '', 0);
      }
    }
    total += done;
    await recordEvent(ctx, { action: 'vault.reindex', outcome: 'allowed', reason: 'CONFLICT_INDEX', resources: { other: { type: 'result_count', id: String(done) } } });
    after = rows[rows.length - 1]!.id;
  }
}
