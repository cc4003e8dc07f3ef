/**
 * identity: staff and client accounts, roles, passwords (argon2id), MFA (TOTP, passkeys),
 * server-side sessions with CSRF, API tokens, throttling, joiners/movers/leavers.
 * The only file other modules import.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, AppServices, RequestContext } from '../../platform/context.js';
import { systemContext } from '../../platform/context.js';
import type { ConfidantModule } from '../../platform/module.js';
import type { DirectoryUser } from '../../access/index.js';
import { identityRoutes } from './identity.routes.js';
import { authenticate } from './sessions.service.js';
import { ACCOUNT_APPROVAL_KINDS, containUser, createSetupToken, getUsersByIds, isSetupPending, listUsers } from './users.service.js';
import { MFA_RESET_APPROVAL, requestMfaReset, settleIdentityBackground } from './recovery.service.js';
import { AppError } from '../../platform/errors.js';
import type { UserView } from './identity.presenter.js';
import { IDENTITY_SWEEP_INTERVAL_MS, JOB_IDENTITY_SWEEP, sweepIdentityRows } from './sweep.js';

export const identityModule: ConfidantModule = {
  name: 'identity',
  routes: identityRoutes,
  provides: {
    access: { userDirectory: () => userDirectory, approvalKinds: [...ACCOUNT_APPROVAL_KINDS, MFA_RESET_APPROVAL] },
    audit: {
      identityHooks: (services) => ({
        isLeaving: async (userId) => {
          const [user] = await getUsersByIds(systemContext(services, 'identity.hooks'), [userId]);
          return user !== undefined && user.status !== 'active';
        },
        contain: (userId, reason) => containUser(systemContext(services, 'audit.monitor'), userId, reason),
      }),
    },
  },
  start: async (services) => {
    services.jobs.register(JOB_IDENTITY_SWEEP, async () => void (await sweepIdentityRows(services)), { retryLimit: 2 });
    services.jobs.schedule(JOB_IDENTITY_SWEEP, IDENTITY_SWEEP_INTERVAL_MS);
  },
  // Password-reset mail still being sent is finished, not cut off.
  stop: async (services) => settleIdentityBackground(services),
  init: async (services) => {
    // The token is replaced and printed at each start (the URL is known only once listening).
    const token = await createSetupToken(systemContext(services, 'identity.init'));
    return token ? ['No administrator yet: the server prints a one-time setup link when it starts (or use `confidant user create --role firm_admin --password-stdin`).'] : [];
  },
  startupNotes: async (services) => {
    const ctx = systemContext(services, 'identity.startup');
    if (!(await isSetupPending(ctx))) return [];
    // A fresh token at each start while no administrator exists: the earlier one is invalidated.
    const token = await createSetupToken(ctx);
    return token ? [setupLine(services, token)] : [];
  },
};

function setupLine(services: AppServices, token: string): string {
  // A fragment: browsers never send it, so the token never lands in server or proxy logs.
  return `Create the first administrator (one-time link): ${services.config.publicUrl}/setup#${token}`;
}

/**
 * Resolves the actor from the session cookie (`confidant_session`, with CSRF double submit on
 * state-changing requests) or `Authorization: Bearer` API token. Returns null when nobody is
 * signed in; may reply itself (401 MFA_REQUIRED, 403 CSRF_FAILED, 403 FORBIDDEN for a token
 * scope) and return null.
 */
export async function authenticateRequest(
  services: AppServices,
  request: FastifyRequest,
  reply: FastifyReply,
  route: { isPublic: boolean; allowWithoutMfa: boolean },
): Promise<Actor | null> {
  return authenticate(services, request, reply, route);
}

/** The user directory other modules (access, audit) read through: names, roles, status only. */
export const userDirectory = {
  async getUsers(ctx: RequestContext, ids: string[]): Promise<DirectoryUser[]> {
    return (await getUsersByIds(ctx, ids)).map(({ id, name, email, role, status, createdAt }) => ({ id, name, email, role, status, createdAt }));
  },
  // Runs as the directory's own system actor: access's internal needs, never shown to a caller.
  async unsafeListAllUsers(ctx: RequestContext): Promise<DirectoryUser[]> {
    return (await listUsers({ ...ctx, actor: { kind: 'system', name: 'identity.directory' } })).map(({ id, name, email, role, status, createdAt }) => ({ id, name, email, role, status, createdAt }));
  },
};

export { requireRecentMfa } from './step-up.js';
export { containUser, createUser, disableUser, enableUser, findUserByEmailAddress, getUserById, listUsers } from './users.service.js';
/** A client's portal account (portal module, after its own decision): invite (VALIDATION_FAILED, USER_EXISTS) and disable (USER_NOT_FOUND); disabling ends its sessions at once. */
export { inviteClientAccount, disableClientAccount } from './users.service.js';
export { createToken, maxTokenLifetimeMs, parseDuration } from './tokens.service.js';
export { sweepIdentityRows } from './sweep.js';
/** Staff accounts' role, status, second factor enrolled and newest sign-in, for the compliance posture (a system read; ids and facts, no names). Throws nothing of its own. */
export { staffSecurityFacts, type StaffSecurityFact } from './security-facts.js';

/**
 * Resets a person's second factor. From a person (administrator): filed for a second person's
 * approval (`identity.mfa.reset`) unless nobody else could approve; from the CLI operator: made at
 * once, audited. Throws FORBIDDEN, USER_NOT_FOUND, SEPARATION_OF_DUTIES, CONFLICT.
 */
export async function resetSecondFactor(ctx: RequestContext, userId: string): Promise<UserView> {
  const outcome = await requestMfaReset(ctx, userId);
  if ('approval' in outcome) throw new AppError('CONFLICT', 'The reset waits for a second person’s approval');
  return outcome;
}
export type { UserView } from './identity.presenter.js';

export { SESSION_COOKIE, CSRF_COOKIE, CSRF_HEADER } from './sessions.service.js';
