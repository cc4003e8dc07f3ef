// Typed calls to the identity API (server/modules/identity/identity.routes.ts).
import { del, get, patch, post } from '../../api/client';
import type { PendingApproval } from '../access/api';

export type Role = 'firm_admin' | 'compliance_officer' | 'attorney' | 'paralegal' | 'staff' | 'client';
export const ROLE_LABELS: Record<Role, string> = {
  firm_admin: 'Firm administrator',
  compliance_officer: 'Compliance officer',
  attorney: 'Attorney',
  paralegal: 'Paralegal',
  staff: 'Staff',
  client: 'Client',
};

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  clientId: string | null;
  status: 'active' | 'leaving' | 'disabled';
  leavingOn: number | null;
  createdAt: number;
}

/** Whether a call answered 202: filed for a second person's approval instead of made now. */
export function isPendingApproval(result: object): result is PendingApproval {
  return 'approval' in result;
}

export interface SessionState {
  user: User;
  session: { id: string | null; mfaRequired: boolean; mfaCompleted: boolean; mfaAt: number | null; passwordExpired: boolean };
  factors: { totp: boolean; passkeys: number; recoveryCodesLeft: number };
}

export interface SessionInfo {
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

export interface TokenInfo {
  id: string;
  name: string;
  scopes: string[];
  mfaComplete: boolean;
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number | null;
}

export const identityApi = {
  session: () => get<SessionState>('/auth/session'),
  oidc: () => get<{ enabled: boolean; label: string }>('/auth/oidc'),
  setupStatus: () => get<{ pending: boolean }>('/auth/setup'),
  setup: (body: { token: string; email: string; name: string; password: string }) => post<SessionState>('/auth/setup', body),
  signIn: (email: string, password: string) => post<SessionState>('/auth/sign-in', { email, password }),
  signOut: () => post<void>('/auth/sign-out'),
  acceptInvite: (token: string, password: string) => post<SessionState>('/auth/invite/accept', { token, password }),
  verifyTotp: (code: string) => post<SessionState>('/auth/mfa/totp/verify', { code }),
  verifyRecovery: (code: string) => post<SessionState>('/auth/mfa/recovery', { code }),
  totpSetup: () => post<{ secret: string; otpauthUrl: string; qrDataUrl: string }>('/auth/mfa/totp/setup'),
  totpConfirm: (code: string) => post<{ recoveryCodes: string[] }>('/auth/mfa/totp/confirm', { code }),
  removeTotp: () => del<void>('/auth/mfa/totp'),
  newRecoveryCodes: () => post<{ recoveryCodes: string[] }>('/auth/mfa/recovery-codes'),
  passkeys: () => get<{ passkeys: { id: string; name: string; createdAt: number; lastUsedAt: number | null }[] }>('/auth/passkeys'),
  passkeyRegistrationOptions: () => post<Record<string, unknown>>('/auth/passkeys/registration/options'),
  passkeyRegister: (response: unknown, name: string) => post<{ id: string; recoveryCodes: string[] }>('/auth/passkeys/registration/verify', { response, name }),
  passkeyAuthenticationOptions: () => post<Record<string, unknown>>('/auth/passkeys/authentication/options'),
  passkeyAuthenticate: (response: unknown) => post<SessionState>('/auth/passkeys/authentication/verify', { response }),
  removePasskey: (id: string) => del<void>(`/auth/passkeys/${id}`),
  changePassword: (currentPassword: string, newPassword: string) => post<void>('/auth/password', { currentPassword, newPassword }),
  sessions: () => get<{ sessions: SessionInfo[] }>('/auth/sessions'),
  revokeSession: (id: string) => del<void>(`/auth/sessions/${id}`),
  revokeOtherSessions: () => post<{ revoked: number }>('/auth/sessions/revoke-others'),
  tokens: () => get<{ tokens: TokenInfo[] }>('/auth/tokens'),
  createToken: (name: string, scopes: string[], expiresInDays: number) => post<{ token: string; info: TokenInfo }>('/auth/tokens', { name, scopes, expiresInDays }),
  revokeToken: (id: string) => del<void>(`/auth/tokens/${id}`),
  users: () => get<{ users: User[] }>('/users'),
  /** 201 `{user, delivered}`, or 202 `{approval}` when a second person must approve the new account. */
  invite: (body: { email: string; name: string; role: Role; clientId?: string }) => post<{ user: User; delivered: 'smtp' | 'outbox' } | PendingApproval>('/users', body),
  /** The user, or `{approval}` (202) when a role change waits for a second person (a leaving date is applied at once). */
  updateUser: (id: string, body: { role?: Role; leavingOn?: number | null }) => patch<User | PendingApproval>(`/users/${id}`, body),
  disableUser: (id: string) => post<User>(`/users/${id}/disable`),
  enableUser: (id: string) => post<User>(`/users/${id}/enable`),
  userSessions: (id: string) => get<{ sessions: SessionInfo[] }>(`/users/${id}/sessions`),
  revokeAllUserSessions: (id: string) => post<{ revoked: number }>(`/users/${id}/sessions/revoke-all`),
};
