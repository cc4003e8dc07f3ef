/**
 * Parties: the opposing and related people and organisations of a client, or of one of its
 * matters. Name and identifiers sealed under the client's key; the exact name and its conflict key
 * blind-indexed under the client's index key, so the conflict check finds them without a name in
 * clear. A party added after intake is checked too (hits are referred to the compliance officer).
 */
import type { ClientId, MatterId, UserId } from '../../../common/ids.js';
import { requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { conflictKey } from './conflicts.names.js';
import { recordIntakeCheck, searchIntake, searchedNamesOf } from './conflicts.service.js';
import { deletePartyRow, findPartyRowsOfClient, getPartyRow, insertPartyRows, unsafePartyLevel, updatePartyRow } from './parties.repository.js';
import { presentParty, type PartyView } from './vault.presenter.js';
import { getMatterRow, notFound, type ClientAuth, type MatterAuth } from './vault.repository.js';
import { indexToken, sealerCacheFor, sealerForWrite, type IndexPurpose, type Sealer } from './vault.sealing.js';
import type { PartyRole, VaultPartiesTable } from './vault.tables.js';

export interface PartyInput {
  role: PartyRole;
  kind?: 'person' | 'organisation';
  name: string;
  identifiers?: { type: string; value: string }[];
}

const TABLE = 'vault_parties';

/** The token maker for one client's index key at the sealer's version (authorized, or the intake's own). */
export type TokenMaker = (purpose: IndexPurpose, value: string) => Promise<string>;

/** Sealed, indexed rows for `inputs` of `clientId` (and `matterId`), ready to insert. */
export async function partyRowsOf(inputs: PartyInput[], at: { clientId: string; matterId: string | null; by: UserId; now: number }, sealer: Sealer, tokenOf: TokenMaker): Promise<VaultPartiesTable[]> {
  const rows: VaultPartiesTable[] = [];
  for (const input of inputs) {
    const id = newId(at.now);
    rows.push({
      id,
      client_id: at.clientId,
      matter_id: at.matterId,
      role: input.role,
      kind: input.kind ?? 'organisation',
      key_version: sealer.version,
      name_sealed: sealer.seal(TABLE, id, 'name', input.name),
      details_sealed: sealer.seal(TABLE, id, 'details', JSON.stringify({ identifiers: input.identifiers ?? [] })),
      name_index: await tokenOf('client-name', input.name),
      conflict_index: await tokenOf('conflict-name', conflictKey(input.name)),
      index_key_version: sealer.version,
      created_by: at.by,
      created_at: at.now,
      updated_at: at.now,
    });
  }
  return rows;
}

function userOf(ctx: RequestContext): UserId {
  if (ctx.actor.kind !== 'user') throw new AppError('FORBIDDEN', 'Only a person can do this');
  return ctx.actor.userId;
}

/** Presents the authorized client's parties (its own and its open matters'). */
export async function partiesOfClient(ctx: RequestContext, auth: ClientAuth): Promise<PartyView[]> {
  const sealers = sealerCacheFor(ctx, auth);
  const views: PartyView[] = [];
  for (const row of await findPartyRowsOfClient(ctx, auth)) views.push(presentParty(row, await sealers(row.key_version)));
  return views;
}

/**
 * Adds a party to a client (client.update) or to one of its matters (matter.update), and checks
 * it for conflicts across the firm (hits are referred to the compliance officer; the caller sees
 * only the party). Throws ACCESS_DENIED, VALIDATION_FAILED, KEY_DESTROYED, SEALED.
 */
export async function addParty(ctx: RequestContext, clientId: ClientId, input: PartyInput & { matterId?: string }): Promise<PartyView> {
  return inTransaction(ctx, async (tx) => {
    const by = userOf(tx);
    let auth: ClientAuth | MatterAuth;
    if (input.matterId) {
      const matterAuth = await requireAccess(tx, 'matter.update', { kind: 'matter', matterId: input.matterId as MatterId });
      const matter = await getMatterRow(tx, matterAuth);
      // A matter of another client answers like a missing one.
      if (matter.client_id !== clientId) throw notFound();
      auth = matterAuth;
    } else {
      auth = await requireAccess(tx, 'client.update', { kind: 'client', clientId });
    }
    const sealer = await sealerForWrite(tx, auth);
    const tokenOf: TokenMaker = async (purpose, value) => (await indexToken(tx, auth, sealer.version, purpose, value)).token;
    const [row] = await partyRowsOf([input], { clientId, matterId: input.matterId ?? null, by, now: tx.app.clock.now() }, sealer, tokenOf);
    await insertPartyRows(tx, auth, [row!]);
    await recordEvent(tx, { action: 'party.created', outcome: 'allowed', resources: { clientId, ...(input.matterId ? { matterId: input.matterId } : {}), other: { type: 'party', id: row!.id } } });
    const search = await searchIntake(tx, clientId, searchedNamesOf(null, [{ id: row!.id, role: row!.role, name: input.name }]));
    await recordIntakeCheck(tx, { subject: input.matterId ? 'matter' : 'client', clientId, matterId: (input.matterId as MatterId | undefined) ?? null }, search);
    return presentParty(row!, sealer);
  });
}

async function requirePartyAccess(tx: RequestContext, partyId: string) {
  // The permission follows the party's level; a missing party is decided (and refused) like a forbidden one.
  const level = await unsafePartyLevel(tx, partyId);
  return requireAccess(tx, level === 'matter' ? 'matter.update' : 'client.update', { kind: 'object', type: 'party', id: partyId });
}

/** Renames, re-roles or re-identifies a party (same permission as adding it). Throws ACCESS_DENIED, KEY_DESTROYED, SEALED. */
export async function updateParty(ctx: RequestContext, partyId: string, input: Partial<PartyInput>): Promise<PartyView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requirePartyAccess(tx, partyId);
    const row = await getPartyRow(tx, auth);
    const current = presentParty(row, await sealerCacheFor(tx, auth)(row.key_version));
    const sealer = await sealerForWrite(tx, auth);
    const tokenOf: TokenMaker = async (purpose, value) => (await indexToken(tx, auth, sealer.version, purpose, value)).token;
    const [next] = await partyRowsOf(
      [{ role: input.role ?? current.role, kind: input.kind ?? current.kind, name: input.name ?? current.name, identifiers: input.identifiers ?? current.identifiers }],
      { clientId: row.client_id, matterId: row.matter_id, by: userOf(tx), now: tx.app.clock.now() },
      sealer,
      tokenOf,
    );
    // Same row: the id is the sealing context, so re-seal under it.
    const sealedAgain: VaultPartiesTable = {
      ...next!,
      id: row.id,
      name_sealed: sealer.seal(TABLE, row.id, 'name', input.name ?? current.name),
      details_sealed: sealer.seal(TABLE, row.id, 'details', JSON.stringify({ identifiers: input.identifiers ?? current.identifiers })),
      created_by: row.created_by,
      created_at: row.created_at,
    };
    await updatePartyRow(tx, auth, sealedAgain);
    await recordEvent(tx, { action: 'party.updated', outcome: 'allowed', resources: { clientId: row.client_id, ...(row.matter_id ? { matterId: row.matter_id } : {}), other: { type: 'party', id: row.id } } });
    if (input.name !== undefined || input.role !== undefined) {
      const search = await searchIntake(tx, row.client_id as ClientId, searchedNamesOf(null, [{ id: row.id, role: sealedAgain.role, name: input.name ?? current.name }]));
      await recordIntakeCheck(tx, { subject: row.matter_id ? 'matter' : 'client', clientId: row.client_id as ClientId, matterId: (row.matter_id as MatterId | null) ?? null }, search);
    }
    return presentParty(sealedAgain, sealer);
  });
}

/** Removes a party. Throws ACCESS_DENIED. */
export async function deleteParty(ctx: RequestContext, partyId: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const auth = await requirePartyAccess(tx, partyId);
    const row = await getPartyRow(tx, auth);
    await deletePartyRow(tx, auth);
    await recordEvent(tx, { action: 'party.deleted', outcome: 'allowed', resources: { clientId: row.client_id, ...(row.matter_id ? { matterId: row.matter_id } : {}), other: { type: 'party', id: row.id } } });
  });
}
