/**
 * The leak test: a person on a matter's team is walled off, then every list, search, count,
 * report and export endpoint they can call must return nothing of the walled matter (no ids, no
 * names, no counts), and every direct read must answer the same 404 as a missing resource.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../test-support/dialects.js';
import { buildClient, buildDocument, buildMatter, buildSession, buildUser, buildWall, type BuiltUser } from '../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../test-support/test-instance.js';

describe.each(DIALECTS)('walled user leak test on %s', (dialect) => {
  let instance: TestInstance;
  let alice: BuiltUser;
  let bob: BuiltUser;
  let compliance: BuiltUser;
  const ids: Record<string, string> = {};
  const SECRET_NAME = 'Zephyrine Holdings';
  const SECRET_TITLE = 'Zephyrine v. Quortex';

  const call = (user: BuiltUser, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    instance.app.inject({ method, url: `/api/v1${url}`, headers: user.headers, ...(payload !== undefined ? { payload: payload as object } : {}) });

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    alice = await buildUser(instance, { role: 'attorney' });
    bob = await buildUser(instance, { role: 'attorney' });
    compliance = await buildUser(instance, { role: 'compliance_officer' });
    // The factories go through the same HTTP API and throw unless it answers 201.
    const client = await buildClient(instance, { by: alice, name: SECRET_NAME });
    ids.client = client.id;
    const matter = await buildMatter(instance, { client, title: SECRET_TITLE });
    ids.matter = matter.id;
    const note = await call(alice, 'POST', `/matters/${ids.matter}/notes`, { title: `${SECRET_TITLE} strategy`, body: 'Privileged strategy' });
    expect(note.statusCode, note.body).toBe(201);
    ids.note = note.json().id;
    const record = await call(alice, 'POST', `/matters/${ids.matter}/records`, { label: `${SECRET_TITLE} box 1`, location: 'Room 4' });
    ids.record = record.json().id;
    ids.document = (await buildDocument(instance, { matter, name: 'zephyrine-memo.txt', content: 'Zephyrine settlement position' })).id;
    expect((await call(alice, 'PUT', `/matters/${ids.matter}/team/${bob.id}`, { role: 'attorney' })).statusCode).toBe(200);
    // Bob can see it all before the wall (so the test below can fail).
    expect((await call(bob, 'GET', '/matters')).body).toContain(ids.matter);
    expect((await call(bob, 'GET', `/matters/${ids.matter}/notes`)).body).toContain(ids.note);
    ids.wall = (await buildWall(instance, { matter, members: [bob], by: compliance, kind: 'exclusionary', memo: 'Bob is screened.' })).id;
  });
  afterAll(async () => instance?.close());

  const leaks = (body: string) => [ids.matter!, ids.note!, ids.record!, ids.document!, SECRET_NAME, SECRET_TITLE, 'Zephyrine'].filter((s) => s && body.includes(s));

  it('lists, searches, counts and reports show nothing of the walled matter', async () => {
    const requests: [string, 'GET' | 'POST', string, unknown?][] = [
      ['clients list', 'GET', '/clients'],
      ['matters list', 'GET', '/matters'],
      ['matters of the client', 'GET', `/matters?clientId=${ids.client}`],
      ['client search', 'POST', '/clients/search', { name: SECRET_NAME }],
      ['matter search', 'POST', '/matters/search', { title: SECRET_TITLE }],
      ['requests to decide', 'GET', '/access/requests?toDecide=true'],
      ['my requests', 'GET', '/access/requests'],
      ['my break-glass', 'GET', '/access/break-glass/mine'],
    ];
    for (const [name, method, url, payload] of requests) {
      const response = await call(bob, method, url, payload);
      expect(response.statusCode, `${name}: ${response.body}`).toBeLessThan(500);
      expect(leaks(response.body), name).toEqual([]);
      if (response.statusCode === 200 && Array.isArray(response.json().items)) expect(response.json().items, name).toEqual([]);
    }
  });

  it('every direct read, export and report answers 404 like a missing resource', async () => {
    const reads = [
      `/clients/${ids.client}`,
      `/matters/${ids.matter}`,
      `/matters/${ids.matter}/team`,
      `/matters/${ids.matter}/documents`,
      `/matters/${ids.matter}/notes`,
      `/matters/${ids.matter}/records`,
      `/notes/${ids.note}`,
      `/records/${ids.record}`,
      `/documents/${ids.document}`,
      `/documents/${ids.document}/content`,
      `/documents/${ids.document}/versions`,
      `/access/reports/could-access?matterId=${ids.matter}&at=1`,
    ];
    for (const url of reads) {
      const response = await call(bob, 'GET', url);
      expect(response.statusCode, `${url}: ${response.body}`).toBe(404);
      expect(leaks(response.body), url).toEqual([]);
    }
    // The audit log is closed to his role whatever the target (403 says nothing about the matter).
    for (const url of [`/audit/reports/access?matterId=${ids.matter}`, `/audit/events?matterId=${ids.matter}`]) {
      const response = await call(bob, 'GET', url);
      expect([403, 404], url).toContain(response.statusCode);
      expect(leaks(response.body.replace(ids.matter!, '')), url).toEqual([]);
    }
    const exported = await call(bob, 'POST', `/clients/${ids.client}/export`, {});
    expect(exported.statusCode).toBeGreaterThanOrEqual(400);
    expect(leaks(exported.body)).toEqual([]);
    // Asking to join, or emergency access, does not get around the wall either.
    // The request is filed like any other (so it tells nothing), but it is withheld: audited as a
    // wall crossing, never offered to the matter's lead, never decidable.
    const asked = await call(bob, 'POST', '/access/requests', { matterId: ids.matter, role: 'attorney', reason: 'I used to be on this matter.' });
    expect(asked.statusCode).toBe(201);
    expect(asked.json().status).toBe('pending');
    expect(leaks(asked.body.replace(ids.matter!, ''))).toEqual([]);
    const bobSession = await buildSession(instance, bob);
    const glass = await instance.app.inject({ method: 'POST', url: '/api/v1/access/break-glass', headers: bobSession.headers, payload: { matterId: ids.matter, justification: 'Emergency, the lead attorney is away today.' } });
    expect(glass.statusCode).toBe(404);
  });

  it('the screened person sees only the wall memo they must acknowledge, not the matter', async () => {
    const pending = await call(bob, 'GET', '/walls/pending-acknowledgements');
    expect(pending.statusCode).toBe(200);
    expect(pending.json().walls.map((w: { id: string }) => w.id)).toEqual([ids.wall]);
    expect(pending.body).not.toContain(SECRET_TITLE);
    expect(pending.body).not.toContain(SECRET_NAME);
  });
});
