import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../platform/clock.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildSession, buildUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { identityModule } from './index.js';

describe.each(DIALECTS)('first administrator setup on %s', (dialect) => {
  let instance: TestInstance;
  beforeAll(async () => {
    instance = await createTestInstance(dialect);
  });
  afterAll(async () => instance?.close());
  const inject = (options: InjectOptions) => instance.app.inject(options);

  it('prints a one-time link with the token in the fragment, usable once', async () => {
    expect((await inject({ method: 'GET', url: '/api/v1/auth/setup' })).json()).toEqual({ pending: true });
    const notes = await identityModule.startupNotes!(instance.services);
    expect(notes).toHaveLength(1);
    const match = /\/setup#([A-Za-z0-9_-]{40,})$/.exec(notes[0]!);
    expect(match).not.toBeNull();
    const token = match![1]!;
    const payload = { token, email: 'first@firm.example', name: 'First Admin', password: 'a long and unusual passphrase 93' };

    const forged = await inject({ method: 'POST', url: '/api/v1/auth/setup', payload: { ...payload, token: 'x'.repeat(43) } });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe('SETUP_TOKEN_INVALID');
    const weak = await inject({ method: 'POST', url: '/api/v1/auth/setup', payload: { ...payload, password: 'short' } });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error).toMatchObject({ code: 'PASSWORD_TOO_WEAK', fields: [{ path: 'body.password' }] });

    const done = await inject({ method: 'POST', url: '/api/v1/auth/setup', payload });
    expect(done.statusCode).toBe(200);
    expect(done.json().user).toMatchObject({ email: 'first@firm.example', role: 'firm_admin' });
    expect(done.cookies.map((c) => c.name)).toEqual(expect.arrayContaining(['confidant_session', 'confidant_csrf']));

    const again = await inject({ method: 'POST', url: '/api/v1/auth/setup', payload: { ...payload, email: 'second@firm.example' } });
    expect(again.statusCode).toBe(409);
    expect(await identityModule.startupNotes!(instance.services)).toEqual([]);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/setup' })).json()).toEqual({ pending: false });
  });
});

describe.each(DIALECTS)('joiners, movers and leavers on %s', (dialect) => {
  let instance: TestInstance;
  beforeAll(async () => {
    instance = await createTestInstance(dialect);
  });
  afterAll(async () => instance?.close());
  const inject = (options: InjectOptions) => instance.app.inject(options);

  function inviteLinkFor(email: string): string {
    const dir = instance.config.mail.outboxDir;
    const mail = readdirSync(dir)
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .find((m) => m.startsWith(`To: ${email}\n`));
    expect(mail).toBeDefined();
    return /\/invite#([A-Za-z0-9_-]+)/.exec(mail!)![1]!;
  }

  it('invites by email (outbox), the invitee chooses a password once, and the link then dies', async () => {
    const admin = await buildUser(instance, { role: 'firm_admin' });
    const invited = await inject({ method: 'POST', url: '/api/v1/users', headers: admin.headers, payload: { email: 'New.Joiner@firm.example', name: 'New Joiner', role: 'paralegal' } });
    expect(invited.statusCode).toBe(201);
    expect(invited.json()).toMatchObject({ delivered: 'outbox', user: { email: 'new.joiner@firm.example', role: 'paralegal', status: 'active' } });
    const duplicate = await inject({ method: 'POST', url: '/api/v1/users', headers: admin.headers, payload: { email: 'new.joiner@firm.example', name: 'Again', role: 'staff' } });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('USER_EXISTS');

    const token = inviteLinkFor('new.joiner@firm.example');
    const weak = await inject({ method: 'POST', url: '/api/v1/auth/invite/accept', payload: { token, password: 'paralegal123' } });
    expect(weak.statusCode).toBe(400);
    const accepted = await inject({ method: 'POST', url: '/api/v1/auth/invite/accept', payload: { token, password: 'my own long and odd passphrase 5' } });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().session.mfaRequired).toBe(true);
    const reused = await inject({ method: 'POST', url: '/api/v1/auth/invite/accept', payload: { token, password: 'my own long and odd passphrase 6' } });
    expect(reused.statusCode).toBe(401);
    expect(reused.json().error.code).toBe('TOKEN_INVALID');
    const signIn = await inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: 'new.joiner@firm.example', password: 'my own long and odd passphrase 5' } });
    expect(signIn.statusCode).toBe(200);
  });

  it('expires invitations after 7 days and refuses invites from non-administrators', async () => {
    const admin = await buildUser(instance, { role: 'firm_admin' });
    const attorney = await buildUser(instance, { role: 'attorney' });
    const denied = await inject({ method: 'POST', url: '/api/v1/users', headers: attorney.headers, payload: { email: 'x@firm.example', name: 'X', role: 'firm_admin' } });
    expect(denied.statusCode).toBe(403);
    const invalid = await inject({ method: 'POST', url: '/api/v1/users', headers: admin.headers, payload: { email: 'x@firm.example', name: 'X', role: 'client' } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.fields[0].path).toBe('body.clientId');
    const filed = await inject({ method: 'POST', url: '/api/v1/users', headers: admin.headers, payload: { email: 'late@firm.example', name: 'Late', role: 'staff' } });
    // Other administrators exist here: the invitation waits for a second person, and only then is mailed.
    expect(filed.statusCode).toBe(202);
    const outbox = () => (existsSync(instance.config.mail.outboxDir) ? readdirSync(instance.config.mail.outboxDir) : []).map((f) => readFileSync(join(instance.config.mail.outboxDir, f), 'utf8'));
    expect(outbox().some((m) => m.startsWith('To: late@firm.example\n'))).toBe(false);
    const approver = await buildUser(instance, { role: 'compliance_officer' });
    expect((await inject({ method: 'POST', url: `/api/v1/approvals/${filed.json().approval.id}/decide`, headers: approver.headers, payload: { decision: 'approve' } })).statusCode).toBe(200);
    const token = inviteLinkFor('late@firm.example');
    (instance.clock as ManualClock).advance(7 * 86_400_000 + 1);
    const expired = await inject({ method: 'POST', url: '/api/v1/auth/invite/accept', payload: { token, password: 'my own long and odd passphrase 5' } });
    expect(expired.statusCode).toBe(401);
  });

  it('lets administrators see and end anyone’s sessions, and keeps one administrator', async () => {
    const admin = await buildUser(instance, { role: 'firm_admin' });
    const person = await buildUser(instance, { role: 'attorney' });
    const session = await buildSession(instance, person);
    const list = await inject({ method: 'GET', url: `/api/v1/users/${person.id}/sessions`, headers: admin.headers });
    expect(list.json().sessions.map((s: { id: string }) => s.id)).toContain(session.sessionId);
    expect((await inject({ method: 'DELETE', url: `/api/v1/users/${person.id}/sessions/${session.sessionId}`, headers: admin.headers })).statusCode).toBe(204);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session', headers: session.headers })).statusCode).toBe(401);
    // Another user's session id under this person: not found.
    const other = await buildSession(instance, admin);
    expect((await inject({ method: 'DELETE', url: `/api/v1/users/${person.id}/sessions/${other.sessionId}`, headers: admin.headers })).statusCode).toBe(404);
    // The person cannot list others' sessions.
    expect((await inject({ method: 'GET', url: `/api/v1/users/${admin.id}/sessions`, headers: person.headers })).statusCode).toBe(403);
  });

  it('refuses to disable or demote the last enabled administrator', async () => {
    const fresh = await createTestInstance(dialect);
    try {
      const only = await buildUser(fresh, { role: 'firm_admin' });
      const demote = await fresh.app.inject({ method: 'PATCH', url: `/api/v1/users/${only.id}`, headers: only.headers, payload: { role: 'attorney' } });
      expect(demote.statusCode).toBe(409);
      const disable = await fresh.app.inject({ method: 'POST', url: `/api/v1/users/${only.id}/disable`, headers: only.headers });
      expect(disable.statusCode).toBe(409);
    } finally {
      await fresh.close();
    }
  });
});

describe('invitations while the mail server is down', () => {
  let instance: TestInstance;
  beforeAll(async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    instance = await createTestInstance('sqlite', { env: { SMTP_URL: 'smtp://127.0.0.1:1' } });
  });
  afterAll(async () => instance?.close());

  it('keeps the invitation in the outbox instead of losing it, and the link works', async () => {
    const admin = await buildUser(instance, { role: 'firm_admin' });
    expect(instance.services.mailer.kind).toBe('smtp');
    const invited = await instance.app.inject({ method: 'POST', url: '/api/v1/users', headers: admin.headers, payload: { email: 'down@firm.example', name: 'Mail Down', role: 'staff' } });
    expect(invited.statusCode, invited.body).toBe(201);
    expect(invited.json()).toMatchObject({ delivered: 'outbox', user: { email: 'down@firm.example' } });
    const dir = instance.config.mail.outboxDir;
    const mail = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).find((m) => m.startsWith('To: down@firm.example\n'));
    const token = /\/invite#([A-Za-z0-9_-]+)/.exec(mail ?? '')?.[1];
    expect(token).toBeDefined();
    const accepted = await instance.app.inject({ method: 'POST', url: '/api/v1/auth/invite/accept', payload: { token, password: 'a long and unusual passphrase 71' } });
    expect(accepted.statusCode, accepted.body).toBe(200);
  });
});
