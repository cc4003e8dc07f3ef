/**
 * API tokens: scoped, expiring (at most TOKEN_MAX_LIFETIME_DAYS), shown once, stored hashed,
 * revocable. A person mints one only from a signed-in session that has just confirmed a second
 * factor (step-up); the token itself never satisfies step-up (see step-up.ts).
 */
import type { RequestContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { recordEvent } from '../../audit/index.js';
import { findTokenById, findUserById, insertToken, listTokensOfUser, updateToken } from './identity.repository.js';
import { isUserActive, presentToken, type TokenView } from './identity.presenter.js';
import { hashSecret, newSecret } from './secrets.js';
import { TOKEN_PREFIX } from './sessions.service.js';
import { requireRecentMfa } from './step-up.js';

/** `api`: everything the user may do; `read`: GET requests only. */
export const TOKEN_SCOPES = ['api', 'read'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
const DAY_MS = 86_400_000;

/** The longest lifetime this instance allows (TOKEN_MAX_LIFETIME_DAYS). */
export function maxTokenLifetimeMs(ctx: RequestContext): number {
  return ctx.app.config.identity.tokenMaxLifetimeDays * DAY_MS;
}

export interface CreateTokenInput {
  userId: string;
  name: string;
  scopes: TokenScope[];
  expiresInMs: number;
  /** True for operator-issued tokens and tokens created from an MFA-complete session. */
  mfaComplete: boolean;
  /** Who issued it: `user`, `admin` or `cli`. */
  createdBy: string;
}

/**
 * Returns the token (shown once) and its view. A person (not the CLI or a job) needs a fresh
 * second factor in an interactive session and may only mint for themselves; a client's portal
 * account never mints one.
 * Throws STEP_UP_REQUIRED, FORBIDDEN, USER_NOT_FOUND, VALIDATION_FAILED.
 */
export async function createToken(ctx: RequestContext, input: CreateTokenInput): Promise<{ token: string; view: TokenView }> {
  if (ctx.actor.kind !== 'system') {
    if (ctx.actor.kind !== 'user' || ctx.actor.tokenId !== null || ctx.actor.userId !== input.userId) throw new AppError('FORBIDDEN', 'API tokens are created from your own signed-in session');
    requireRecentMfa(ctx);
  }
  const maxDays = ctx.app.config.identity.tokenMaxLifetimeDays;
  if (input.expiresInMs < 60_000 || input.expiresInMs > maxTokenLifetimeMs(ctx)) {
    throw new AppError('VALIDATION_FAILED', `Token lifetime must be between one minute and ${maxDays} days`, [{ path: 'body.expiresInDays', message: `must be between one minute and ${maxDays} days` }]);
  }
  return inTransaction(ctx, async (tx) => {
    const now = tx.app.clock.now();
    const user = await findUserById(tx.db, input.userId);
    if (!user || !isUserActive(user, now)) throw new AppError('USER_NOT_FOUND', 'No such active user');
    // A client's portal account works in the browser only: no credential that outlives its
    // session, whoever asks (the person, or an operator's CLI).
    if (user.role === 'client') throw new AppError('FORBIDDEN', 'Client portal accounts do not use API tokens');
    const token = newSecret(TOKEN_PREFIX);
    const row = {
      id: newId(now),
      user_id: user.id,
      name: input.name,
      secret_hash: hashSecret(token),
      scopes: JSON.stringify([...new Set(input.scopes)]),
      mfa_complete: input.mfaComplete ? 1 : 0,
      created_by: input.createdBy,
      created_at: now,
      expires_at: now + input.expiresInMs,
      last_used_at: null,
      revoked_at: null,
    };
    await insertToken(tx.db, row);
    await recordEvent(tx, { action: 'token.create', outcome: 'allowed', resources: { userId: user.id, other: { type: 'api_token', id: row.id } } });
    return { token, view: presentToken(row) };
  });
}

export async function listTokens(ctx: RequestContext, userId: string): Promise<TokenView[]> {
  const now = ctx.app.clock.now();
  return (await listTokensOfUser(ctx.db, userId)).filter((t) => t.expires_at > now).map(presentToken);
}

/** Throws NOT_FOUND when the token is not `userId`'s or already revoked. */
export async function revokeToken(ctx: RequestContext, userId: string, tokenId: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const token = await findTokenById(tx.db, tokenId);
    if (!token || token.user_id !== userId || token.revoked_at !== null) throw new AppError('NOT_FOUND', 'No such token');
    await updateToken(tx.db, tokenId, { revoked_at: tx.app.clock.now() });
    await recordEvent(tx, { action: 'token.revoke', outcome: 'allowed', resources: { userId, other: { type: 'api_token', id: tokenId } } });
  });
}

/** Parses `30m`, `1h`, `7d` into milliseconds (CLI). */
export function parseDuration(text: string): number | null {
  const match = /^(\d+)\s*(m|h|d)$/.exec(text.trim());
  if (!match) return null;
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
