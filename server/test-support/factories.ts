/**
 * Factories for tests: people with roles, API tokens and browser-like sessions, built through
 * identity's public API (so they obey the same rules as real accounts).
 */
import type { FirmRole } from '../../common/roles.js';
import type { UserId } from '../../common/ids.js';
import { newId } from '../platform/ids.js';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, createToken, createUser, unsafeOpenSession } from '../modules/identity/index.js';
import type { TestInstance } from './test-instance.js';

/** A strong password every factory user has (tests may sign in with it). */
export const FACTORY_PASSWORD = 'correct horse battery staple 42';

export interface BuiltUser {
  id: UserId;
  email: string;
  name: string;
  role: FirmRole;
  clientId: string | null;
  password: string;
  /** An API token (scope `api`, 1 day) — MFA-complete unless `mfa: false`. */
  token: string;
  headers: { authorization: string };
}

let counter = 0;

export async function buildUser(
  instance: TestInstance,
  options: { role: FirmRole; name?: string; email?: string; mfa?: boolean; clientId?: string },
): Promise<BuiltUser> {
  counter += 1;
  const suffix = `${counter}-${newId().slice(-8)}`;
  const name = options.name ?? `Test ${options.role.replace('_', ' ')} ${suffix}`;
  const email = options.email ?? `${options.role}.${suffix}@firm.example`;
  const clientId = options.role === 'client' ? (options.clientId ?? newId()) : null;
  const ctx = instance.system('factory');
  const user = await createUser(ctx, { email, name, role: options.role, clientId, password: FACTORY_PASSWORD });
  const { token } = await createToken(ctx, { userId: user.id, name: 'factory', scopes: ['api'], expiresInMs: 86_400_000, mfaComplete: options.mfa ?? true, createdBy: 'cli' });
  return { id: user.id as UserId, email: user.email, name: user.name, role: user.role, clientId, password: FACTORY_PASSWORD, token, headers: { authorization: `Bearer ${token}` } };
}

export interface BuiltSession {
  sessionId: string;
  /** Send both on state-changing requests: the cookie header and the CSRF header. */
  headers: { cookie: string; 'x-csrf-token': string };
  cookie: string;
  csrfToken: string;
}

/** A browser-like session (cookie + CSRF header) for `user`, MFA completed unless `mfa: false`. */
export async function buildSession(instance: TestInstance, user: { id: string }, options: { mfa?: boolean } = {}): Promise<BuiltSession> {
  const session = await unsafeOpenSession(instance.system('factory'), user.id, { mfa: options.mfa ?? true });
  const cookie = `${SESSION_COOKIE}=${session.secret}; ${CSRF_COOKIE}=${session.csrfToken}`;
  return { sessionId: session.sessionId, cookie, csrfToken: session.csrfToken, headers: { cookie, [CSRF_HEADER]: session.csrfToken } as BuiltSession['headers'] };
}
