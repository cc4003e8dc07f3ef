/**
 * Input as the web app and scripts send it, through the real composition root: JSON bodies are
 * strictly typed (no coercion — `{"name":123}` is refused, `null` stays `null` where a schema
 * allows it), query strings still coerce, validation errors name the allowed values, and a known
 * API path asked with the wrong method answers 405 with `Allow`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../ids.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildFirm, buildMatter, buildUser, type BuiltFirm, type BuiltMatter, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

describe.each(DIALECTS)('request input on %s', (dialect) => {
  let instance: TestInstance;
  let firm: BuiltFirm;
  let matter: BuiltMatter;
  const call = (who: { headers: Record<string, string> } | null, method: Method, url: string, payload?: unknown) =>
    instance.app.inject({ method, url: `/api/v1${url}`, headers: who?.headers ?? {}, ...(payload === undefined ? {} : { payload: payload as string }) });

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    firm = await buildFirm(instance);
    matter = await buildMatter(instance, { lead: firm.attorney });
  });
  afterAll(async () => instance?.close());

  describe('JSON bodies are not coerced', () => {
    it('refuses a number where a name is expected, naming the field (no client "123")', async () => {
      const response = await call(firm.attorney, 'POST', '/clients', { kind: 'organisation', name: 123 });
      expect(response.statusCode).toBe(400);
      const body = response.json() as { error: { code: string; message: string; fields: { path: string; message: string }[] } };
      expect(body.error.code).toBe('VALIDATION_FAILED');
      expect(body.error.fields).toEqual([{ path: 'body.name', message: 'must be string' }]);
      const list = (await call(firm.attorney, 'GET', '/clients?limit=200')).json() as { items: { name: string }[] };
      expect(list.items.length).toBeGreaterThan(0);
      expect(list.items.map((c) => c.name)).not.toContain('123');
    });

    it('refuses a string where a boolean or a number is expected', async () => {
      const member = await buildUser(instance, { role: 'paralegal' });
      const asText = await call(firm.attorney, 'PUT', `/matters/${matter.matterId}/team/${member.id}`, { role: 'paralegal', expiresAt: String(instance.clock.now() + 60_000) });
      expect(asText.statusCode).toBe(400);
      expect(asText.json().error.fields).toEqual([{ path: 'body.expiresAt', message: 'must be integer or null' }]);
    });

    it('refuses an unauthenticated call before looking at the body (401, not 400)', async () => {
      expect((await call(null, 'POST', '/clients', { kind: 'organisation', name: 123 })).statusCode).toBe(401);
    });
  });

  describe('optional fields left empty (null) are accepted', () => {
    it('a client without an e-mail and a matter without a practice area (the web sends null)', async () => {
      const client = await call(firm.attorney, 'POST', '/clients', { kind: 'person', name: 'Ada Null', email: null });
      expect(client.statusCode).toBe(201);
      expect(client.json().email).toBeNull();
      const opened = await call(firm.attorney, 'POST', '/matters', { clientId: client.json().id, title: 'No practice area', practiceArea: null });
      expect(opened.statusCode).toBe(201);
      expect(opened.json().practiceArea).toBeNull();
    });

    it('a team seat "until (optional)" left empty: no end date, not 1970', async () => {
      const member = await buildUser(instance, { role: 'paralegal' });
      const added = await call(firm.attorney, 'PUT', `/matters/${matter.matterId}/team/${member.id}`, { role: 'paralegal', expiresAt: null });
      expect(added.statusCode).toBe(200);
      const team = (await call(firm.attorney, 'GET', `/matters/${matter.matterId}/team`)).json() as { members: { userId: string; expiresAt: number | null }[] };
      expect(team.members.find((m) => m.userId === member.id)?.expiresAt).toBeNull();
      // The seat works: the member opens the matter.
      expect((await call(member, 'GET', `/matters/${matter.matterId}`)).statusCode).toBe(200);
    });

    it('approving an access request without an expiry', async () => {
      const requester = await buildUser(instance, { role: 'paralegal' });
      const asked = await call(requester, 'POST', '/access/requests', { matterId: matter.matterId, role: 'paralegal', reason: 'Covering for the assigned paralegal this week.' });
      expect(asked.statusCode).toBe(201);
      const approved = await call(firm.attorney, 'POST', `/access/requests/${asked.json().id}/decide`, { decision: 'approve', expiresAt: null });
      expect(approved.statusCode).toBe(200);
      expect(approved.json()).toMatchObject({ status: 'approved', expiresAt: null });
    });

    it('recording an agreement without an expiry', async () => {
      const person = await buildUser(instance, { role: 'attorney' });
      const recorded = await call(firm.compliance, 'POST', '/access/agreements', { userId: person.id, kind: 'agreement', completedAt: instance.clock.now() - 1000, expiresAt: null });
      expect(recorded.statusCode).toBe(201);
      expect(recorded.json().expiresAt).toBeNull();
    });

    it('clearing a leaving date with null (not a leaving date of 0, which would disable the account)', async () => {
      const mover: BuiltUser = await buildUser(instance, { role: 'staff' });
      const set = await call(firm.admin, 'PATCH', `/users/${mover.id}`, { leavingOn: instance.clock.now() + 86_400_000 });
      expect(set.statusCode).toBe(200);
      const cleared = await call(firm.admin, 'PATCH', `/users/${mover.id}`, { leavingOn: null });
      expect(cleared.statusCode).toBe(200);
      expect(cleared.json().leavingOn).toBeNull();
      expect(cleared.json().status).toBe('active');
    });
  });

  describe('query strings and path parameters still coerce', () => {
    it('reads ?limit=2 as a number and ?toDecide=true as a boolean', async () => {
      const page = await call(firm.attorney, 'GET', '/matters?limit=2');
      expect(page.statusCode).toBe(200);
      expect((page.json() as { items: unknown[] }).items.length).toBeLessThanOrEqual(2);
      expect((await call(firm.attorney, 'GET', '/access/requests?toDecide=true')).statusCode).toBe(200);
      const notANumber = await call(firm.attorney, 'GET', '/matters?limit=lots');
      expect(notANumber.statusCode).toBe(400);
      expect(notANumber.json().error.fields[0].path).toBe('querystring.limit');
    });

    it('refuses text that coerces to a number that is not finite (ajv skips its range checks for Infinity)', async () => {
      for (const url of ['/clients?limit=1e309', '/matters?limit=Infinity', '/conflict-checks/mine?limit=-1e400']) {
        const response = await call(firm.attorney, 'GET', url);
        expect(response.statusCode, url).toBe(400);
        expect(response.json().error.code).toBe('VALIDATION_FAILED');
        expect(response.json().error.fields).toEqual([{ path: 'querystring.limit', message: 'must be a finite number' }]);
      }
    });
  });

  describe('validation errors name the allowed values', () => {
    it('a union of literals: "must be one of: …"', async () => {
      const member = await buildUser(instance, { role: 'paralegal' });
      const response = await call(firm.attorney, 'PUT', `/matters/${matter.matterId}/team/${member.id}`, { role: 'boss' });
      expect(response.statusCode).toBe(400);
      const [field, ...rest] = response.json().error.fields as { path: string; message: string }[];
      expect(rest).toEqual([]);
      expect(field?.path).toBe('body.role');
      expect(field?.message).toMatch(/^must be one of: (\w+, )+\w+$/);
      expect(field?.message).toContain('paralegal');
      expect(response.json().error.message).toContain('body.role must be one of:');
    });

    it('a union of two literals: both values', async () => {
      const response = await call(firm.attorney, 'POST', `/access/requests/${newId()}/decide`, { decision: 'maybe' });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.fields).toEqual([{ path: 'body.decision', message: 'must be one of: approve, refuse' }]);
    });
  });

  describe('405 for a wrong method on a known path', () => {
    it('answers 405 with Allow, in the error model', async () => {
      const response = await call(firm.attorney, 'DELETE', '/matters');
      expect(response.statusCode).toBe(405);
      expect(String(response.headers.allow).split(', ').sort()).toEqual(['GET', 'HEAD', 'POST']);
      expect(response.json()).toEqual({ error: { code: 'METHOD_NOT_ALLOWED', message: 'DELETE is not allowed here; use GET, HEAD, POST', requestId: response.headers['x-request-id'] } });
    });

    it('matches paths with parameters, and does so without credentials (the route table is public in the OpenAPI document)', async () => {
      const response = await call(null, 'PUT', `/notes/${newId()}`);
      expect(response.statusCode).toBe(405);
      expect(String(response.headers.allow).split(', ')).toEqual(expect.arrayContaining(['DELETE', 'GET', 'PATCH']));
    });

    it('keeps 404 for unknown paths, under /api and outside it', async () => {
      expect((await call(firm.attorney, 'DELETE', '/no-such-thing')).statusCode).toBe(404);
      expect((await call(firm.attorney, 'GET', `/matters/${newId()}/no-such-thing`)).statusCode).toBe(404);
      const outside = await instance.app.inject({ method: 'POST', url: '/clients' });
      expect(outside.statusCode).toBe(404);
      expect(outside.headers.allow).toBeUndefined();
    });
  });
});
