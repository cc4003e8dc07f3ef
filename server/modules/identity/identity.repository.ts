/** Kysely on the identity tables only. Every function takes the context's db (a transaction or not). */
import type { AnyDb } from '../../platform/db/database.js';
import { sql } from 'kysely';
import { tablesOf } from '../../platform/db/database.js';
import type { ApiTokenRow, IdentityTables, OneTimeLinkRow, SessionRow, UserRow } from './identity.tables.js';

const t = (db: AnyDb) => tablesOf<IdentityTables>(db);

// ---- users
export async function insertUser(db: AnyDb, row: UserRow): Promise<void> {
  await t(db).insertInto('identity_users').values(row).execute();
}
export async function findUserById(db: AnyDb, id: string): Promise<UserRow | undefined> {
  return t(db).selectFrom('identity_users').selectAll().where('id', '=', id).executeTakeFirst();
}
export async function findUserByEmail(db: AnyDb, email: string): Promise<UserRow | undefined> {
  return t(db).selectFrom('identity_users').selectAll().where('email', '=', email).executeTakeFirst();
}
export async function findUsersByIds(db: AnyDb, ids: string[]): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  return t(db).selectFrom('identity_users').selectAll().where('id', 'in', ids).execute();
}
export async function listUsers(db: AnyDb): Promise<UserRow[]> {
  return t(db).selectFrom('identity_users').selectAll().orderBy('name').orderBy('id').execute();
}
/** Enabled accounts of the given roles whose folded name or email contains `folded`, by name. */
export async function searchUsers(db: AnyDb, input: { folded: string; roles: readonly string[]; now: number; limit: number }): Promise<UserRow[]> {
  // LIKE wildcards in what the person typed are matched literally.
  const pattern = `%${input.folded.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return t(db)
    .selectFrom('identity_users')
    .selectAll()
    .where(sql<boolean>`search_text like ${pattern} escape '\\'`)
    .where('role', 'in', [...input.roles])
    .where('disabled_at', 'is', null)
    .where((eb) => eb.or([eb('leaving_on', 'is', null), eb('leaving_on', '>', input.now)]))
    .orderBy('name')
    .orderBy('id')
    .limit(input.limit)
    .execute();
}
export async function updateUser(db: AnyDb, id: string, patch: Partial<Omit<UserRow, 'id'>>): Promise<void> {
  await t(db).updateTable('identity_users').set(patch).where('id', '=', id).execute();
}
export async function countActiveAdmins(db: AnyDb): Promise<number> {
  const row = await t(db)
    .selectFrom('identity_users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'firm_admin')
    .where('disabled_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---- sessions
export async function insertSession(db: AnyDb, row: SessionRow): Promise<void> {
  await t(db).insertInto('identity_sessions').values(row).execute();
}
export async function findSessionWithUser(db: AnyDb, secretHash: string) {
  return t(db)
    .selectFrom('identity_sessions as s')
    .innerJoin('identity_users as u', 'u.id', 's.user_id')
    .select([
      's.id', 's.user_id', 's.csrf_hash', 's.mfa_required', 's.mfa_at', 's.last_seen_at', 's.expires_at', 's.revoked_at', 's.revoked_reason', 's.created_at',
      'u.role', 'u.client_id', 'u.disabled_at', 'u.leaving_on',
    ])
    .where('s.secret_hash', '=', secretHash)
    .executeTakeFirst();
}
export async function findSessionBySecretHash(db: AnyDb, secretHash: string): Promise<SessionRow | undefined> {
  return t(db).selectFrom('identity_sessions').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
}
export async function findSessionById(db: AnyDb, id: string): Promise<SessionRow | undefined> {
  return t(db).selectFrom('identity_sessions').selectAll().where('id', '=', id).executeTakeFirst();
}
export async function findLiveSessions(db: AnyDb, userId: string, now: number, idleMs: number): Promise<SessionRow[]> {
  return t(db)
    .selectFrom('identity_sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where('last_seen_at', '>', now - idleMs)
    .orderBy('created_at', 'desc')
    .execute();
}
export async function updateSession(db: AnyDb, id: string, patch: Partial<Omit<SessionRow, 'id'>>): Promise<void> {
  await t(db).updateTable('identity_sessions').set(patch).where('id', '=', id).execute();
}
export async function revokeSessionsOfUser(db: AnyDb, userId: string, now: number, reason: string, exceptId: string | null = null): Promise<number> {
  let query = t(db).updateTable('identity_sessions').set({ revoked_at: now, revoked_reason: reason }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (exceptId) query = query.where('id', '!=', exceptId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// ---- API tokens
export async function insertToken(db: AnyDb, row: ApiTokenRow): Promise<void> {
  await t(db).insertInto('identity_api_tokens').values(row).execute();
}
export async function findTokenWithUser(db: AnyDb, secretHash: string) {
  return t(db)
    .selectFrom('identity_api_tokens as k')
    .innerJoin('identity_users as u', 'u.id', 'k.user_id')
    .select(['k.id', 'k.user_id', 'k.scopes', 'k.mfa_complete', 'k.expires_at', 'k.revoked_at', 'k.last_used_at', 'u.role', 'u.client_id', 'u.disabled_at', 'u.leaving_on'])
    .where('k.secret_hash', '=', secretHash)
    .executeTakeFirst();
}
export async function findTokenById(db: AnyDb, id: string): Promise<ApiTokenRow | undefined> {
  return t(db).selectFrom('identity_api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}
export async function listTokensOfUser(db: AnyDb, userId: string): Promise<ApiTokenRow[]> {
  return t(db).selectFrom('identity_api_tokens').selectAll().where('user_id', '=', userId).where('revoked_at', 'is', null).orderBy('created_at', 'desc').execute();
}
export async function updateToken(db: AnyDb, id: string, patch: Partial<Omit<ApiTokenRow, 'id'>>): Promise<void> {
  await t(db).updateTable('identity_api_tokens').set(patch).where('id', '=', id).execute();
}
export async function revokeTokensOfUser(db: AnyDb, userId: string, now: number): Promise<number> {
  const result = await t(db).updateTable('identity_api_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// ---- one-time links
export async function insertLink(db: AnyDb, row: OneTimeLinkRow): Promise<void> {
  await t(db).insertInto('identity_one_time_links').values(row).execute();
}
export async function findLinkByHash(db: AnyDb, tokenHash: string): Promise<OneTimeLinkRow | undefined> {
  return t(db).selectFrom('identity_one_time_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}
export async function findUnusedLinks(db: AnyDb, purpose: OneTimeLinkRow['purpose']): Promise<OneTimeLinkRow[]> {
  return t(db).selectFrom('identity_one_time_links').selectAll().where('purpose', '=', purpose).where('used_at', 'is', null).execute();
}
/** Marks a link used; returns false when someone else used it first (so it works exactly once). */
export async function useLink(db: AnyDb, id: string, now: number): Promise<boolean> {
  const result = await t(db).updateTable('identity_one_time_links').set({ used_at: now }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
/** Ends the unused links of a user (all of them, or of one purpose). */
export async function expireLinksOfUser(db: AnyDb, userId: string, now: number, purpose?: OneTimeLinkRow['purpose']): Promise<void> {
  let query = t(db).updateTable('identity_one_time_links').set({ used_at: now }).where('user_id', '=', userId).where('used_at', 'is', null);
  if (purpose) query = query.where('purpose', '=', purpose);
  await query.execute();
}

// ---- throttles
/**
 * Counts one attempt on a counter in a single statement (insert, or update unless locked), and
 * locks it when the count reaches `limit`. Returns the counter after the attempt, or undefined when
 * it is locked (nothing counted). The statement is atomic on both databases: PostgreSQL takes the
 * row lock and re-checks the condition on the latest version; SQLite runs one writer at a time.
 */
export async function reserveThrottle(db: AnyDb, input: { key: string; now: number; windowMs: number; limit: number; lockUntil: number }): Promise<{ failures: number; locked_until: number | null } | undefined> {
  const { key, now, limit, lockUntil } = input;
  const cutoff = now - input.windowMs;
  // A counter starts over when its window has passed or its lock has run out.
  const fresh = sql<boolean>`(identity_throttles.window_start < ${cutoff} or (identity_throttles.locked_until is not null and identity_throttles.locked_until <= ${now}))`;
  const next = sql<number>`(case when ${fresh} then 1 else identity_throttles.failures + 1 end)`;
  const row = await t(db)
    .insertInto('identity_throttles')
    .values({ key, failures: 1, window_start: now, locked_until: limit <= 1 ? lockUntil : null })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({
          failures: next,
          window_start: sql<number>`(case when ${fresh} then cast(${now} as bigint) else identity_throttles.window_start end)`,
          // Casts: PostgreSQL cannot infer the type of a parameter beside NULL.
          locked_until: sql<number | null>`(case when ${next} >= ${limit} then cast(${lockUntil} as bigint) else null end)`,
        })
        .where(sql<boolean>`(identity_throttles.locked_until is null or identity_throttles.locked_until <= ${now})`),
    )
    .returning(['failures', 'locked_until'])
    .executeTakeFirst();
  return row ? { failures: Number(row.failures), locked_until: row.locked_until === null ? null : Number(row.locked_until) } : undefined;
}
/**
 * Gives back one attempt counted at `reservedAt` (a success). Touches the counter only while it is
 * still the window that attempt was counted in, and lifts a lock only when the count drops below
 * the limit — which happens only when this attempt's own count was part of reaching it.
 */
export async function releaseThrottle(db: AnyDb, input: { key: string; reservedAt: number; limit: number }): Promise<void> {
  await t(db)
    .updateTable('identity_throttles')
    .set({
      failures: sql<number>`failures - 1`,
      locked_until: sql<number | null>`(case when failures - 1 < ${input.limit} then null else locked_until end)`,
    })
    .where('key', '=', input.key)
    .where('failures', '>', 0)
    .where('window_start', '<=', input.reservedAt)
    .execute();
}

// ---- second factors
export async function hasConfirmedFactor(db: AnyDb, userId: string): Promise<boolean> {
  const totp = await t(db).selectFrom('identity_totp').select('user_id').where('user_id', '=', userId).where('confirmed_at', 'is not', null).executeTakeFirst();
  if (totp) return true;
  const passkey = await t(db).selectFrom('identity_passkeys').select('id').where('user_id', '=', userId).limit(1).executeTakeFirst();
  return passkey !== undefined;
}
/** One round trip: the three counts as scalar subqueries. */
export async function factorSummary(db: AnyDb, userId: string): Promise<{ totp: boolean; passkeys: number; recoveryCodesLeft: number }> {
  const row = await t(db)
    .selectNoFrom((eb) => [
      eb.selectFrom('identity_totp').select((e) => e.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('confirmed_at', 'is not', null).as('totp'),
      eb.selectFrom('identity_passkeys').select((e) => e.fn.countAll<number>().as('n')).where('user_id', '=', userId).as('passkeys'),
      eb.selectFrom('identity_recovery_codes').select((e) => e.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('used_at', 'is', null).as('codes'),
    ])
    .executeTakeFirstOrThrow();
  return { totp: Number(row.totp) > 0, passkeys: Number(row.passkeys), recoveryCodesLeft: Number(row.codes) };
}

export async function findTotp(db: AnyDb, userId: string) {
  return t(db).selectFrom('identity_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
}
export async function upsertTotp(db: AnyDb, row: IdentityTables['identity_totp']): Promise<void> {
  await t(db)
    .insertInto('identity_totp')
    .values(row)
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ secret: row.secret, confirmed_at: row.confirmed_at, last_step: row.last_step, created_at: row.created_at }))
    .execute();
}
/** Records the accepted time step only if it is newer than the last one: a replayed code loses the race. */
export async function advanceTotpStep(db: AnyDb, userId: string, step: number, confirmedAt: number | null): Promise<boolean> {
  const result = await t(db)
    .updateTable('identity_totp')
    .set(confirmedAt !== null ? { last_step: step, confirmed_at: confirmedAt } : { last_step: step })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
export async function deleteTotp(db: AnyDb, userId: string): Promise<void> {
  await t(db).deleteFrom('identity_totp').where('user_id', '=', userId).execute();
}
export async function replaceRecoveryCodes(db: AnyDb, userId: string, hashes: string[], newIdAt: () => string): Promise<void> {
  await t(db).deleteFrom('identity_recovery_codes').where('user_id', '=', userId).execute();
  if (hashes.length > 0) await t(db).insertInto('identity_recovery_codes').values(hashes.map((code_hash) => ({ id: newIdAt(), user_id: userId, code_hash, used_at: null }))).execute();
}
export async function useRecoveryCode(db: AnyDb, userId: string, codeHash: string, now: number): Promise<boolean> {
  const result = await t(db)
    .updateTable('identity_recovery_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
export async function listPasskeys(db: AnyDb, userId: string) {
  return t(db).selectFrom('identity_passkeys').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
}
export async function findPasskeyByCredentialId(db: AnyDb, credentialId: string) {
  return t(db).selectFrom('identity_passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
}
export async function insertPasskey(db: AnyDb, row: IdentityTables['identity_passkeys']): Promise<void> {
  await t(db).insertInto('identity_passkeys').values(row).execute();
}
export async function updatePasskey(db: AnyDb, id: string, patch: { counter: number; last_used_at: number }): Promise<void> {
  await t(db).updateTable('identity_passkeys').set(patch).where('id', '=', id).execute();
}
export async function deletePasskey(db: AnyDb, userId: string, id: string): Promise<boolean> {
  const result = await t(db).deleteFrom('identity_passkeys').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
export async function deletePasskeysOfUser(db: AnyDb, userId: string): Promise<number> {
  const result = await t(db).deleteFrom('identity_passkeys').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
/** Pending WebAuthn challenges of the user's sessions (an MFA reset must not leave one half-done). */
export async function deleteChallengesOfSessionsOf(db: AnyDb, userId: string): Promise<void> {
  await t(db)
    .deleteFrom('identity_challenges')
    .where('session_id', 'in', (eb) => eb.selectFrom('identity_sessions').select('id').where('user_id', '=', userId))
    .execute();
}
export async function saveChallenge(db: AnyDb, row: IdentityTables['identity_challenges']): Promise<void> {
  await t(db).deleteFrom('identity_challenges').where('session_id', '=', row.session_id).where('purpose', '=', row.purpose).execute();
  await t(db).insertInto('identity_challenges').values(row).execute();
}
/**
 * Takes (and deletes) the pending challenge: each one is usable once. The delete decides: of two
 * parallel requests that both read the row, only the one whose delete removed it gets the challenge.
 */
export async function takeChallenge(db: AnyDb, sessionId: string, purpose: string, now: number): Promise<string | null> {
  const row = await t(db).selectFrom('identity_challenges').selectAll().where('session_id', '=', sessionId).where('purpose', '=', purpose).executeTakeFirst();
  if (!row) return null;
  const deleted = await t(db).deleteFrom('identity_challenges').where('id', '=', row.id).executeTakeFirst();
  if (Number(deleted.numDeletedRows) !== 1) return null;
  return Number(row.expires_at) > now ? row.challenge : null;
}
export async function deleteExpiredChallenges(db: AnyDb, now: number): Promise<number> {
  const result = await t(db).deleteFrom('identity_challenges').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
/** Counters whose window and lock have both run out count nothing any more. */
export async function deleteStaleThrottles(db: AnyDb, windowCutoff: number, now: number): Promise<number> {
  const result = await t(db)
    .deleteFrom('identity_throttles')
    .where('window_start', '<', windowCutoff)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

// ---- security facts (the compliance posture)
/** Every staff account (no client accounts) with its second factors and newest sign-in, in one query. */
export async function staffSecurityRows(db: AnyDb): Promise<{ id: string; role: string; disabled_at: number | null; leaving_on: number | null; created_at: number; has_password: number; factors: number; last_sign_in: number | null }[]> {
  const rows = await t(db)
    .selectFrom('identity_users as u')
    .select((eb) => [
      'u.id',
      'u.role',
      'u.disabled_at',
      'u.leaving_on',
      'u.created_at',
      eb.case().when('u.password_hash', 'is not', null).then(1).else(0).end().as('has_password'),
      eb
        .selectFrom('identity_totp as f')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('f.user_id', '=', 'u.id')
        .where('f.confirmed_at', 'is not', null)
        .as('totp'),
      eb
        .selectFrom('identity_passkeys as p')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('p.user_id', '=', 'u.id')
        .as('passkeys'),
      eb
        .selectFrom('identity_sessions as s')
        .select((e) => e.fn.max('s.created_at').as('last'))
        .whereRef('s.user_id', '=', 'u.id')
        .as('last_sign_in'),
    ])
    .where('u.role', '!=', 'client')
    .orderBy('u.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    role: r.role,
    disabled_at: r.disabled_at === null ? null : Number(r.disabled_at),
    leaving_on: r.leaving_on === null ? null : Number(r.leaving_on),
    created_at: Number(r.created_at),
    has_password: Number(r.has_password),
    factors: Number(r.totp ?? 0) + Number(r.passkeys ?? 0),
    last_sign_in: r.last_sign_in === null || r.last_sign_in === undefined ? null : Number(r.last_sign_in),
  }));
}
