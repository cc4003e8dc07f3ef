/**
 * Accounts and their lifecycle: create (CLI, setup link, invitation), sign in with a password,
 * change password, role change, leaving date, disable (ends every session and token at once),
 * re-enable. Every step is audited in the transaction that makes it.
 */
import { FIRM_ROLES, type FirmRole } from '../../../common/roles.js';
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { recordEvent } from '../../audit/index.js';
import { FIRM_ROLE_PERMISSIONS, hasSecondApprover, requestApproval, type ApprovalKind, type ApprovalView } from '../../access/index.js';
import {
  countActiveAdmins,
  expireLinksOfUser,
  findLinkByHash,
  findUnusedLinks,
  findUserByEmail,
  findUserById,
  findUsersByIds,
  insertLink,
  insertUser,
  listUsers as listUserRows,
  revokeSessionsOfUser,
  searchUsers,
  revokeTokensOfUser,
  updateUser,
  useLink,
} from './identity.repository.js';
import { isUserActive, presentUser, type UserView } from './identity.presenter.js';
import type { UserRow } from './identity.tables.js';
import { assertPasswordStrength, burnPasswordTime, hashPassword, verifyPassword } from './passwords.js';
import { hashSecret, newSecret } from './secrets.js';
import { createSession, isMfaRequired, requireUser, type NewSession } from './sessions.service.js';
import { deliverMail, invitationMail, portalInvitationMail } from './identity.mails.js';
import { releaseAttempt, reserveAttempt } from './throttle.js';

export const INVITE_LIFETIME_MS = 7 * 24 * 3_600_000;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function assertEmail(email: string, field = 'body.email'): void {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 320) {
    throw new AppError('VALIDATION_FAILED', 'Enter a valid email address', [{ path: field, message: 'must be an email address' }]);
  }
}

function assertRole(role: string, field = 'body.role'): asserts role is FirmRole {
  if (!(FIRM_ROLES as readonly string[]).includes(role)) {
    throw new AppError('VALIDATION_FAILED', `Role must be one of ${FIRM_ROLES.join(', ')}`, [{ path: field, message: 'is not a known role' }]);
  }
}

/**
 * People with `user.manage` (the access policy gives it to administrators); a system actor (CLI,
 * jobs) may too. A refusal is audited (written by the error handler, which runs the error's
 * after-rollback work).
 */
export function requireAdmin(ctx: RequestContext): void {
  if (ctx.actor.kind === 'system') return;
  if (ctx.actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', 'Sign in first');
  if (!FIRM_ROLE_PERMISSIONS[ctx.actor.role].has('user.manage')) {
    const error = new AppError('FORBIDDEN', 'Only administrators manage accounts');
    const outside: RequestContext = { ...ctx, db: ctx.app.database.db };
    error.afterRollback = async () => {
      await recordEvent(outside, { action: 'user.manage', outcome: 'denied', reason: 'FIRM_ROLE' });
    };
    throw error;
  }
}

// ---- the two-person rule for accounts
// Every account an administrator creates, and every role they change, can open client data (a
// staff role can be seated, a client account opens its client's portal, an administrator or
// compliance officer can approve the next change): a second person — another administrator or a
// compliance officer, never the requester or the person concerned — approves it first. While the
// firm has nobody else who could (its founding days), the change is made and the waiver audited.
export const INVITE_APPROVAL_KIND = 'identity.invite';
export const ROLE_APPROVAL_KIND = 'identity.role';
export const ACCOUNT_APPROVERS: readonly FirmRole[] = ['firm_admin', 'compliance_officer'];

/** Null when the change may be made now; else the pending approval filed for it. */
export async function approvalFor(ctx: RequestContext, kind: string, payload: Record<string, unknown>, subjectUserId: string | null): Promise<ApprovalView | null> {
  if (ctx.actor.kind !== 'user') return null;
  if (await hasSecondApprover(ctx, kind, subjectUserId)) return requestApproval(ctx, { kind, payload, subjectUserId });
  await recordEvent(ctx, { action: 'approval.waived', outcome: 'allowed', reason: kind, purpose: 'no second person could approve', ...(subjectUserId ? { resources: { userId: subjectUserId } } : {}) });
  return null;
}

/** The two-person rule for accounts (identity's `provides.access.approvalKinds`). */
export const ACCOUNT_APPROVAL_KINDS: ApprovalKind[] = [
  {
    kind: INVITE_APPROVAL_KIND,
    approverRoles: ACCOUNT_APPROVERS,
    execute: async (tx, payload) => {
      await sendInvitation(tx, { email: String(payload.email), name: String(payload.name), role: String(payload.role), clientId: payload.clientId === null || payload.clientId === undefined ? null : String(payload.clientId) });
    },
  },
  {
    kind: ROLE_APPROVAL_KIND,
    approverRoles: ACCOUNT_APPROVERS,
    execute: async (tx, payload) => {
      await applyRoleChange(tx, String(payload.userId), String(payload.role));
    },
  },
];

export interface CreateUserInput {
  email: string;
  name: string;
  role: string;
  clientId?: string | null;
  /** Omitted for invited users, who choose theirs from the invitation link. */
  password?: string;
}

function validateNewAccount(input: Omit<CreateUserInput, 'password'>): { email: string; name: string; role: FirmRole } {
  const email = normalizeEmail(input.email);
  assertEmail(email);
  assertRole(input.role);
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) throw new AppError('VALIDATION_FAILED', 'Name is required', [{ path: 'body.name', message: 'must be 1–200 characters' }]);
  if (input.role === 'client' && !input.clientId) throw new AppError('VALIDATION_FAILED', 'A client account needs the client it belongs to', [{ path: 'body.clientId', message: 'is required for the client role' }]);
  return { email, name, role: input.role };
}

/** Throws VALIDATION_FAILED, PASSWORD_TOO_WEAK, USER_EXISTS. */
export async function createUser(ctx: RequestContext, input: CreateUserInput, action = 'user.create'): Promise<UserView> {
  const { email, name } = validateNewAccount(input);
  if (input.password !== undefined) await assertPasswordStrength(input.password, [email, name]);
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : null;
  return inTransaction(ctx, async (tx) => {
    const now = tx.app.clock.now();
    if (await findUserByEmail(tx.db, email)) throw new AppError('USER_EXISTS', 'An account with this email already exists', [{ path: 'body.email', message: 'is already used' }]);
    const row: UserRow = {
      id: newId(now),
      email,
      name,
      search_text: foldForSearch(`${name} ${email}`),
      role: input.role,
      client_id: input.role === 'client' ? (input.clientId ?? null) : null,
      password_hash: passwordHash,
      password_changed_at: passwordHash ? now : null,
      disabled_at: null,
      leaving_on: null,
      created_at: now,
      updated_at: now,
    };
    await insertUser(tx.db, row);
    await recordEvent(tx, { action, outcome: 'allowed', reason: input.role, resources: { userId: row.id } });
    return presentUser(row, now);
  });
}

export async function getUserById(ctx: RequestContext, id: string): Promise<UserView> {
  const row = await findUserById(ctx.db, id);
  if (!row) throw new AppError('USER_NOT_FOUND', 'No such user');
  return presentUser(row, ctx.app.clock.now());
}

export async function findUserByEmailAddress(ctx: RequestContext, email: string): Promise<UserView | null> {
  const row = await findUserByEmail(ctx.db, normalizeEmail(email));
  return row ? presentUser(row, ctx.app.clock.now()) : null;
}

export async function listUsers(ctx: RequestContext): Promise<UserView[]> {
  const now = ctx.app.clock.now();
  return (await listUserRows(ctx.db)).map((row) => presentUser(row, now));
}

export async function getUsersByIds(ctx: RequestContext, ids: string[]): Promise<UserView[]> {
  const now = ctx.app.clock.now();
  return (await findUsersByIds(ctx.db, ids)).map((row) => presentUser(row, now));
}

// ---- people search (pickers)

/** Lower case without accents, so "zoe" finds "Zoë" (the user-search migration folds the same way). */
export function foldForSearch(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

const STAFF_ROLES: readonly FirmRole[] = FIRM_ROLES.filter((role) => role !== 'client');

export interface PersonMatch {
  id: string;
  name: string;
  email: string;
  role: FirmRole;
  status: 'active' | 'leaving';
}

/**
 * Staff whose name or email contains the query (case and accents ignored), for the pickers that
 * add a person to a team, a wall or an approval: any signed-in staff member may search; disabled
 * accounts never appear. A client-portal account is refused, and the refusal audited.
 * Throws UNAUTHENTICATED, FORBIDDEN, VALIDATION_FAILED.
 */
export async function searchPeople(ctx: RequestContext, query: string, limit = 20): Promise<PersonMatch[]> {
  const actor = requireUser(ctx);
  if (actor.role === 'client') {
    const error = new AppError('FORBIDDEN', 'Only staff search the firm’s people');
    const outside: RequestContext = { ...ctx, db: ctx.app.database.db };
    error.afterRollback = async () => {
      await recordEvent(outside, { action: 'people.search', outcome: 'denied', reason: 'CLIENT_ACCOUNT' });
    };
    throw error;
  }
  const folded = foldForSearch(query.trim());
  if (folded.length === 0) throw new AppError('VALIDATION_FAILED', 'Type part of a name or email address', [{ path: 'body.query', message: 'must not be blank' }]);
  const now = ctx.app.clock.now();
  const rows = await searchUsers(ctx.db, { folded, roles: STAFF_ROLES, now, limit });
  return rows.map((row) => {
    const view = presentUser(row, now);
    return { id: view.id, name: view.name, email: view.email, role: view.role, status: view.status === 'leaving' ? 'leaving' : 'active' };
  });
}

// ---- sign-in

export interface SignInResult {
  user: UserView;
  session: NewSession;
}

/**
 * Password sign-in. Unknown accounts, wrong passwords and disabled accounts all answer
 * INVALID_CREDENTIALS after the same argon2 work; locked counters answer ACCOUNT_LOCKED whether
 * or not the account exists (counters are keyed by the email given).
 */
export async function signInWithPassword(ctx: RequestContext, emailInput: string, password: string): Promise<SignInResult> {
  const email = normalizeEmail(emailInput);
  // Counted before argon2 runs, so parallel guesses cannot all slip past the limit.
  const attempt = await reserveAttempt(ctx, 'password', email);
  const user = await findUserByEmail(ctx.db, email);
  let ok = false;
  if (user && user.password_hash) ok = await verifyPassword(user.password_hash, password);
  else await burnPasswordTime(password);
  const now = ctx.app.clock.now();
  if (!user || !ok || !isUserActive(user, now)) {
    await inTransaction(ctx, async (tx) => {
      await recordEvent(tx, { action: 'user.sign_in', outcome: 'denied', reason: !user ? 'UNKNOWN_ACCOUNT' : !ok ? 'BAD_PASSWORD' : 'DISABLED', ...(user ? { resources: { userId: user.id } } : {}) });
      if (attempt.lockedAccount) await recordEvent(tx, { action: 'user.lockout', outcome: 'denied', reason: 'PASSWORD', ...(user ? { resources: { userId: user.id } } : {}) });
    });
    throw new AppError('INVALID_CREDENTIALS', 'Wrong email or password');
  }
  return inTransaction(ctx, async (tx) => {
    await releaseAttempt(tx, attempt);
    const session = await createSession(tx, user, 'password');
    await recordEvent({ ...tx, actor: { kind: 'user', userId: user.id as never, role: user.role as FirmRole, clientId: null, sessionId: session.sessionId, tokenId: null, mfaAt: null } }, {
      action: 'user.sign_in',
      outcome: 'allowed',
      reason: 'PASSWORD',
      resources: { userId: user.id, other: { type: 'session', id: session.sessionId } },
    });
    return { user: presentUser(user, now), session };
  });
}

/**
 * Changes the signed-in user's password; the user's other sessions and every API token end (a
 * token minted by whoever knew the old password must not survive the change).
 * Throws INVALID_CREDENTIALS, PASSWORD_TOO_WEAK, ACCOUNT_LOCKED.
 */
export async function changePassword(ctx: RequestContext, currentPassword: string, newPassword: string): Promise<void> {
  const actor = requireUser(ctx);
  const user = await findUserById(ctx.db, actor.userId);
  if (!user) throw new AppError('UNAUTHENTICATED');
  const attempt = await reserveAttempt(ctx, 'password', user.email);
  if (!user.password_hash || !(await verifyPassword(user.password_hash, currentPassword))) {
    await inTransaction(ctx, async (tx) => {
      await recordEvent(tx, { action: 'user.password_change', outcome: 'denied', reason: 'BAD_PASSWORD', resources: { userId: user.id } });
      if (attempt.lockedAccount) await recordEvent(tx, { action: 'user.lockout', outcome: 'denied', reason: 'PASSWORD', resources: { userId: user.id } });
    });
    throw new AppError('INVALID_CREDENTIALS', 'Current password is wrong', [{ path: 'body.currentPassword', message: 'is wrong' }]);
  }
  await releaseAttempt(ctx, attempt);
  await assertPasswordStrength(newPassword, [user.email, user.name], 'body.newPassword');
  const hash = await hashPassword(newPassword);
  await inTransaction(ctx, async (tx) => {
    const now = tx.app.clock.now();
    await updateUser(tx.db, user.id, { password_hash: hash, password_changed_at: now, updated_at: now });
    const sessions = await revokeSessionsOfUser(tx.db, user.id, now, 'PASSWORD_CHANGE', actor.sessionId);
    const tokens = await revokeTokensOfUser(tx.db, user.id, now);
    await recordEvent(tx, { action: 'user.password_change', outcome: 'allowed', reason: `${sessions}s:${tokens}t`, resources: { userId: user.id } });
  });
}

/** True when the firm sets a maximum password age and this user's password is older. */
export async function isPasswordExpired(ctx: RequestContext, userId: string): Promise<boolean> {
  const days = ctx.app.config.identity.passwordMaxAgeDays;
  if (days === 0) return false;
  const user = await findUserById(ctx.db, userId);
  return !!user?.password_changed_at && ctx.app.clock.now() - user.password_changed_at > days * 86_400_000;
}

// ---- first administrator

/** Creates the one-time setup token while no administrator exists; returns it (shown once). */
export async function createSetupToken(ctx: RequestContext): Promise<string | null> {
  return inTransaction(ctx, async (tx) => {
    if ((await countActiveAdmins(tx.db)) > 0) return null;
    const now = tx.app.clock.now();
    for (const link of await findUnusedLinks(tx.db, 'setup')) await useLink(tx.db, link.id, now);
    const token = newSecret();
    await insertLink(tx.db, { id: newId(now), purpose: 'setup', user_id: null, token_hash: hashSecret(token), created_at: now, expires_at: null, used_at: null });
    return token;
  });
}

export async function isSetupPending(ctx: RequestContext): Promise<boolean> {
  return (await countActiveAdmins(ctx.db)) === 0;
}

/** Uses the setup token once to create the first administrator and sign them in. Throws SETUP_ALREADY_DONE, SETUP_TOKEN_INVALID. */
export async function completeSetup(ctx: RequestContext, input: { token: string; email: string; name: string; password: string }): Promise<SignInResult> {
  if (!(await isSetupPending(ctx))) throw new AppError('SETUP_ALREADY_DONE', 'An administrator already exists; sign in instead');
  const link = await findLinkByHash(ctx.db, hashSecret(input.token));
  if (!link || link.purpose !== 'setup' || link.used_at !== null) throw new AppError('SETUP_TOKEN_INVALID', 'This setup link is not valid; restart the server for a new one');
  await assertPasswordStrength(input.password, [input.email, input.name]);
  return inTransaction(ctx, async (tx) => {
    if (!(await useLink(tx.db, link.id, tx.app.clock.now()))) throw new AppError('SETUP_TOKEN_INVALID', 'This setup link was already used');
    const user = await createUser(tx, { email: input.email, name: input.name, role: 'firm_admin', password: input.password }, 'user.setup');
    const session = await createSession(tx, { id: user.id, role: user.role }, 'setup');
    return { user, session };
  });
}

// ---- invitations

/** Creates an account without a password and mails a one-time link to choose one. Returns the link for the outbox case. */
/**
 * Invites a person (administrators). Files it for a second person's approval unless nobody else
 * could approve. Throws FORBIDDEN, VALIDATION_FAILED, USER_EXISTS.
 */
export async function inviteUser(ctx: RequestContext, input: Omit<CreateUserInput, 'password'>): Promise<{ user: UserView; delivered: 'smtp' | 'outbox' } | { approval: ApprovalView }> {
  requireAdmin(ctx);
  const { email, name, role } = validateNewAccount(input);
  if (await findUserByEmail(ctx.db, email)) throw new AppError('USER_EXISTS', 'An account with this email already exists', [{ path: 'body.email', message: 'is already used' }]);
  const approval = await approvalFor(ctx, INVITE_APPROVAL_KIND, { email, name, role, clientId: role === 'client' ? (input.clientId ?? null) : null }, null);
  return approval ? { approval } : sendInvitation(ctx, input);
}

/** Creates the invited account and mails its link (the approved or unopposed invitation). */
async function sendInvitation(ctx: RequestContext, input: Omit<CreateUserInput, 'password'>): Promise<{ user: UserView; delivered: 'smtp' | 'outbox' }> {
  const { user, token } = await inTransaction(ctx, async (tx) => {
    const created = await createUser(tx, { ...input }, 'user.invite');
    const now = tx.app.clock.now();
    const secret = newSecret();
    await insertLink(tx.db, { id: newId(now), purpose: 'invite', user_id: created.id, token_hash: hashSecret(secret), created_at: now, expires_at: now + INVITE_LIFETIME_MS, used_at: null });
    return { user: created, token: secret };
  });
  // The account and its invitation are committed: a mail server that is down must not lose the
  // link (a retry would hit USER_EXISTS), so a failed send goes to the outbox the administrator reads.
  return { user, delivered: await deliverMail(ctx, invitationMail(ctx, user, token, INVITE_LIFETIME_MS / 86_400_000), 'invitation') };
}

/**
 * A client's portal account: created without a password, its one-time link mailed (content-free
 * but for the firm's greeting). For the portal module, which has decided portal.manage on the
 * client before calling; `withAccount` writes its own rows in the same transaction. Throws
 * VALIDATION_FAILED, USER_EXISTS.
 */
export async function inviteClientAccount(
  ctx: RequestContext,
  input: { email: string; name: string; clientId: string },
  withAccount: (tx: RequestContext, user: UserView) => Promise<void>,
): Promise<{ user: UserView; delivered: 'smtp' | 'outbox' }> {
  validateNewAccount({ ...input, role: 'client' });
  const { user, token } = await inTransaction(ctx, async (tx) => {
    const created = await createUser(tx, { ...input, role: 'client' }, 'user.invite');
    const now = tx.app.clock.now();
    const secret = newSecret();
    await insertLink(tx.db, { id: newId(now), purpose: 'invite', user_id: created.id, token_hash: hashSecret(secret), created_at: now, expires_at: now + INVITE_LIFETIME_MS, used_at: null });
    await withAccount(tx, created);
    return { user: created, token: secret };
  });
  return { user, delivered: await deliverMail(ctx, portalInvitationMail(ctx, user, token, INVITE_LIFETIME_MS / 86_400_000), 'invitation') };
}

/** Disables a client's portal account and ends its sessions at once (for the portal module, after its own decision). Throws USER_NOT_FOUND. */
export async function disableClientAccount(ctx: RequestContext, userId: string): Promise<UserView> {
  const row = await getUserRow(ctx, userId);
  if (row.role !== 'client') throw new AppError('USER_NOT_FOUND', 'No such user');
  return disableUser(ctx, userId, 'PORTAL');
}

/**
 * Sends a new invitation link to a person who has not accepted theirs yet (administrators): the
 * earlier links stop working at once. Audited. Throws FORBIDDEN, USER_NOT_FOUND, CONFLICT (already
 * accepted, or the account is disabled).
 */
export async function resendInvitation(ctx: RequestContext, userId: string): Promise<{ user: UserView; delivered: 'smtp' | 'outbox' }> {
  requireAdmin(ctx);
  const { user, token } = await inTransaction(ctx, async (tx) => {
    const row = await getUserRow(tx, userId);
    const now = tx.app.clock.now();
    if (row.password_hash !== null) throw new AppError('CONFLICT', 'This person has already accepted their invitation');
    if (!isUserActive(row, now)) throw new AppError('CONFLICT', 'This account is disabled; enable it first');
    await expireLinksOfUser(tx.db, row.id, now, 'invite');
    const secret = newSecret();
    await insertLink(tx.db, { id: newId(now), purpose: 'invite', user_id: row.id, token_hash: hashSecret(secret), created_at: now, expires_at: now + INVITE_LIFETIME_MS, used_at: null });
    await recordEvent(tx, { action: 'user.invite_resend', outcome: 'allowed', resources: { userId: row.id } });
    return { user: presentUser(row, now), token: secret };
  });
  return { user, delivered: await deliverMail(ctx, invitationMail(ctx, user, token, INVITE_LIFETIME_MS / 86_400_000), 'invitation') };
}

/** Sets the invited user's password from the link and signs them in. Throws TOKEN_INVALID, PASSWORD_TOO_WEAK. */
export async function acceptInvite(ctx: RequestContext, token: string, password: string): Promise<SignInResult> {
  const link = await findLinkByHash(ctx.db, hashSecret(token));
  const now = ctx.app.clock.now();
  if (!link || link.purpose !== 'invite' || link.used_at !== null || (link.expires_at !== null && link.expires_at <= now) || !link.user_id) {
    throw new AppError('TOKEN_INVALID', 'This invitation link is not valid or has expired; ask your administrator for a new one');
  }
  const user = await findUserById(ctx.db, link.user_id);
  if (!user || !isUserActive(user, now)) throw new AppError('TOKEN_INVALID', 'This invitation link is not valid or has expired; ask your administrator for a new one');
  await assertPasswordStrength(password, [user.email, user.name]);
  const hash = await hashPassword(password);
  return inTransaction(ctx, async (tx) => {
    if (!(await useLink(tx.db, link.id, now))) throw new AppError('TOKEN_INVALID', 'This invitation link was already used');
    await updateUser(tx.db, user.id, { password_hash: hash, password_changed_at: now, updated_at: now });
    const session = await createSession(tx, user, 'invite');
    await recordEvent(tx, { action: 'user.invite_accept', outcome: 'allowed', resources: { userId: user.id, other: { type: 'session', id: session.sessionId } } });
    return { user: presentUser({ ...user, password_hash: hash }, now), session };
  });
}

// ---- lifecycle (administrators)

export async function getUserRow(ctx: RequestContext, id: string): Promise<UserRow> {
  const row = await findUserById(ctx.db, id);
  if (!row) throw new AppError('USER_NOT_FOUND', 'No such user');
  return row;
}

/** Refuses to leave the firm without an enabled administrator. */
async function assertNotLastAdmin(ctx: RequestContext, user: UserRow): Promise<void> {
  if (user.role === 'firm_admin' && user.disabled_at === null && (await countActiveAdmins(ctx.db)) <= 1) {
    throw new AppError('CONFLICT', 'This is the last administrator; appoint another first');
  }
}

/**
 * Changes a person's role (administrators), after a second person's approval unless nobody else
 * could approve. Nobody changes their own role. Throws FORBIDDEN, USER_NOT_FOUND,
 * VALIDATION_FAILED, CONFLICT (last administrator), SEPARATION_OF_DUTIES.
 */
export async function changeRole(ctx: RequestContext, userId: string, role: string): Promise<UserView | { approval: ApprovalView }> {
  requireAdmin(ctx);
  assertRole(role);
  const user = await getUserRow(ctx, userId);
  if (user.role === role) return presentUser(user, ctx.app.clock.now());
  assertRoleChange(user, role);
  if (role !== 'firm_admin') await assertNotLastAdmin(ctx, user);
  if (ctx.actor.kind === 'user' && ctx.actor.userId === userId) throw new AppError('SEPARATION_OF_DUTIES', 'Nobody changes their own role; ask another administrator');
  const approval = await approvalFor(ctx, ROLE_APPROVAL_KIND, { userId, role }, userId);
  return approval ? { approval } : applyRoleChange(ctx, userId, role);
}

function assertRoleChange(user: UserRow, role: string): void {
  if (role === 'client' || user.role === 'client') throw new AppError('VALIDATION_FAILED', 'Client accounts and staff accounts cannot be converted into each other', [{ path: 'body.role', message: 'cannot convert between client and staff' }]);
}

async function applyRoleChange(ctx: RequestContext, userId: string, role: string): Promise<UserView> {
  assertRole(role);
  return inTransaction(ctx, async (tx) => {
    const user = await getUserRow(tx, userId);
    if (user.role === role) return presentUser(user, tx.app.clock.now());
    assertRoleChange(user, role);
    if (role !== 'firm_admin') await assertNotLastAdmin(tx, user);
    const now = tx.app.clock.now();
    await updateUser(tx.db, userId, { role, updated_at: now });
    // Sessions carry the role they were opened with in their MFA policy: end them so the new role applies at once.
    await revokeSessionsOfUser(tx.db, userId, now, 'ROLE_CHANGE');
    await recordEvent(tx, { action: 'user.role_change', outcome: 'allowed', reason: `${user.role}:${role}`, resources: { userId } });
    return presentUser({ ...user, role, updated_at: now }, now);
  });
}

export async function setLeavingDate(ctx: RequestContext, userId: string, leavingOn: number | null): Promise<UserView> {
  requireAdmin(ctx);
  return inTransaction(ctx, async (tx) => {
    const user = await getUserRow(tx, userId);
    if (leavingOn !== null) await assertNotLastAdmin(tx, user);
    const now = tx.app.clock.now();
    await updateUser(tx.db, userId, { leaving_on: leavingOn, updated_at: now });
    if (leavingOn !== null && leavingOn <= now) {
      await revokeSessionsOfUser(tx.db, userId, now, 'LEAVING');
      await revokeTokensOfUser(tx.db, userId, now);
    }
    await recordEvent(tx, { action: 'user.leaving', outcome: 'allowed', reason: leavingOn === null ? 'CLEARED' : 'SET', resources: { userId } });
    return presentUser({ ...user, leaving_on: leavingOn }, now);
  });
}

/** Disables the account and ends every session and token in the same transaction. */
export async function disableUser(ctx: RequestContext, userId: string, reason = 'ADMIN'): Promise<UserView> {
  if (reason === 'ADMIN') requireAdmin(ctx);
  return inTransaction(ctx, async (tx) => {
    const user = await getUserRow(tx, userId);
    const now = tx.app.clock.now();
    if (user.disabled_at !== null) return presentUser(user, now);
    await assertNotLastAdmin(tx, user);
    await updateUser(tx.db, userId, { disabled_at: now, updated_at: now });
    const sessions = await revokeSessionsOfUser(tx.db, userId, now, 'DISABLED');
    const tokens = await revokeTokensOfUser(tx.db, userId, now);
    await expireLinksOfUser(tx.db, userId, now);
    await recordEvent(tx, { action: 'user.disable', outcome: 'allowed', reason: `${reason}:${sessions}s:${tokens}t`, resources: { userId } });
    return presentUser({ ...user, disabled_at: now }, now);
  });
}

/** Enables an account again: the firm administrator, or (reason `INCIDENT`) the reversal of an incident's containment, decided by the incidents module. */
export async function enableUser(ctx: RequestContext, userId: string, reason: 'ADMIN' | 'INCIDENT' = 'ADMIN'): Promise<UserView> {
  if (reason === 'ADMIN') requireAdmin(ctx);
  return inTransaction(ctx, async (tx) => {
    const user = await getUserRow(tx, userId);
    const now = tx.app.clock.now();
    const leavingOn = user.leaving_on !== null && user.leaving_on <= now ? null : user.leaving_on;
    await updateUser(tx.db, userId, { disabled_at: null, leaving_on: leavingOn, updated_at: now });
    await recordEvent(tx, { action: 'user.enable', outcome: 'allowed', reason, resources: { userId } });
    return presentUser({ ...user, disabled_at: null, leaving_on: leavingOn }, now);
  });
}

/**
 * Containment ordered by an audit monitoring rule: every session and API token of the user ends
 * now (they must sign in again, with their second factor). The account stays enabled.
 */
export async function containUser(ctx: RequestContext, userId: string, reason: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const now = tx.app.clock.now();
    const sessions = await revokeSessionsOfUser(tx.db, userId, now, 'CONTAINED');
    const tokens = await revokeTokensOfUser(tx.db, userId, now);
    await recordEvent(tx, { action: 'user.contain', outcome: 'allowed', reason: `${reason}:${sessions}s:${tokens}t`, resources: { userId } });
  });
}

export { isMfaRequired };
