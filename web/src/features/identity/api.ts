// The identity API as the web app sees it: calls through the generated client, shapes from the
// generated schema (server/modules/identity/identity.schemas.ts is the source of both).
import { api, data } from '../../api/client';
import type { RequestBody, ResponseBody } from '../../api/types';
import type { PendingApproval } from '../access/api';

export type SessionState = ResponseBody<'/api/v1/auth/session', 'get'>;
export type User = ResponseBody<'/api/v1/users/{id}', 'get'>;
export type Role = User['role'];
export const ROLE_LABELS: Record<Role, string> = {
  firm_admin: 'Firm administrator',
  compliance_officer: 'Compliance officer',
  attorney: 'Attorney',
  paralegal: 'Paralegal',
  staff: 'Staff',
  client: 'Client',
};
export type SessionInfo = ResponseBody<'/api/v1/auth/sessions', 'get'>['sessions'][number];
export type TokenInfo = ResponseBody<'/api/v1/auth/tokens', 'get'>['tokens'][number];
export type TokenScope = RequestBody<'/api/v1/auth/tokens', 'post'>['scopes'][number];
export type ResetFactors = ResponseBody<'/api/v1/auth/password-reset/inspect', 'post'>['factors'];
export type ResetCompletion = RequestBody<'/api/v1/auth/password-reset/complete', 'post'>;
export type SessionEnding = NonNullable<ResponseBody<'/api/v1/auth/session/ended', 'get'>['ended']>;

/** Whether a call answered 202: filed for a second person's approval instead of made now. */
export function isPendingApproval(result: object): result is PendingApproval {
  return 'approval' in result;
}

const path = (id: string) => ({ params: { path: { id } } });

export const identityApi = {
  session: () => data(api.GET('/api/v1/auth/session')),
  oidc: () => data(api.GET('/api/v1/auth/oidc')),
  setupStatus: () => data(api.GET('/api/v1/auth/setup')),
  setup: (body: RequestBody<'/api/v1/auth/setup', 'post'>) => data(api.POST('/api/v1/auth/setup', { body })),
  signIn: (email: string, password: string) => data(api.POST('/api/v1/auth/sign-in', { body: { email, password } })),
  signOut: () => data(api.POST('/api/v1/auth/sign-out')),
  sessionEnded: () => data(api.GET('/api/v1/auth/session/ended')),
  requestPasswordReset: (email: string) => data(api.POST('/api/v1/auth/password-reset', { body: { email } })),
  inspectPasswordReset: (token: string) => data(api.POST('/api/v1/auth/password-reset/inspect', { body: { token } })),
  passwordResetPasskeyOptions: (token: string) => data(api.POST('/api/v1/auth/password-reset/passkey-options', { body: { token } })),
  completePasswordReset: (body: ResetCompletion) => data(api.POST('/api/v1/auth/password-reset/complete', { body })),
  acceptInvite: (token: string, password: string) => data(api.POST('/api/v1/auth/invite/accept', { body: { token, password } })),
  verifyTotp: (code: string) => data(api.POST('/api/v1/auth/mfa/totp/verify', { body: { code } })),
  verifyRecovery: (code: string) => data(api.POST('/api/v1/auth/mfa/recovery', { body: { code } })),
  totpSetup: () => data(api.POST('/api/v1/auth/mfa/totp/setup')),
  totpConfirm: (code: string) => data(api.POST('/api/v1/auth/mfa/totp/confirm', { body: { code } })),
  removeTotp: () => data(api.DELETE('/api/v1/auth/mfa/totp')),
  newRecoveryCodes: () => data(api.POST('/api/v1/auth/mfa/recovery-codes')),
  passkeys: () => data(api.GET('/api/v1/auth/passkeys')),
  passkeyRegistrationOptions: () => data(api.POST('/api/v1/auth/passkeys/registration/options')),
  passkeyRegister: (response: unknown, name: string) => data(api.POST('/api/v1/auth/passkeys/registration/verify', { body: { response, name } as RequestBody<'/api/v1/auth/passkeys/registration/verify', 'post'> })),
  passkeyAuthenticationOptions: () => data(api.POST('/api/v1/auth/passkeys/authentication/options')),
  passkeyAuthenticate: (response: unknown) => data(api.POST('/api/v1/auth/passkeys/authentication/verify', { body: { response } as RequestBody<'/api/v1/auth/passkeys/authentication/verify', 'post'> })),
  removePasskey: (id: string) => data(api.DELETE('/api/v1/auth/passkeys/{id}', path(id))),
  changePassword: (currentPassword: string, newPassword: string) => data(api.POST('/api/v1/auth/password', { body: { currentPassword, newPassword } })),
  sessions: () => data(api.GET('/api/v1/auth/sessions')),
  revokeSession: (id: string) => data(api.DELETE('/api/v1/auth/sessions/{id}', path(id))),
  revokeOtherSessions: () => data(api.POST('/api/v1/auth/sessions/revoke-others')),
  tokens: () => data(api.GET('/api/v1/auth/tokens')),
  createToken: (name: string, scopes: TokenScope[], expiresInDays: number) => data(api.POST('/api/v1/auth/tokens', { body: { name, scopes, expiresInDays } })),
  revokeToken: (id: string) => data(api.DELETE('/api/v1/auth/tokens/{id}', path(id))),
  users: () => data(api.GET('/api/v1/users')),
  /** 201 `{user, delivered}`, or 202 `{approval}` when a second person must approve the new account. */
  invite: (body: RequestBody<'/api/v1/users', 'post'>) => data(api.POST('/api/v1/users', { body })),
  /** The user, or `{approval}` (202) when a role change waits for a second person (a leaving date is applied at once). */
  updateUser: (id: string, body: RequestBody<'/api/v1/users/{id}', 'patch'>) => data(api.PATCH('/api/v1/users/{id}', { ...path(id), body })),
  disableUser: (id: string) => data(api.POST('/api/v1/users/{id}/disable', path(id))),
  enableUser: (id: string) => data(api.POST('/api/v1/users/{id}/enable', path(id))),
  userSessions: (id: string) => data(api.GET('/api/v1/users/{id}/sessions', path(id))),
  /** A new invitation link for someone who has not accepted theirs (the old links stop working). */
  resendInvitation: (id: string) => data(api.POST('/api/v1/users/{id}/invitation', path(id))),
  /** The user (reset now), or `{approval}` (202) while a second person must approve the reset. */
  resetSecondFactor: (id: string) => data(api.POST('/api/v1/users/{id}/mfa-reset', path(id))),
  revokeAllUserSessions: (id: string) => data(api.POST('/api/v1/users/{id}/sessions/revoke-all', path(id))),
};
