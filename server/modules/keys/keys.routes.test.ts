import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildSession, buildUser, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { keysModule } from './index.js';
import { createUnsealSetupToken, startKeys } from './keys.service.js';

const unsealEvents = async (instance: TestInstance) =>
  instance.services.database.db.selectFrom('audit_event').select(['actor_type', 'outcome', 'reason']).where('action', '=', 'key.unseal').orderBy('seq').execute();

describe.each(DIALECTS)('sealed start and key routes on %s', (dialect) => {
  let instance: TestInstance;
  let admin: BuiltUser;
  let attorney: BuiltUser;
  /** The newest one-time setup token (the first test replaces the printed one). */
  let setupToken = '';
  beforeAll(async () => {
    instance = await createTestInstance(dialect, { env: { MASTER_KEY_PROVIDER: 'passphrase' } });
    admin = await buildUser(instance, { role: 'firm_admin' });
    attorney = await buildUser(instance, { role: 'attorney' });
  });
  afterAll(async () => instance?.close());

  it('while sealed, answers 503 SEALED to everything but health, seal status and unseal', async () => {
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).toBe(200);
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/seal-status' })).json()).toEqual({ sealed: true, provider: 'passphrase', initialized: false });
    for (const [method, url, user] of [['GET', '/api/v1/clients', attorney], ['GET', '/api/v1/clients', undefined], ['POST', '/api/v1/clients', attorney], ['GET', '/api/v1/keys/status', admin]] as const) {
      const response = await instance.app.inject({ method, url, headers: user?.headers ?? {}, ...(method === 'POST' ? { payload: { kind: 'person', name: 'x' } } : {}) });
      expect(response.statusCode, url).toBe(503);
      expect(response.json().error.code).toBe('SEALED');
    }
  });

  it('a new instance: the first passphrase cannot be chosen without the one-time setup token printed at start (audited)', async () => {
    // The link printed at start carries the token in its fragment.
    const [line] = await keysModule.startupNotes!(instance.services);
    const printed = /\/unseal#([A-Za-z0-9_-]{43})$/.exec(line ?? '')?.[1];
    expect(printed).toBeDefined();
    const attacker = 'the attacker chose this passphrase';
    for (const payload of [{ passphrase: attacker }, { passphrase: attacker, setupToken: 'a-guessed-token' }, { passphrase: attacker, setupToken: `${printed}x` }]) {
      const refused = await instance.app.inject({ method: 'POST', url: '/api/v1/unseal', payload });
      expect(refused.statusCode, JSON.stringify(payload)).toBe(403);
      expect(refused.json().error.code).toBe('SETUP_TOKEN_INVALID');
      expect(refused.body).not.toContain(printed!);
    }
    // A token replaced by a later start stops working too.
    const latest = await createUnsealSetupToken(instance.services);
    const replaced = await instance.app.inject({ method: 'POST', url: '/api/v1/unseal', payload: { passphrase: attacker, setupToken: printed } });
    expect(replaced.statusCode).toBe(403);
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/seal-status' })).json()).toEqual({ sealed: true, provider: 'passphrase', initialized: false });
    expect((await unsealEvents(instance)).map((e) => [e.actor_type, e.outcome, e.reason])).toEqual([
      ['anonymous', 'denied', 'SETUP_TOKEN_MISSING'],
      ['anonymous', 'denied', 'SETUP_TOKEN_INVALID'],
      ['anonymous', 'denied', 'SETUP_TOKEN_INVALID'],
      ['anonymous', 'denied', 'SETUP_TOKEN_INVALID'],
    ]);
    setupToken = latest!;
  });

  it('unseals with a passphrase and the setup token (400 naming the field when too short), then serves normally', async () => {
    const empty = await instance.app.inject({ method: 'POST', url: '/api/v1/unseal', payload: {} });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.fields[0].path).toContain('passphrase');
    const short = await instance.app.inject({ method: 'POST', url: '/api/v1/unseal', payload: { passphrase: 'short', setupToken } });
    expect(short.statusCode).toBe(400);
    const ok = await instance.app.inject({ method: 'POST', url: '/api/v1/unseal', payload: { passphrase: 'correct horse battery staple', setupToken } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/seal-status' })).json()).toMatchObject({ sealed: false, initialized: true });
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/clients', headers: attorney.headers })).statusCode).toBe(200);
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/clients' })).statusCode).toBe(401);
    const created = await instance.app.inject({ method: 'POST', url: '/api/v1/clients', headers: attorney.headers, payload: { kind: 'person', name: 'Jane Roe' } });
    expect(created.statusCode).toBe(201);
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/keys/status', headers: admin.headers })).json()).toMatchObject({ provider: 'passphrase', sealed: false, clientKeys: 1 });
    // Nothing left to set up: no new token is printed.
    expect(await keysModule.startupNotes!(instance.services)).toEqual([]);
  });

  it('after a restart, the passphrase alone unseals as before (no token); a wrong one is refused', async () => {
    await startKeys(instance.services); // sealed again, as after a restart
    const wrong = await instance.app.inject({ method: 'POST', url: '/api/v1/unseal', payload: { passphrase: 'not the right passphrase at all' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
    const ok = await instance.app.inject({ method: 'POST', url: '/api/v1/unseal', payload: { passphrase: 'correct horse battery staple' } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/clients', headers: attorney.headers })).statusCode).toBe(200);
  });

  it('key routes: 401 unauthenticated, 404 for a non-administrator, 400 naming the field', async () => {
    expect((await instance.app.inject({ method: 'POST', url: '/api/v1/keys/master/rotate', payload: {} })).statusCode).toBe(401);
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/keys/status', headers: attorney.headers })).statusCode).toBe(404);
    expect((await instance.app.inject({ method: 'POST', url: '/api/v1/keys/master/rotate', headers: attorney.headers, payload: { newPassphrase: 'another long passphrase' } })).statusCode).toBe(404);
    const bad = await instance.app.inject({ method: 'POST', url: '/api/v1/clients/not-an-id/keys/rotate', headers: admin.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields[0].path).toContain('clientId');
    // Rotation needs step-up, which only an interactive session with a recent second factor gives (not an API token).
    const session = await buildSession(instance, admin);
    const weak = await instance.app.inject({ method: 'POST', url: '/api/v1/keys/master/rotate', headers: session.headers, payload: { newPassphrase: 'short' } });
    expect(weak.statusCode).toBe(400);
    const rotated = await instance.app.inject({ method: 'POST', url: '/api/v1/keys/master/rotate', headers: session.headers, payload: { newPassphrase: 'a completely new passphrase' } });
    expect(rotated.json()).toEqual({ masterVersion: 2, rewrapped: 1 });
  });
});
