import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildUser, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';

describe.each(DIALECTS)('sealed start and key routes on %s', (dialect) => {
  let instance: TestInstance;
  let admin: BuiltUser;
  let attorney: BuiltUser;
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

  it('unseals with a passphrase (400 naming the field when too short), then serves normally', async () => {
    const empty = await instance.app.inject({ method: 'POST', url: '/api/v1/unseal', payload: {} });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.fields[0].path).toContain('passphrase');
    const short = await instance.app.inject({ method: 'POST', url: '/api/v1/unseal', payload: { passphrase: 'short' } });
    expect(short.statusCode).toBe(400);
    const ok = await instance.app.inject({ method: 'POST', url: '/api/v1/unseal', payload: { passphrase: 'correct horse battery staple' } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/seal-status' })).json()).toMatchObject({ sealed: false, initialized: true });
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/clients', headers: attorney.headers })).statusCode).toBe(200);
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/clients' })).statusCode).toBe(401);
    const created = await instance.app.inject({ method: 'POST', url: '/api/v1/clients', headers: attorney.headers, payload: { kind: 'person', name: 'Jane Roe' } });
    expect(created.statusCode).toBe(201);
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/keys/status', headers: admin.headers })).json()).toMatchObject({ provider: 'passphrase', sealed: false, clientKeys: 1 });
  });

  it('key routes: 401 unauthenticated, 404 for a non-administrator, 400 naming the field', async () => {
    expect((await instance.app.inject({ method: 'POST', url: '/api/v1/keys/master/rotate', payload: {} })).statusCode).toBe(401);
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/keys/status', headers: attorney.headers })).statusCode).toBe(404);
    expect((await instance.app.inject({ method: 'POST', url: '/api/v1/keys/master/rotate', headers: attorney.headers, payload: { newPassphrase: 'another long passphrase' } })).statusCode).toBe(404);
    const bad = await instance.app.inject({ method: 'POST', url: '/api/v1/clients/not-an-id/keys/rotate', headers: admin.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields[0].path).toContain('clientId');
    const weak = await instance.app.inject({ method: 'POST', url: '/api/v1/keys/master/rotate', headers: admin.headers, payload: { newPassphrase: 'short' } });
    expect(weak.statusCode).toBe(400);
    const rotated = await instance.app.inject({ method: 'POST', url: '/api/v1/keys/master/rotate', headers: admin.headers, payload: { newPassphrase: 'a completely new passphrase' } });
    expect(rotated.json()).toEqual({ masterVersion: 2, rewrapped: 1 });
  });
});
