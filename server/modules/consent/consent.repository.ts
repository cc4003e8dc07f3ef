/**
 * Kysely on the consent module's own tables. Functions reading or changing one client's rows take
 * the `Authorized` value the choke point returned and filter by the id it authorized; the register
 * takes the actor's `Scope`. The share functions named `unsafe…` are for the recipient, who has no
 * account: the share token (stored hashed) is their authorization, checked by shares.service.ts.
 */
import { sql, type SqlBool } from 'kysely';
import type { ClientId, MatterId } from '../../../common/ids.js';
import type { Authorized, FirmTarget, ObjectTarget, ParentResolver, Scope } from '../../access/index.js';
import type { RequestContext } from '../../platform/context.js';
import { tablesOf } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import type { ConsentConsentsTable, ConsentDisclosuresTable, ConsentNoticesTable, ConsentReleasedItemsTable, ConsentSharesTable, ConsentTables, DisclosureStatus } from './consent.tables.js';

export type FirmAuth = Authorized<FirmTarget>;
export type ClientAuth = Authorized<{ kind: 'client'; clientId: ClientId }>;
export type MatterAuth = Authorized<{ kind: 'matter'; matterId: MatterId }>;
export type ObjectAuth = Authorized<ObjectTarget>;

const db = (ctx: RequestContext) => tablesOf<ConsentTables>(ctx.db);

const notFound = () => new AppError('ACCESS_DENIED', 'Not found');

/** Access finds a consent's client and a disclosure's matter itself (for its own decision only). */
export const PARENT_RESOLVERS: Record<'consent' | 'disclosure', ParentResolver> = {
  consent: async (ctx, id) => {
    const row = await db(ctx).selectFrom('consent_consents').select('client_id').where('id', '=', id).executeTakeFirst();
    return row ? { clientId: row.client_id as ClientId } : null;
  },
  disclosure: async (ctx, id) => {
    const row = await db(ctx).selectFrom('consent_disclosures').select('matter_id').where('id', '=', id).executeTakeFirst();
    return row ? { matterId: row.matter_id as MatterId } : null;
  },
};

function objectOf(auth: ObjectAuth, type: 'consent' | 'disclosure'): string {
  if (auth.type !== type) throw notFound();
  return auth.id;
}

// ── notices (firm text) ──────────────────────────────────────────────────────────────────────

export async function insertNoticeRow(ctx: RequestContext, _auth: FirmAuth, row: ConsentNoticesTable): Promise<void> {
  await db(ctx).insertInto('consent_notices').values(row).execute();
}

export async function nextNoticeVersion(ctx: RequestContext): Promise<number> {
  const row = await db(ctx).selectFrom('consent_notices').select(sql<number | null>`max(version)`.as('v')).executeTakeFirst();
  return Number(row?.v ?? 0) + 1;
}

export async function findNoticeRow(ctx: RequestContext, id: string): Promise<ConsentNoticesTable | undefined> {
  return db(ctx).selectFrom('consent_notices').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The newest published version (firm text the firm shows its clients: no decision needed). */
export async function findCurrentNoticeRow(ctx: RequestContext): Promise<ConsentNoticesTable | undefined> {
  return db(ctx).selectFrom('consent_notices').selectAll().where('status', '=', 'published').orderBy('version', 'desc').limit(1).executeTakeFirst();
}

export async function findNoticeRows(ctx: RequestContext, _auth: FirmAuth): Promise<ConsentNoticesTable[]> {
  return db(ctx).selectFrom('consent_notices').selectAll().orderBy('version', 'desc').limit(500).execute();
}

/** Changes a draft; false when it is no longer a draft (published meanwhile). */
export async function updateDraftNoticeRow(ctx: RequestContext, _auth: FirmAuth, id: string, patch: Partial<ConsentNoticesTable>): Promise<boolean> {
  const result = await db(ctx).updateTable('consent_notices').set(patch).where('id', '=', id).where('status', '=', 'draft').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ── consents ─────────────────────────────────────────────────────────────────────────────────

export async function insertConsentRow(ctx: RequestContext, _auth: ClientAuth, row: ConsentConsentsTable): Promise<void> {
  await db(ctx).insertInto('consent_consents').values(row).execute();
}

export async function findConsentRowsOfClient(ctx: RequestContext, auth: ClientAuth): Promise<ConsentConsentsTable[]> {
  return db(ctx).selectFrom('consent_consents').selectAll().where('client_id', '=', auth.clientId).orderBy('id', 'desc').limit(500).execute();
}

export async function getConsentRow(ctx: RequestContext, auth: ObjectAuth): Promise<ConsentConsentsTable> {
  const row = await db(ctx).selectFrom('consent_consents').selectAll().where('id', '=', objectOf(auth, 'consent')).where('client_id', '=', auth.clientId ?? '').executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

/** A consent of the client a matter authorization was decided for (the basis of a disclosure on that matter), or undefined. */
export async function findConsentRowOfClient(ctx: RequestContext, auth: MatterAuth | ObjectAuth, consentId: string): Promise<ConsentConsentsTable | undefined> {
  return db(ctx).selectFrom('consent_consents').selectAll().where('id', '=', consentId).where('client_id', '=', auth.clientId ?? '').executeTakeFirst();
}

/** Withdraws an active consent; false when it was not active. */
export async function withdrawConsentRow(ctx: RequestContext, auth: ObjectAuth, by: string, at: number): Promise<boolean> {
  const result = await db(ctx)
    .updateTable('consent_consents')
    .set({ status: 'withdrawn', withdrawn_by: by, withdrawn_at: at })
    .where('id', '=', objectOf(auth, 'consent'))
    .where('client_id', '=', auth.clientId ?? '')
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Active consents in `scope` (by client) ending before `until`, for the expiring report. */
export async function findExpiringConsentRows(ctx: RequestContext, scope: Scope, now: number, until: number): Promise<ConsentConsentsTable[]> {
  const query = db(ctx).selectFrom('consent_consents').selectAll().where('status', '=', 'active').where('valid_until', 'is not', null).where('valid_until', '>', now).where('valid_until', '<=', until).orderBy('valid_until', 'asc').limit(1000);
  return scope.apply(query, 'consent_consents.client_id', 'client').execute();
}

// ── disclosures ──────────────────────────────────────────────────────────────────────────────

export async function insertDisclosureRow(ctx: RequestContext, _auth: MatterAuth, row: ConsentDisclosuresTable): Promise<void> {
  await db(ctx).insertInto('consent_disclosures').values(row).execute();
}

export async function getDisclosureRow(ctx: RequestContext, auth: ObjectAuth): Promise<ConsentDisclosuresTable> {
  const row = await db(ctx).selectFrom('consent_disclosures').selectAll().where('id', '=', objectOf(auth, 'disclosure')).where('matter_id', '=', auth.matterId ?? '').executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

/** Moves the authorized disclosure from one of `from` to a new state; false when it was in none of them (decided meanwhile). */
export async function moveDisclosureRow(ctx: RequestContext, auth: ObjectAuth, from: DisclosureStatus[], patch: Partial<ConsentDisclosuresTable>): Promise<boolean> {
  const result = await db(ctx)
    .updateTable('consent_disclosures')
    .set(patch)
    .where('id', '=', objectOf(auth, 'disclosure'))
    .where('matter_id', '=', auth.matterId ?? '')
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Revokes every disclosure `userId` requested that is pending, ready or executed (an executed
 * one's share link ends with it); returns them. Unsafe (by person, across clients): only for an
 * incident's containment, after the incidents module's own decision.
 */
export async function unsafeRevokeDisclosureRowsRequestedBy(ctx: RequestContext, userId: string, by: string, at: number): Promise<Pick<ConsentDisclosuresTable, 'id' | 'client_id' | 'matter_id'>[]> {
  const rows = await db(ctx).selectFrom('consent_disclosures').select(['id', 'client_id', 'matter_id']).where('requested_by', '=', userId).where('status', 'in', ['pending_approval', 'ready', 'executed']).execute();
  if (rows.length > 0) {
    await db(ctx)
      .updateTable('consent_disclosures')
      .set({ status: 'revoked', ended_by: by, ended_at: at })
      .where('id', 'in', rows.map((r) => r.id))
      .where('status', 'in', ['pending_approval', 'ready', 'executed'])
      .execute();
  }
  return rows;
}

/** Stops the not-yet-executed disclosures under the authorized (withdrawn) consent; returns them. */
export async function stopDisclosuresOfConsent(ctx: RequestContext, auth: ObjectAuth, by: string, at: number): Promise<Pick<ConsentDisclosuresTable, 'id' | 'matter_id'>[]> {
  const consentId = objectOf(auth, 'consent');
  const rows = await db(ctx).selectFrom('consent_disclosures').select(['id', 'matter_id']).where('consent_id', '=', consentId).where('client_id', '=', auth.clientId ?? '').where('status', 'in', ['pending_approval', 'ready']).execute();
  if (rows.length > 0) {
    await db(ctx)
      .updateTable('consent_disclosures')
      .set({ status: 'stopped', ended_by: by, ended_at: at })
      .where('id', 'in', rows.map((r) => r.id))
      .where('status', 'in', ['pending_approval', 'ready'])
      .execute();
  }
  return rows;
}

/** Executed disclosures under the authorized consent (their shares die with it). */
export async function findExecutedDisclosureIdsOfConsent(ctx: RequestContext, auth: ObjectAuth): Promise<Pick<ConsentDisclosuresTable, 'id' | 'matter_id'>[]> {
  return db(ctx).selectFrom('consent_disclosures').select(['id', 'matter_id']).where('consent_id', '=', objectOf(auth, 'consent')).where('client_id', '=', auth.clientId ?? '').where('status', '=', 'executed').execute();
}

/** The register: disclosures in `scope` (by matter), newest first, optionally of one client or matter and status. */
export async function findDisclosureRows(ctx: RequestContext, scope: Scope, filter: { clientId?: string; matterId?: string; status?: DisclosureStatus; basis?: 'consent' | 'exception'; recipientCategory?: string; limit: number }): Promise<ConsentDisclosuresTable[]> {
  let query = db(ctx).selectFrom('consent_disclosures').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.clientId) query = query.where('client_id', '=', filter.clientId);
  if (filter.matterId) query = query.where('matter_id', '=', filter.matterId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.basis) query = query.where('basis', '=', filter.basis);
  if (filter.recipientCategory) query = query.where('recipient_category', '=', filter.recipientCategory);
  return scope.apply(query, 'consent_disclosures.matter_id', 'matter').execute();
}

/** Executed disclosures of the authorized client (on `matterIds`, or all its matters when null), newest first: what its portal shows. */
export async function findExecutedDisclosureRowsOfClient(ctx: RequestContext, auth: ClientAuth, matterIds: string[] | null): Promise<ConsentDisclosuresTable[]> {
  if (matterIds !== null && matterIds.length === 0) return [];
  let query = db(ctx).selectFrom('consent_disclosures').selectAll().where('client_id', '=', auth.clientId).where('executed_at', 'is not', null).orderBy('id', 'desc').limit(1000);
  if (matterIds !== null) query = query.where('matter_id', 'in', matterIds);
  return query.execute();
}

export async function insertReleasedItemRows(ctx: RequestContext, _auth: ObjectAuth, rows: ConsentReleasedItemsTable[]): Promise<void> {
  if (rows.length > 0) await db(ctx).insertInto('consent_released_items').values(rows).execute();
}

/** Released items of disclosures the caller already read through an authorization or a scope. */
export async function findReleasedItemRows(ctx: RequestContext, disclosureIds: string[]): Promise<ConsentReleasedItemsTable[]> {
  if (disclosureIds.length === 0) return [];
  return db(ctx).selectFrom('consent_released_items').selectAll().where('disclosure_id', 'in', disclosureIds).orderBy('id', 'asc').execute();
}

// ── shares ───────────────────────────────────────────────────────────────────────────────────

export async function insertShareRow(ctx: RequestContext, _auth: ObjectAuth, row: ConsentSharesTable): Promise<void> {
  await db(ctx).insertInto('consent_shares').values(row).execute();
}

/** Shares of disclosures the caller already read through an authorization or a scope. */
export async function findShareRows(ctx: RequestContext, disclosureIds: string[]): Promise<ConsentSharesTable[]> {
  if (disclosureIds.length === 0) return [];
  return db(ctx).selectFrom('consent_shares').selectAll().where('disclosure_id', 'in', disclosureIds).execute();
}

/** The share a token's hash names. Unsafe: the token is the recipient's only authorization (shares.service.ts checks everything else). */
export async function unsafeFindShareByTokenHash(ctx: RequestContext, tokenHash: string): Promise<ConsentSharesTable | undefined> {
  return db(ctx).selectFrom('consent_shares').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** The disclosure behind a share the recipient holds the token of. Unsafe: see above. */
export async function unsafeGetDisclosureOfShare(ctx: RequestContext, share: ConsentSharesTable): Promise<ConsentDisclosuresTable> {
  const row = await db(ctx).selectFrom('consent_disclosures').selectAll().where('id', '=', share.disclosure_id).executeTakeFirst();
  if (!row) throw new AppError('SHARE_NOT_FOUND');
  return row;
}

/** The consent under a share's disclosure, checked on every use (withdrawn or expired ends the share). Unsafe: see above. */
export async function unsafeGetConsentOfShare(ctx: RequestContext, disclosure: ConsentDisclosuresTable): Promise<Pick<ConsentConsentsTable, 'status' | 'valid_from' | 'valid_until'> | undefined> {
  if (!disclosure.consent_id) return undefined;
  return db(ctx).selectFrom('consent_consents').select(['status', 'valid_from', 'valid_until']).where('id', '=', disclosure.consent_id).where('client_id', '=', disclosure.client_id).executeTakeFirst();
}

/** Updates a share the service has just read (through its token). */
export async function updateShareRow(ctx: RequestContext, share: ConsentSharesTable, patch: Partial<ConsentSharesTable>): Promise<void> {
  await db(ctx).updateTable('consent_shares').set(patch).where('id', '=', share.id).execute();
}

/** Uses the current code once: only while it is still the stored one (a replay or a race finds it gone). */
export async function consumeShareCode(ctx: RequestContext, share: ConsentSharesTable, codeHash: string, patch: Partial<ConsentSharesTable>): Promise<boolean> {
  const result = await db(ctx).updateTable('consent_shares').set({ ...patch, code_hash: null, code_expires_at: null, code_attempts: 0 }).where('id', '=', share.id).where('code_hash', '=', codeHash).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Counts one download if the limit allows it (atomically: two parallel downloads cannot both take the last one). */
export async function takeShareDownload(ctx: RequestContext, share: ConsentSharesTable): Promise<boolean> {
  const result = await db(ctx)
    .updateTable('consent_shares')
    .set({ downloads: sql`downloads + 1` })
    .where('id', '=', share.id)
    .where(sql<SqlBool>`downloads < max_downloads`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Released items of a share's disclosure. Unsafe: see above. */
export async function unsafeReleasedItemsOfShare(ctx: RequestContext, share: ConsentSharesTable): Promise<ConsentReleasedItemsTable[]> {
  return findReleasedItemRows(ctx, [share.disclosure_id]);
}
