/**
 * People search for pickers (`POST /api/v1/people/search`): staff find staff by part of a name or
 * email, case and accents ignored; disabled and departed accounts never appear; a client-portal
 * account gets nothing, and its attempt is audited; the query never sits in a URL.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildUser, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';

describe.each(DIALECTS)('people search on %s', (dialect) => {
  let instance: TestInstance;
  let admin: BuiltUser;
  let searcher: BuiltUser;
  const search = (headers: Record<string, string>, payload: unknown) => instance.app.inject({ method: 'POST', url: '/api/v1/people/search', headers, payload: payload as object });

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    admin = await buildUser(instance, { role: 'firm_admin' });
    searcher = await buildUser(instance, { role: 'paralegal' });
  });
  afterAll(async () => instance?.close());

  it('finds staff by part of the name or email, ignoring case and accents', async () => {
    const zoe = await buildUser(instance, { role: 'attorney', name: 'Zoë Ångström-Müller', email: 'zoe.angstrom@firm.example' });
    const byName = await search(searcher.headers, { query: 'ANGSTROM-mull' });
    expect(byName.statusCode).toBe(200);
    expect(byName.json().items).toEqual([{ id: zoe.id, name: 'Zoë Ångström-Müller', email: 'zoe.angstrom@firm.example', role: 'attorney', status: 'active' }]);
    // The accented query finds the unaccented email too, and the plain query the accented name.
    expect((await search(searcher.headers, { query: 'zoë' })).json().items.map((p: { id: string }) => p.id)).toContain(zoe.id);
    expect((await search(searcher.headers, { query: 'ZOE.ANG' })).json().items.map((p: { id: string }) => p.id)).toEqual([zoe.id]);
  });

  it('treats LIKE wildcards as literal characters and honours the limit', async () => {
    for (let i = 0; i < 3; i += 1) await buildUser(instance, { role: 'staff', name: `Limitcase Person ${i}` });
    // As wildcards these would match "Limitcase Person 0"; taken literally they match nobody.
    expect((await search(searcher.headers, { query: 'limitcase%0' })).json().items).toEqual([]);
    expect((await search(searcher.headers, { query: 'limitcase_person' })).json().items).toEqual([]);
    const limited = await search(searcher.headers, { query: 'limitcase', limit: 2 });
    expect(limited.json().items).toHaveLength(2);
    expect(limited.json().items[0].name).toBe('Limitcase Person 0');
  });

  it('never returns disabled or departed accounts, nor client-portal accounts', async () => {
    const gone = await buildUser(instance, { role: 'attorney', name: 'Vanishing Vera' });
    const left = await buildUser(instance, { role: 'attorney', name: 'Vanishing Victor' });
    const leaving = await buildUser(instance, { role: 'attorney', name: 'Vanishing Valerie' });
    await buildUser(instance, { role: 'client', name: 'Vanishing Client' });
    const disable = await instance.app.inject({ method: 'POST', url: `/api/v1/users/${gone.id}/disable`, headers: admin.headers });
    expect(disable.statusCode).toBe(200);
    const now = instance.services.clock.now();
    expect((await instance.app.inject({ method: 'PATCH', url: `/api/v1/users/${left.id}`, headers: admin.headers, payload: { leavingOn: now - 1000 } })).statusCode).toBe(200);
    expect((await instance.app.inject({ method: 'PATCH', url: `/api/v1/users/${leaving.id}`, headers: admin.headers, payload: { leavingOn: now + 86_400_000 } })).statusCode).toBe(200);
    const found = (await search(searcher.headers, { query: 'vanishing' })).json().items;
    expect(found).toEqual([expect.objectContaining({ id: leaving.id, status: 'leaving' })]);
  });

  it('answers 401 without a credential and 401 with a made-up token', async () => {
    const anonymous = await search({}, { query: 'a' });
    expect(anonymous.statusCode).toBe(401);
    const forged = await search({ authorization: 'Bearer cft_forged' }, { query: 'a' });
    expect(forged.statusCode).toBe(401);
  });

  it('answers 400 naming the field for a missing, blank, over-long or unknown field', async () => {
    const missing = await search(searcher.headers, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.fields[0].path).toBe('body.query');
    const blank = await search(searcher.headers, { query: '   ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.fields[0].path).toBe('body.query');
    const long = await search(searcher.headers, { query: 'x'.repeat(201) });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.fields[0].path).toBe('body.query');
    const limit = await search(searcher.headers, { query: 'a', limit: 51 });
    expect(limit.statusCode).toBe(400);
    expect(limit.json().error.fields[0].path).toBe('body.limit');
    const extra = await search(searcher.headers, { query: 'a', role: 'firm_admin' });
    expect(extra.statusCode).toBe(400);
  });

  it('gives a client-portal account nothing, and audits the attempt', async () => {
    const client = await buildUser(instance, { role: 'client' });
    const response = await search(client.headers, { query: 'test' });
    expect(response.statusCode).toBe(403);
    expect(response.json().items).toBeUndefined();
    const events = (await sql<{ action: string; outcome: string; reason: string | null }>`select action, outcome, reason from audit_event where actor_id = ${client.id}`.execute(instance.services.database.db)).rows;
    expect(events).toContainEqual({ action: 'people.search', outcome: 'denied', reason: 'CLIENT_ACCOUNT' });
  });

  it('refuses a GET with the query in the URL', async () => {
    const response = await instance.app.inject({ method: 'GET', url: '/api/v1/people/search?query=zoe', headers: searcher.headers });
    expect(response.statusCode).not.toBe(200);
  });
});
