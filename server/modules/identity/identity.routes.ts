/** HTTP routes of the identity module: schema → one service call → presenter. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppServices, RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { errorResponses, PLATFORM_ERRORS, PUBLIC, SIGNED_IN_ERRORS } from '../../platform/http/errors-schema.js';
import { NoContent } from '../../platform/http/response-schemas.js';
import { PendingApprovalSchema as PendingApproval, type ApprovalView } from '../../access/index.js';
import * as S from './identity.schemas.js';
import { factorSummary, findSessionById } from './identity.repository.js';
import { completePasswordReset, inspectPasswordReset, passwordResetPasskeyOptions, requestMfaReset, requestPasswordReset } from './recovery.service.js';
import { clearSessionCookies, findSessionEnding, listSessions, requireUser, revokeAllSessions, revokeSession, SESSION_COOKIE, setSessionCookies, type NewSession } from './sessions.service.js';
import { createToken, listTokens, revokeToken } from './tokens.service.js';
import {
  acceptInvite,
  changePassword,
  changeRole,
  completeSetup,
  disableUser,
  enableUser,
  getUserById,
  inviteUser,
  isPasswordExpired,
  isSetupPending,
  listUsers,
  requireAdmin,
  resendInvitation,
  searchPeople,
  setLeavingDate,
  signInWithPassword,
} from './users.service.js';
import type { UserView } from './identity.presenter.js';
import { requireRecentMfa } from './step-up.js';
import { EMAIL_VERIFIED_FIELD, finishOidcSignIn, OIDC_COOKIE, startOidcSignIn } from './oidc.service.js';
import { Type } from 'typebox';
import {
  confirmTotpEnrollment,
  listPasskeys,
  passkeyAuthenticationOptions,
  passkeyRegistrationOptions,
  regenerateRecoveryCodes,
  removePasskey,
  removeTotp,
  startTotpEnrollment,
  verifyPasskeyAuthentication,
  verifyPasskeyRegistration,
  verifyRecoveryCode,
  verifyTotp,
} from './mfa.service.js';

const tags = ['identity'];
const noMfa = { allowWithoutMfa: true };
const pub = { public: true };


/** What the web app needs to know about the signed-in person and their session. */
export async function sessionState(ctx: RequestContext, user: UserView, session: { id: string | null; mfaRequired: boolean; mfaAt: number | null }): Promise<S.SessionStateView> {
  return {
    user,
    session: { id: session.id, mfaRequired: session.mfaRequired, mfaCompleted: session.mfaAt !== null, mfaAt: session.mfaAt, passwordExpired: await isPasswordExpired(ctx, user.id) },
    factors: await factorSummary(ctx.db, user.id),
  };
}

async function currentState(ctx: RequestContext): Promise<S.SessionStateView> {
  const actor = requireUser(ctx);
  const user = await getUserById(ctx, actor.userId);
  if (actor.sessionId) {
    const session = await findSessionById(ctx.db, actor.sessionId);
    return sessionState(ctx, user, { id: actor.sessionId, mfaRequired: session?.mfa_required === 1, mfaAt: session?.mfa_at ?? null });
  }
  return sessionState(ctx, user, { id: null, mfaRequired: false, mfaAt: actor.mfaAt });
}

export async function signedIn(services: AppServices, request: FastifyRequest, reply: FastifyReply, result: { user: UserView; session: NewSession }) {
  setSessionCookies(services, reply, result.session);
  return sessionState(request.ctx, result.user, { id: result.session.sessionId, mfaRequired: result.session.mfaRequired, mfaAt: result.session.mfaAt });
}

export async function identityRoutes(fastify: FastifyInstance, services: AppServices): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // ---- setup and sign-in (public)
  app.get('/auth/setup', { config: pub, schema: { tags, ...PUBLIC, summary: 'Whether the first administrator still has to be created', response: { 200: S.SetupStatus, ...errorResponses(...PLATFORM_ERRORS) } } }, async (request) => ({
    pending: await isSetupPending(request.ctx),
  }));
  app.post('/auth/setup', { config: pub, schema: { tags, ...PUBLIC, summary: 'Create the first administrator with the one-time setup link', body: S.SetupBody, response: { 200: S.SessionState, ...errorResponses(400, 403, 409, ...PLATFORM_ERRORS) } } }, async (request, reply) =>
    signedIn(services, request, reply, await completeSetup(request.ctx, request.body)),
  );
  app.post('/auth/sign-in', { config: pub, schema: { tags, ...PUBLIC, summary: 'Sign in with email and password', body: S.SignInBody, response: { 200: S.SessionState, ...errorResponses(400, 401, ...PLATFORM_ERRORS) } } }, async (request, reply) => {
    const input = request.body;
    return signedIn(services, request, reply, await signInWithPassword(request.ctx, input.email, input.password));
  });
  app.post('/auth/invite/accept', { config: pub, schema: { tags, ...PUBLIC, summary: 'Choose a password from an invitation link and sign in', body: S.AcceptInviteBody, response: { 200: S.SessionState, ...errorResponses(400, 401, ...PLATFORM_ERRORS) } } }, async (request, reply) => {
    const input = request.body;
    return signedIn(services, request, reply, await acceptInvite(request.ctx, input.token, input.password));
  });

  // ---- forgot password (public; the link's token travels in bodies, never in URLs)
  app.post(
    '/auth/password-reset',
    {
      config: pub,
      schema: {
        tags,
        ...PUBLIC,
        summary: 'Ask for a password-reset link by email',
        description: 'Always answers 202 the same way, whether or not an account has this address; the link (30 minutes, single use) is mailed when one does.',
        body: S.PasswordResetRequestBody,
        response: { 202: S.PasswordResetRequested, ...errorResponses(400, ...PLATFORM_ERRORS) },
      },
    },
    async (request, reply) => {
      await requestPasswordReset(request.ctx, request.body.email);
      return reply.code(202).send({ accepted: true });
    },
  );
  app.post('/auth/password-reset/inspect', { config: pub, schema: { tags, ...PUBLIC, summary: 'Which second factor a reset link must be confirmed with', body: S.PasswordResetTokenBody, response: { 200: S.PasswordResetFactors, ...errorResponses(400, 401, ...PLATFORM_ERRORS) } } }, async (request) =>
    inspectPasswordReset(request.ctx, request.body.token),
  );
  app.post('/auth/password-reset/passkey-options', { config: pub, schema: { tags, ...PUBLIC, summary: 'WebAuthn options to confirm a password reset with a passkey', body: S.PasswordResetTokenBody, response: { 200: S.WebAuthnJson, ...errorResponses(400, 401, 404, 409, ...PLATFORM_ERRORS) } } }, async (request) =>
    passwordResetPasskeyOptions(request.ctx, request.body.token),
  );
  app.post(
    '/auth/password-reset/complete',
    {
      config: pub,
      schema: {
        tags,
        ...PUBLIC,
        summary: 'Set a new password from a reset link, with the second factor; ends every other session and token',
        body: S.PasswordResetCompleteBody,
        response: { 200: S.SessionState, ...errorResponses(400, 401, ...PLATFORM_ERRORS) },
      },
    },
    async (request, reply) => {
      const input = request.body;
      const result = await completePasswordReset(request.ctx, {
        token: input.token,
        password: input.password,
        ...(input.code !== undefined ? { code: input.code } : {}),
        ...(input.recoveryCode !== undefined ? { recoveryCode: input.recoveryCode } : {}),
        ...(input.passkey !== undefined ? { passkey: input.passkey } : {}),
      });
      return signedIn(services, request, reply, result);
    },
  );
  // Public: the holder of an ended session's cookie learns why it ended (and the cookie goes).
  app.get('/auth/session/ended', { config: pub, schema: { tags, ...PUBLIC, summary: 'Why this browser’s session was ended by someone else, if it was', response: { 200: S.SessionEnded, ...errorResponses(...PLATFORM_ERRORS) } } }, async (request, reply) => {
    const ending = await findSessionEnding(request.ctx, request.cookies[SESSION_COOKIE]);
    if (ending) clearSessionCookies(reply);
    return { ended: ending ? { at: ending.endedAt, reason: ending.reason } : null };
  });

  // ---- single sign-on (OpenID Connect)
  app.get('/auth/oidc', { config: pub, schema: { tags, ...PUBLIC, summary: 'Whether single sign-on is configured', response: { 200: Type.Object({ enabled: Type.Boolean(), label: Type.String() }), ...errorResponses(...PLATFORM_ERRORS) } } }, async () => ({
    enabled: services.config.identity.oidc !== null,
    label: services.config.identity.oidc?.label ?? '',
  }));
  // The two redirect endpoints are browser navigations, not API calls: hidden from OpenAPI (see docs/identity.md).
  app.get('/auth/oidc/start', { config: pub, schema: { hide: true, response: { 302: NoContent } } }, async (request, reply) => {
    const { url, flowCookie } = await startOidcSignIn(request.ctx);
    // Lax, not Strict: the provider's redirect back is a cross-site navigation.
    reply.setCookie(OIDC_COOKIE, flowCookie, { path: '/api/v1/auth/oidc', httpOnly: true, sameSite: 'lax', secure: services.config.publicUrl.startsWith('https:'), maxAge: 600 });
    return reply.redirect(url, 302);
  });
  app.get('/auth/oidc/callback', { config: pub, schema: { hide: true, response: { 302: NoContent } } }, async (request, reply) => {
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    reply.clearCookie(OIDC_COOKIE, { path: '/api/v1/auth/oidc' });
    try {
      const result = await finishOidcSignIn(request.ctx, request.cookies[OIDC_COOKIE], query);
      setSessionCookies(services, reply, result.session);
      return reply.redirect('/', 302);
    } catch (error) {
      if (error instanceof AppError && error.code === 'OIDC_FAILED') {
        // The one refusal worth naming: the person can ask their provider's administrator to verify the address.
        const unverified = error.fields?.some((f) => f.path === EMAIL_VERIFIED_FIELD) === true;
        return reply.redirect(unverified ? '/sign-in?sso=failed&reason=email_unverified' : '/sign-in?sso=failed', 302);
      }
      throw error;
    }
  });

  // ---- the signed-in person
  app.get('/auth/session', { config: noMfa, schema: { tags, summary: 'Who is signed in and the state of their session', response: { 200: S.SessionState, ...errorResponses(...SIGNED_IN_ERRORS) } } }, async (request) => currentState(request.ctx));
  app.post('/auth/sign-out', { config: noMfa, schema: { tags, summary: 'End this session', response: { 204: NoContent, ...errorResponses(...SIGNED_IN_ERRORS) } } }, async (request, reply) => {
    const actor = requireUser(request.ctx);
    if (actor.sessionId) await revokeSession(request.ctx, actor.userId, actor.sessionId, 'SIGN_OUT');
    clearSessionCookies(reply);
    return reply.code(204).send();
  });
  app.post('/auth/password', { schema: { tags, summary: 'Change your password (ends your other sessions)', body: S.ChangePasswordBody, response: { 204: NoContent, ...errorResponses(400, ...SIGNED_IN_ERRORS) } } }, async (request, reply) => {
    const input = request.body;
    await changePassword(request.ctx, input.currentPassword, input.newPassword);
    return reply.code(204).send();
  });
  app.get('/auth/sessions', { schema: { tags, summary: 'Your active sessions', response: { 200: S.SessionList, ...errorResponses(...SIGNED_IN_ERRORS) } } }, async (request) => ({
    sessions: await listSessions(request.ctx, requireUser(request.ctx).userId),
  }));
  app.delete('/auth/sessions/:id', { schema: { tags, summary: 'End one of your sessions', params: S.IdParams, response: { 204: NoContent, ...errorResponses(400, 404, ...SIGNED_IN_ERRORS) } } }, async (request, reply) => {
    await revokeSession(request.ctx, requireUser(request.ctx).userId, request.params.id, 'SELF');
    return reply.code(204).send();
  });
  app.post('/auth/sessions/revoke-others', { schema: { tags, summary: 'End all your other sessions and all your API tokens', response: { 200: S.Revoked, ...errorResponses(...SIGNED_IN_ERRORS) } } }, async (request) => ({
    revoked: await revokeAllSessions(request.ctx, requireUser(request.ctx).userId, 'SELF', true),
  }));
  app.get('/auth/tokens', { schema: { tags, summary: 'Your API tokens', response: { 200: S.TokenList, ...errorResponses(...SIGNED_IN_ERRORS) } } }, async (request) => ({
    tokens: await listTokens(request.ctx, requireUser(request.ctx).userId),
  }));
  app.post('/auth/tokens', { schema: { tags, summary: 'Create an API token (shown once; step-up; at most TOKEN_MAX_LIFETIME_DAYS)', body: S.CreateTokenBody, response: { 201: S.CreatedToken, ...errorResponses(400, ...SIGNED_IN_ERRORS) } } }, async (request, reply) => {
    const actor = requireUser(request.ctx);
    const input = request.body;
    if (actor.tokenId) throw new AppError('FORBIDDEN', 'API tokens cannot create API tokens; use a signed-in session');
    const created = await createToken(request.ctx, {
      userId: actor.userId,
      name: input.name,
      scopes: input.scopes,
      expiresInMs: input.expiresInDays * 86_400_000,
      // createToken demands a fresh factor from a person, so a token they mint is MFA-complete.
      mfaComplete: true,
      createdBy: 'user',
    });
    return reply.code(201).send({ token: created.token, info: created.view });
  });
  app.delete('/auth/tokens/:id', { schema: { tags, summary: 'Revoke one of your API tokens', params: S.IdParams, response: { 204: NoContent, ...errorResponses(400, 404, ...SIGNED_IN_ERRORS) } } }, async (request, reply) => {
    await revokeToken(request.ctx, requireUser(request.ctx).userId, request.params.id);
    return reply.code(204).send();
  });

  // ---- second factors
  app.post('/auth/mfa/totp/setup', { config: noMfa, schema: { tags, summary: 'Start authenticator-app enrollment: secret and QR code', response: { 200: S.TotpSetup, ...errorResponses(409, ...SIGNED_IN_ERRORS) } } }, async (request) =>
    startTotpEnrollment(request.ctx),
  );
  app.post('/auth/mfa/totp/confirm', { config: noMfa, schema: { tags, summary: 'Finish enrollment with a first code; returns recovery codes once', body: S.CodeBody, response: { 200: S.RecoveryCodes, ...errorResponses(400, 409, ...SIGNED_IN_ERRORS) } } }, async (request) =>
    confirmTotpEnrollment(request.ctx, request.body.code),
  );
  app.post('/auth/mfa/totp/verify', { config: noMfa, schema: { tags, summary: 'Second factor (or step-up) with an authenticator-app code', body: S.CodeBody, response: { 200: S.SessionState, ...errorResponses(400, ...SIGNED_IN_ERRORS) } } }, async (request) => {
    await verifyTotp(request.ctx, request.body.code);
    return currentState(request.ctx);
  });
  app.post('/auth/mfa/recovery', { config: noMfa, schema: { tags, summary: 'Second factor with a one-time recovery code', body: S.CodeBody, response: { 200: S.SessionState, ...errorResponses(400, ...SIGNED_IN_ERRORS) } } }, async (request) => {
    await verifyRecoveryCode(request.ctx, request.body.code);
    return currentState(request.ctx);
  });
  app.delete('/auth/mfa/totp', { schema: { tags, summary: 'Remove the authenticator app (step-up)', response: { 204: NoContent, ...errorResponses(404, 409, ...SIGNED_IN_ERRORS) } } }, async (request, reply) => {
    requireRecentMfa(request.ctx);
    await removeTotp(request.ctx);
    return reply.code(204).send();
  });
  app.post('/auth/mfa/recovery-codes', { schema: { tags, summary: 'Replace your recovery codes (step-up); shown once', response: { 200: S.RecoveryCodes, ...errorResponses(409, ...SIGNED_IN_ERRORS) } } }, async (request) => {
    requireRecentMfa(request.ctx);
    return regenerateRecoveryCodes(request.ctx);
  });
  app.get('/auth/passkeys', { schema: { tags, summary: 'Your passkeys', response: { 200: S.PasskeyList, ...errorResponses(...SIGNED_IN_ERRORS) } } }, async (request) => ({ passkeys: await listPasskeys(request.ctx) }));
  app.post('/auth/passkeys/registration/options', { config: noMfa, schema: { tags, summary: 'WebAuthn options to register a passkey', response: { 200: S.WebAuthnJson, ...errorResponses(409, ...SIGNED_IN_ERRORS) } } }, async (request) =>
    passkeyRegistrationOptions(request.ctx),
  );
  app.post('/auth/passkeys/registration/verify', { config: noMfa, schema: { tags, summary: 'Register the passkey the browser created', body: S.PasskeyRegistrationBody, response: { 200: S.PasskeyRegistered, ...errorResponses(400, ...SIGNED_IN_ERRORS) } } }, async (request) => {
    const input = request.body;
    return verifyPasskeyRegistration(request.ctx, input.response, input.name ?? 'Passkey');
  });
  app.post('/auth/passkeys/authentication/options', { config: noMfa, schema: { tags, summary: 'WebAuthn options to confirm with a passkey', response: { 200: S.WebAuthnJson, ...errorResponses(404, 409, ...SIGNED_IN_ERRORS) } } }, async (request) =>
    passkeyAuthenticationOptions(request.ctx),
  );
  app.post('/auth/passkeys/authentication/verify', { config: noMfa, schema: { tags, summary: 'Second factor (or step-up) with a passkey', body: S.PasskeyAuthenticationBody, response: { 200: S.SessionState, ...errorResponses(400, ...SIGNED_IN_ERRORS) } } }, async (request) => {
    await verifyPasskeyAuthentication(request.ctx, request.body.response);
    return currentState(request.ctx);
  });
  app.delete('/auth/passkeys/:id', { schema: { tags, summary: 'Remove a passkey (step-up)', params: S.IdParams, response: { 204: NoContent, ...errorResponses(400, 404, ...SIGNED_IN_ERRORS) } } }, async (request, reply) => {
    requireRecentMfa(request.ctx);
    await removePasskey(request.ctx, request.params.id);
    return reply.code(204).send();
  });

  // ---- people search (any staff member; a POST so what is typed stays out of URLs and logs)
  app.post('/people/search', { schema: { tags, summary: 'Find staff by part of their name or email (for pickers)', body: S.PeopleSearchBody, response: { 200: S.PeopleSearchResult, ...errorResponses(400, ...SIGNED_IN_ERRORS) } } }, async (request) => ({
    items: await searchPeople(request.ctx, request.body.query, request.body.limit ?? 20),
  }));

  // ---- administrators
  const admin = (request: FastifyRequest) => {
    requireAdmin(request.ctx);
    return request.ctx;
  };
  app.get('/users', { schema: { tags, summary: 'All accounts (administrators)', response: { 200: S.UserList, ...errorResponses(...SIGNED_IN_ERRORS) } } }, async (request) => ({ users: await listUsers(admin(request)) }));
  app.post(
    '/users',
    {
      schema: {
        tags,
        summary: 'Invite a person by email (administrators)',
        description: 'Answers 201 when the invitation is sent, or 202 with the pending approval: a second person (another administrator or a compliance officer) approves every new account while the firm has one.',
        body: S.InviteBody,
        response: { 201: S.Invited, 202: PendingApproval, ...errorResponses(400, 409, ...SIGNED_IN_ERRORS) },
      },
    },
    async (request, reply) => {
      const input = request.body;
      const outcome = await inviteUser(admin(request), { email: input.email, name: input.name, role: input.role, clientId: input.clientId ?? null });
      return 'approval' in outcome ? reply.code(202).send(outcome) : reply.code(201).send(outcome);
    },
  );
  app.get('/users/:id', { schema: { tags, summary: 'One account (administrators)', params: S.IdParams, response: { 200: S.UserView, ...errorResponses(400, 404, ...SIGNED_IN_ERRORS) } } }, async (request) => getUserById(admin(request), request.params.id));
  app.patch(
    '/users/:id',
    {
      schema: {
        tags,
        summary: 'Change role or leaving date (administrators)',
        description: 'A role change answers 202 with the pending approval when a second person (another administrator or a compliance officer) must approve it; a leaving date in the same request is applied at once.',
        params: S.IdParams,
        body: S.UpdateUserBody,
        response: { 200: S.UserView, 202: PendingApproval, ...errorResponses(400, 404, 409, ...SIGNED_IN_ERRORS) },
      },
    },
    async (request, reply) => {
      const ctx = admin(request);
      const input = request.body;
      let user = await getUserById(ctx, request.params.id);
      let pending: ApprovalView | null = null;
      if (input.role !== undefined) {
        const outcome = await changeRole(ctx, user.id, input.role);
        if ('approval' in outcome) pending = outcome.approval;
        else user = outcome;
      }
      if (input.leavingOn !== undefined) user = await setLeavingDate(ctx, user.id, input.leavingOn);
      return pending ? reply.code(202).send({ approval: pending }) : user;
    },
  );
  app.post('/users/:id/disable', { schema: { tags, summary: 'Disable an account: ends all its sessions and tokens at once', params: S.IdParams, response: { 200: S.UserView, ...errorResponses(400, 404, 409, ...SIGNED_IN_ERRORS) } } }, async (request) =>
    disableUser(admin(request), request.params.id),
  );
  app.post('/users/:id/invitation', { schema: { tags, summary: 'Send a new invitation link (the earlier ones stop working)', params: S.IdParams, response: { 200: S.Invited, ...errorResponses(400, 404, 409, ...SIGNED_IN_ERRORS) } } }, async (request) =>
    resendInvitation(admin(request), request.params.id),
  );
  app.post(
    '/users/:id/mfa-reset',
    {
      schema: {
        tags,
        summary: "Reset a person's lost second factor (administrators; a second person approves)",
        description: 'Removes every authenticator app, passkey and recovery code of the person and ends their sessions and tokens; they enrol a new factor at their next sign-in. Answers 202 with the pending approval (`identity.mfa.reset`) while a second person (another administrator or a compliance officer) must approve it.',
        params: S.IdParams,
        response: { 200: S.UserView, 202: PendingApproval, ...errorResponses(400, 404, 409, ...SIGNED_IN_ERRORS) },
      },
    },
    async (request, reply) => {
      const outcome = await requestMfaReset(admin(request), request.params.id);
      return 'approval' in outcome ? reply.code(202).send(outcome) : outcome;
    },
  );
  app.post('/users/:id/enable', { schema: { tags, summary: 'Re-enable an account', params: S.IdParams, response: { 200: S.UserView, ...errorResponses(400, 404, 409, ...SIGNED_IN_ERRORS) } } }, async (request) => enableUser(admin(request), request.params.id));
  app.get('/users/:id/sessions', { schema: { tags, summary: "A person's active sessions (administrators)", params: S.IdParams, response: { 200: S.SessionList, ...errorResponses(400, 404, ...SIGNED_IN_ERRORS) } } }, async (request) => {
    const ctx = admin(request);
    const user = await getUserById(ctx, request.params.id);
    return { sessions: await listSessions(ctx, user.id) };
  });
  app.delete('/users/:id/sessions/:sessionId', { schema: { tags, summary: "End one of a person's sessions (administrators)", params: S.UserSessionParams, response: { 204: NoContent, ...errorResponses(400, 404, ...SIGNED_IN_ERRORS) } } }, async (request, reply) => {
    await revokeSession(admin(request), request.params.id, request.params.sessionId, 'ADMIN');
    return reply.code(204).send();
  });
  app.post('/users/:id/sessions/revoke-all', { schema: { tags, summary: "End all of a person's sessions (administrators)", params: S.IdParams, response: { 200: S.Revoked, ...errorResponses(400, 404, ...SIGNED_IN_ERRORS) } } }, async (request) => {
    const ctx = admin(request);
    const user = await getUserById(ctx, request.params.id);
    return { revoked: await revokeAllSessions(ctx, user.id, 'ADMIN', false) };
  });
}

