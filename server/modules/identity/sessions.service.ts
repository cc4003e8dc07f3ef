/**
 * Server-side sessions and the authentication hook: session cookie (with double-submit CSRF) or
 * bearer API token → Actor. Only hashes of cookie secrets, CSRF tokens and API tokens are stored.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FirmRole } from '../../../common/roles.js';
import type { ClientId, UserId } from '../../../common/ids.js';
import type { Actor, AppServices, RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { sendError } from '../../platform/http/error-handler.js';
import { newId } from '../../platform/ids.js';
import { recordEvent } from '../../audit/index.js';
import { findLiveSessions, findSessionById, findSessionBySecretHash, findSessionWithUser, findTokenWithUser, hasConfirmedFactor, insertSession, revokeSessionsOfUser, revokeTokensOfUser, updateSession, updateToken } from './identity.repository.js';
import { isUserActive, presentSession, type SessionView } from './identity.presenter.js';
import type { SessionRow, UserRow } from './identity.tables.js';
import { hashSecret, newSecret } from './secrets.js';

export const SESSION_COOKIE = 'confidant_session';
export const CSRF_COOKIE = 'confidant_csrf';
export const CSRF_HEADER = 'x-csrf-token';
export const TOKEN_PREFIX = 'cft_';

// Writes of last-seen times are coalesced: at most one per session (or token) per 30 seconds.
const TOUCH_INTERVAL_MS = 30_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The `mfaAt` of an actor behind an MFA-complete API token: not null (the token was issued after a
 * second factor, so gates asking "did this actor complete MFA" pass) but the epoch, so every "was
 * the factor recent" check — step-up here, or any copy of the rule elsewhere — finds it stale. A
 * token is automation: it can never answer a step-up prompt, so it never counts as one.
 */
export const TOKEN_MFA_AT = 0;

export type SignInMethod = 'password' | 'setup' | 'invite' | 'oidc' | 'passkey' | 'reset';

export interface NewSession {
  sessionId: string;
  secret: string;
  csrfToken: string;
  mfaRequired: boolean;
  mfaAt: number | null;
}

/**
 * Staff need MFA when the firm policy says so; a client's portal contact always (a password alone
 * never opens a client's data from outside the firm); anyone who enrolled a factor must use it.
 */
export async function isMfaRequired(ctx: RequestContext, user: Pick<UserRow, 'id' | 'role'>): Promise<boolean> {
  if (user.role === 'client' || ctx.app.config.identity.mfaRequiredForStaff) return true;
  return hasConfirmedFactor(ctx.db, user.id);
}

export async function createSession(ctx: RequestContext, user: Pick<UserRow, 'id' | 'role'>, method: SignInMethod, mfaAt: number | null = null): Promise<NewSession> {
  const now = ctx.app.clock.now();
  const secret = newSecret();
  const csrfToken = newSecret();
  const mfaRequired = await isMfaRequired(ctx, user);
  const sessionId = newId(now);
  await insertSession(ctx.db, {
    id: sessionId,
    user_id: user.id,
    secret_hash: hashSecret(secret),
    csrf_hash: hashSecret(csrfToken),
    method,
    mfa_required: mfaRequired ? 1 : 0,
    mfa_at: mfaAt,
    created_at: now,
    last_seen_at: now,
    expires_at: now + ctx.app.config.session.absoluteHours * 3_600_000,
    revoked_at: null,
    revoked_reason: null,
    ip: ctx.ip,
    user_agent: ctx.userAgent,
  });
  return { sessionId, secret, csrfToken, mfaRequired, mfaAt };
}

export function setSessionCookies(services: AppServices, reply: FastifyReply, session: Pick<NewSession, 'secret' | 'csrfToken'>): void {
  const secure = services.config.tls !== null || services.config.publicUrl.startsWith('https:');
  const maxAge = services.config.session.absoluteHours * 3600;
  reply.setCookie(SESSION_COOKIE, session.secret, { path: '/', httpOnly: true, sameSite: 'strict', secure, maxAge });
  // Readable by the web app, which echoes it in x-csrf-token (double submit).
  reply.setCookie(CSRF_COOKIE, session.csrfToken, { path: '/', httpOnly: false, sameSite: 'strict', secure, maxAge });
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}

/** Marks the current session as having completed a second factor now (sign-in or step-up). */
export async function markSessionMfa(ctx: RequestContext, sessionId: string): Promise<number> {
  const now = ctx.app.clock.now();
  await updateSession(ctx.db, sessionId, { mfa_at: now, last_seen_at: now });
  return now;
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1]! : '';
}

/**
 * The authentication hook's implementation (see index.ts). Invalid credentials on a public route
 * are ignored (the route runs anonymously); on other routes they end in 401.
 */
export async function authenticate(
  services: AppServices,
  request: FastifyRequest,
  reply: FastifyReply,
  route: { isPublic: boolean; allowWithoutMfa: boolean },
): Promise<Actor | null> {
  const db = services.database.db;
  const now = services.clock.now();
  const token = bearerToken(request);
  if (token !== null) {
    const row = token.startsWith(TOKEN_PREFIX) ? await findTokenWithUser(db, hashSecret(token)) : undefined;
    // A public route runs anonymously; elsewhere the /api hook says what is wrong with the token
    // (API_TOKEN_INVALID, RFC 6750) once the rate limit has counted the request against the address.
    if (!row || row.revoked_at !== null || row.expires_at <= now || !isUserActive(row, now)) return null;
    const actor: Actor = {
      kind: 'user',
      userId: row.user_id as UserId,
      role: row.role as FirmRole,
      clientId: row.client_id as ClientId | null,
      sessionId: null,
      tokenId: row.id,
      // Never a fresh factor (see TOKEN_MFA_AT): a token does not satisfy step-up, however made.
      mfaAt: row.mfa_complete === 1 ? TOKEN_MFA_AT : null,
    };
    const scopes = JSON.parse(row.scopes) as string[];
    if (!scopes.includes('api') && !(scopes.includes('read') && SAFE_METHODS.has(request.method))) {
      if (route.isPublic) return null;
      await auditHookDenial(request, actor, 'auth.token_scope', 'TOKEN_SCOPE');
      sendError(reply, request, 'FORBIDDEN', 'This API token may not do that');
      return null;
    }
    if (row.mfa_complete !== 1 && !route.allowWithoutMfa && !route.isPublic) {
      const required = await isMfaRequired(request.ctx, { id: row.user_id, role: row.role });
      if (required) {
        await auditHookDenial(request, actor, 'auth.mfa_required', 'TOKEN_WITHOUT_MFA');
        sendError(reply, request, 'MFA_REQUIRED', 'This token was not created with a second factor');
        return null;
      }
    }
    if (row.last_used_at === null || now - row.last_used_at > TOUCH_INTERVAL_MS) await updateToken(db, row.id, { last_used_at: now });
    return actor;
  }

  const secret = request.cookies[SESSION_COOKIE];
  if (!secret) return null;
  const session = await findSessionWithUser(db, hashSecret(secret));
  const idleMs = services.config.session.idleMinutes * 60_000;
  if (!session || session.revoked_at !== null || session.expires_at <= now || session.last_seen_at <= now - idleMs || !isUserActive(session, now)) {
    // A session someone else ended keeps its cookie until the sign-in page has said why (GET /auth/session/ended).
    if (!route.isPublic && !(session && isToldEnding(session))) clearSessionCookies(reply);
    return null;
  }
  const actor: Actor = {
    kind: 'user',
    userId: session.user_id as UserId,
    role: session.role as FirmRole,
    clientId: session.client_id as ClientId | null,
    sessionId: session.id,
    tokenId: null,
    mfaAt: session.mfa_at,
  };
  if (!SAFE_METHODS.has(request.method)) {
    const header = request.headers[CSRF_HEADER];
    const cookie = request.cookies[CSRF_COOKIE];
    if (typeof header !== 'string' || !cookie || header !== cookie || hashSecret(header) !== session.csrf_hash) {
      await auditHookDenial(request, actor, 'auth.csrf', !header ? 'CSRF_MISSING' : 'CSRF_MISMATCH');
      sendError(reply, request, 'CSRF_FAILED', 'Missing or wrong CSRF token; reload the page');
      return null;
    }
  }
  if (session.mfa_required === 1 && session.mfa_at === null && !route.allowWithoutMfa && !route.isPublic) {
    await auditHookDenial(request, actor, 'auth.mfa_required', 'SESSION_WITHOUT_MFA');
    sendError(reply, request, 'MFA_REQUIRED', 'Complete your second factor first');
    return null;
  }
  if (now - session.last_seen_at > TOUCH_INTERVAL_MS) await updateSession(db, session.id, { last_seen_at: now });
  return actor;
}

/**
 * Records a refusal made by the hook itself. Only for an identified actor (a live session or
 * token), so an anonymous flood with made-up cookies writes nothing: every row traces to an
 * account. The request is refused whether or not the event could be written (the failure to write
 * is logged by the audit module), so an unavailable log never turns a denial into a pass.
 */
async function auditHookDenial(request: FastifyRequest, actor: Actor, action: string, reason: string): Promise<void> {
  const ctx: RequestContext = { ...request.ctx, actor };
  const userId = actor.kind === 'user' ? actor.userId : undefined;
  try {
    await recordEvent(ctx, { action, outcome: 'denied', reason, ...(userId ? { resources: { userId } } : {}) });
  } catch {
    // Already logged by recordEvent; the refusal stands.
  }
}

export function requireUser(ctx: RequestContext): Extract<Actor, { kind: 'user' }> {
  if (ctx.actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', 'Sign in first');
  return ctx.actor;
}

export async function listSessions(ctx: RequestContext, userId: string): Promise<SessionView[]> {
  const rows = await findLiveSessions(ctx.db, userId, ctx.app.clock.now(), ctx.app.config.session.idleMinutes * 60_000);
  const current = ctx.actor.kind === 'user' ? ctx.actor.sessionId : null;
  return rows.map((row) => presentSession(row, current));
}

/** Ends one session of `userId`. Throws NOT_FOUND when it is not theirs or already ended. */
export async function revokeSession(ctx: RequestContext, userId: string, sessionId: string, reason: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const session = await findSessionById(tx.db, sessionId);
    if (!session || session.user_id !== userId || session.revoked_at !== null) throw new AppError('NOT_FOUND', 'No such session');
    await updateSession(tx.db, sessionId, { revoked_at: tx.app.clock.now(), revoked_reason: reason });
    await recordEvent(tx, { action: 'session.revoke', outcome: 'allowed', reason, resources: { userId, other: { type: 'session', id: sessionId } } });
  });
}

/**
 * "Sign out everywhere else" (or an administrator's "end all sessions"): ends the sessions and
 * every API token of `userId` — a token minted from a stolen session must not outlive this.
 * Returns the number of sessions ended.
 */
export async function revokeAllSessions(ctx: RequestContext, userId: string, reason: string, exceptCurrent: boolean): Promise<number> {
  return inTransaction(ctx, async (tx) => {
    const except = exceptCurrent && tx.actor.kind === 'user' ? tx.actor.sessionId : null;
    const now = tx.app.clock.now();
    const count = await revokeSessionsOfUser(tx.db, userId, now, reason, except);
    const tokens = await revokeTokensOfUser(tx.db, userId, now);
    await recordEvent(tx, { action: 'session.revoke_all', outcome: 'allowed', reason: `${reason}:${count}s:${tokens}t`, resources: { userId } });
    return count;
  });
}

// ---- why did my session end?

export type SessionEnding = 'administrator' | 'security' | 'password_reset' | 'mfa_reset' | 'role_change';

/** Endings a person is told about at the sign-in page (their own sign-out, a timeout, a disabled account are not). */
const TOLD: Record<string, SessionEnding> = {
  ADMIN: 'administrator',
  CONTAINED: 'security',
  PASSWORD_RESET: 'password_reset',
  MFA_RESET: 'mfa_reset',
  ROLE_CHANGE: 'role_change',
};

/** Whether the sign-in page will explain this ended session (the hook then leaves its cookie for it). */
export function isToldEnding(session: Pick<SessionRow, 'revoked_at' | 'revoked_reason'>): boolean {
  return session.revoked_at !== null && session.revoked_reason !== null && Object.hasOwn(TOLD, session.revoked_reason);
}

/**
 * Why the session behind this browser's cookie ended, when someone else ended it: only the holder
 * of the cookie learns it, and only the time and the kind of reason. Null otherwise.
 */
export async function findSessionEnding(ctx: RequestContext, cookieSecret: string | undefined): Promise<{ endedAt: number; reason: SessionEnding } | null> {
  if (!cookieSecret) return null;
  const session = await findSessionBySecretHash(ctx.db, hashSecret(cookieSecret));
  if (!session || !isToldEnding(session) || session.expires_at <= ctx.app.clock.now()) return null;
  return { endedAt: session.revoked_at!, reason: TOLD[session.revoked_reason!]! };
}
