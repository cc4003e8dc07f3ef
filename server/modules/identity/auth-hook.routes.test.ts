/**
 * Refusals made by the authentication hook itself are audited when the caller was identified (a
 * live session or token): CSRF failures, MFA still owed, a token used beyond its scope. Anonymous
 * requests with made-up credentials write nothing, so a flood cannot grow the log.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../platform/clock.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildSession, buildUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { createToken } from './index.js';

describe.each(DIALECTS)('denials in the authentication hook are audited on %s', (dialect) => {
  let instance: TestInstance;
  beforeAll(async () => {
    instance = await createTestInstance(dialect, { env: { MFA_REQUIRED_FOR_STAFF: 'true' } });
  });
  afterAll(async () => instance?.close());
  const inject = (options: InjectOptions) => instance.app.inject(options);

  async function hookDenials(filter: { actorId?: string } = {}) {
    let query = instance.services.database.db.selectFrom('audit_event').select(['action', 'outcome', 'reason', 'actor_id', 'session_id', 'target_user_id']).where('action', 'like', 'auth.%');
    if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
    return query.orderBy('seq').execute();
  }

  it('records a CSRF refusal against the session it was made with, without the token values', async () => {
    const user = await buildUser(instance, { role: 'attorney' });
    const session = await buildSession(instance, user);
    const missing = await inject({ method: 'POST', url: '/api/v1/auth/sessions/revoke-others', headers: { cookie: session.cookie } });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error.code).toBe('CSRF_FAILED');
    const forged = await inject({ method: 'POST', url: '/api/v1/auth/sessions/revoke-others', headers: { cookie: session.cookie, 'x-csrf-token': 'forged-value' } });
    expect(forged.statusCode).toBe(403);
    const events = await hookDenials({ actorId: user.id });
    expect(events).toEqual([
      { action: 'auth.csrf', outcome: 'denied', reason: 'CSRF_MISSING', actor_id: user.id, session_id: session.sessionId, target_user_id: user.id },
      { action: 'auth.csrf', outcome: 'denied', reason: 'CSRF_MISMATCH', actor_id: user.id, session_id: session.sessionId, target_user_id: user.id },
    ]);
    expect(JSON.stringify(events)).not.toContain(session.csrfToken);
    expect(JSON.stringify(events)).not.toContain('forged-value');
  });

  it('records an MFA refusal for a session or a token that owes its second factor', async () => {
    const user = await buildUser(instance, { role: 'paralegal', mfa: false });
    const session = await buildSession(instance, user, { mfa: false });
    const bySession = await inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: session.headers });
    expect(bySession.statusCode).toBe(401);
    expect(bySession.json().error.code).toBe('MFA_REQUIRED');
    const byToken = await inject({ method: 'GET', url: '/api/v1/auth/tokens', headers: user.headers });
    expect(byToken.json().error.code).toBe('MFA_REQUIRED');
    const events = await hookDenials({ actorId: user.id });
    expect(events.map((e) => `${e.action}:${e.outcome}:${e.reason}`)).toEqual(['auth.mfa_required:denied:SESSION_WITHOUT_MFA', 'auth.mfa_required:denied:TOKEN_WITHOUT_MFA']);
    expect(events[1]!.session_id).toMatch(/^token:/);
    // Routes open without MFA (session info) are not refusals and record nothing.
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: session.headers })).statusCode).toBe(200);
    expect(await hookDenials({ actorId: user.id })).toHaveLength(2);
  });

  it('records a read-only token used for a write', async () => {
    const user = await buildUser(instance, { role: 'staff' });
    const { token } = await createToken(instance.system('test'), { userId: user.id, name: 'reader', scopes: ['read'], expiresInMs: 3_600_000, mfaComplete: true, createdBy: 'cli' });
    const write = await inject({ method: 'POST', url: '/api/v1/auth/sessions/revoke-others', headers: { authorization: `Bearer ${token}` } });
    expect(write.statusCode).toBe(403);
    expect((await hookDenials({ actorId: user.id })).map((e) => `${e.action}:${e.reason}`)).toEqual(['auth.token_scope:TOKEN_SCOPE']);
  });

  it('writes nothing for anonymous requests with made-up cookies or tokens', async () => {
    const before = (await hookDenials()).length;
    const flood = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        inject({ method: 'POST', url: '/api/v1/auth/sessions/revoke-others', headers: i % 2 ? { cookie: `confidant_session=made-up-${i}; confidant_csrf=x` } : { authorization: `Bearer cft_made_up_${i}` } }),
      ),
    );
    expect(flood.every((r) => r.statusCode === 401)).toBe(true);
    expect(await hookDenials()).toHaveLength(before);
  });

  it('answers a bad, expired or revoked bearer token with "Invalid or expired token", not "Sign in first"', async () => {
    const user = await buildUser(instance, { role: 'staff' });
    const { token, view } = await createToken(instance.system('test'), { userId: user.id, name: 'short', scopes: ['api'], expiresInMs: 60_000, mfaComplete: true, createdBy: 'cli' });
    const forged = await inject({ method: 'GET', url: '/api/v1/auth/session', headers: { authorization: 'Bearer cft_forged' } });
    const notOurs = await inject({ method: 'GET', url: '/api/v1/auth/session', headers: { authorization: 'Bearer github_pat_xyz' } });
    (instance.clock as ManualClock).advance(61_000);
    const expired = await inject({ method: 'GET', url: '/api/v1/auth/session', headers: { authorization: `Bearer ${token}` } });
    for (const response of [forged, notOurs, expired]) {
      expect(response.statusCode).toBe(401);
      expect(response.json().error).toMatchObject({ code: 'API_TOKEN_INVALID', message: 'Invalid or expired token' });
      expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    }
    expect(view.id).toBeTruthy();
    // No credential at all is still "sign in".
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session' })).json().error.code).toBe('UNAUTHENTICATED');
    // A public route ignores a bad token and runs anonymously.
    expect((await inject({ method: 'GET', url: '/api/v1/auth/setup', headers: { authorization: 'Bearer cft_forged' } })).statusCode).toBe(200);
  });
});
