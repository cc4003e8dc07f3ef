/** Explicit allowlists from rows to API shapes: hashes and secrets never leave this module. */
import type { FirmRole } from '../../../common/roles.js';
import type { ApiTokenRow, SessionRow, UserRow } from './identity.tables.js';

export type UserStatus = 'active' | 'leaving' | 'disabled';

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: FirmRole;
  clientId: string | null;
  status: UserStatus;
  leavingOn: number | null;
  /** Invited and has not chosen a password yet (the invitation can be resent). */
  invitationPending: boolean;
  createdAt: number;
}

/** Disabled, or past the leaving date: either way the account can no longer sign in. */
export function isUserActive(user: Pick<UserRow, 'disabled_at' | 'leaving_on'>, now: number): boolean {
  return user.disabled_at === null && (user.leaving_on === null || user.leaving_on > now);
}

export function userStatus(user: Pick<UserRow, 'disabled_at' | 'leaving_on'>, now: number): UserStatus {
  if (!isUserActive(user, now)) return 'disabled';
  return user.leaving_on !== null ? 'leaving' : 'active';
}

export function presentUser(user: UserRow, now: number): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role as FirmRole,
    clientId: user.client_id,
    status: userStatus(user, now),
    leavingOn: user.leaving_on,
    invitationPending: user.password_hash === null && user.disabled_at === null,
    createdAt: user.created_at,
  };
}

export interface SessionView {
  id: string;
  method: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  mfaCompleted: boolean;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export function presentSession(session: SessionRow, currentId: string | null): SessionView {
  return {
    id: session.id,
    method: session.method,
    createdAt: session.created_at,
    lastSeenAt: session.last_seen_at,
    expiresAt: session.expires_at,
    mfaCompleted: session.mfa_at !== null,
    ip: session.ip,
    userAgent: session.user_agent,
    current: session.id === currentId,
  };
}

export interface TokenView {
  id: string;
  name: string;
  scopes: string[];
  mfaComplete: boolean;
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number | null;
}

export function presentToken(token: ApiTokenRow): TokenView {
  return {
    id: token.id,
    name: token.name,
    scopes: JSON.parse(token.scopes) as string[],
    mfaComplete: token.mfa_complete === 1,
    createdAt: token.created_at,
    expiresAt: token.expires_at,
    lastUsedAt: token.last_used_at,
  };
}
