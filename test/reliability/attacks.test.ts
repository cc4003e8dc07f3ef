/**
 * The attacker's side, through the HTTP API: each test performs an attack and fails if it works.
 * Identity's own tests cover the mechanisms (cookies, CSRF pairing, timeouts); these aim at what
 * an attacker is after — client data — and check that nothing was read or changed.
 */
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../server/test-support/dialects.js';
import { buildSession, buildUser, FACTORY_PASSWORD } from '../../server/test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../server/test-support/test-instance.js';
import type { ManualClock } from '../../server/platform/clock.js';
import { changedTables, stateProbe, type StateProbe } from './support/fuzz.js';
import { b64url, buildWorld, caller, type World } from './support/world.js';

const FORGED = '0190aaaa-0000-7000-8000-00000000dead';

function cookiesOf(response: { cookies: { name: string; value: string }[] }) {
  const session = response.cookies.find((c) => c.name === 'confidant_session')?.value ?? '';
  const csrf = response.cookies.find((c) => c.name === 'confidant_csrf')?.value ?? '';
  return { session, csrf, headers: { cookie: `confidant_session=${session}; confidant_csrf=${csrf}`, 'x-csrf-token': csrf } };
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(path);
    }
  };
  walk(dir);
  return out;
}

describe.each(DIALECTS)('attacks on %s', (dialect) => {
  let instance: TestInstance;
  let world: World;
  let probe: StateProbe;
  let call: ReturnType<typeof caller>;
  const deniedCount = async () => Number((await sql<{ n: number | string }>`select count(*) as n from audit_event where outcome = 'denied'`.execute(instance.services.database.db)).rows[0]!.n);

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    world = await buildWorld(instance);
    probe = await stateProbe(instance);
    call = caller(instance);
  });
  afterAll(async () => instance?.close());

  it('session fixation: a planted session cookie is ignored and sign-in issues a new one', async () => {
    const victim = await buildUser(instance, { role: 'paralegal', mfa: false });
    const attacker = await buildUser(instance, { role: 'paralegal' });
    const attackerSession = await buildSession(instance, attacker);
    // A made-up id, and the attacker's own live session (with its CSRF token, which they know).
    for (const [planted, plantedCsrf] of [['attacker-chosen-session-id', 'planted'], [attackerSession.cookie.split(';')[0]!.split('=')[1]!, attackerSession.csrfToken]] as const) {
      const signIn = await call('POST', '/api/v1/auth/sign-in', { cookie: `confidant_session=${planted}; confidant_csrf=${plantedCsrf}`, 'x-csrf-token': plantedCsrf }, { email: victim.email, password: FACTORY_PASSWORD });
      expect(signIn.statusCode, signIn.body).toBe(200);
      const issued = cookiesOf(signIn);
      expect(issued.session).not.toBe('');
      expect(issued.session).not.toBe(planted);
      expect(issued.csrf).not.toBe(plantedCsrf);
      // The planted value never becomes the victim's session.
      const withPlanted = await call('GET', '/api/v1/auth/session', { cookie: `confidant_session=${planted}` });
      if (withPlanted.statusCode === 200) expect(withPlanted.json().user.id).toBe(attacker.id);
      else expect(withPlanted.statusCode).toBe(401);
      expect((await call('GET', '/api/v1/auth/session', { cookie: `confidant_session=${issued.session}` })).json().user.id).toBe(victim.id);
    }
  });

  it('CSRF: a cross-site write with the victim cookie but no or a wrong token changes nothing', async () => {
    const cookie = world.aliceSession.cookie;
    const attempts: [string, string, unknown][] = [
      ['POST', '/api/v1/clients', { kind: 'person', name: 'Planted by CSRF' }],
      ['PATCH', `/api/v1/notes/${world.a.noteId}`, { body: 'overwritten by CSRF', revision: 1 }],
      ['DELETE', `/api/v1/notes/${world.a.noteId}`, undefined],
      ['POST', `/api/v1/clients/${world.a.clientId}/grants`, { userId: world.bob.id, reason: 'csrf' }],
      ['PUT', `/api/v1/matters/${world.a.matterId}/team/${world.bob.id}`, { role: 'attorney' }],
      ['POST', `/api/v1/clients/${world.a.clientId}/export`, {}],
    ];
    const before = await probe.digests();
    for (const [method, url, payload] of attempts) {
      for (const extra of [{} as Record<string, string>, { 'x-csrf-token': 'forged' }, { 'x-csrf-token': world.aliceSession.csrfToken.slice(0, -2) + 'xx' }]) {
        const response = await call(method as 'POST', url, { cookie, ...extra }, payload);
        expect(response.statusCode, `${method} ${url} ${JSON.stringify(extra)}`).toBe(403);
        expect(response.json().error.code).toBe('CSRF_FAILED');
      }
    }
    expect(changedTables(before, await probe.digests())).toEqual({});
    // The same cookie with the right token works: the refusals above were the CSRF check.
    expect((await call('PATCH', `/api/v1/notes/${world.a.noteId}`, world.aliceSession.headers, { title: 'ALPHA call', revision: 1 })).statusCode).toBe(200);
  });

  it('stolen cookie after sign-out reads no client data', async () => {
    const stolen = await buildSession(instance, world.alice);
    expect((await call('GET', `/api/v1/documents/${world.a.documentId}/content`, stolen.headers)).statusCode).toBe(200);
    expect((await call('POST', '/api/v1/auth/sign-out', stolen.headers)).statusCode).toBe(204);
    for (const url of [`/api/v1/documents/${world.a.documentId}/content`, `/api/v1/notes/${world.a.noteId}`, `/api/v1/clients/${world.a.clientId}`, '/api/v1/clients']) {
      const response = await call('GET', url, stolen.headers);
      expect(response.statusCode, url).toBe(401);
      expect(response.body).not.toContain('ALPHA');
    }
    expect((await call('POST', `/api/v1/matters/${world.a.matterId}/notes`, stolen.headers, { title: 'x', body: 'y' })).statusCode).toBe(401);
  });

  it('a TOTP code relayed by a phisher works at most once, even raced from two sessions', async () => {
    const clock = instance.clock as ManualClock;
    const victim = await buildUser(instance, { role: 'attorney', mfa: false });
    const signIn = async () => cookiesOf(await call('POST', '/api/v1/auth/sign-in', {}, { email: victim.email, password: FACTORY_PASSWORD })).headers;
    const enrolling = await signIn();
    const setup = await call('POST', '/api/v1/auth/mfa/totp/setup', enrolling);
    expect(setup.statusCode, setup.body).toBe(200);
    const secret = setup.json().secret as string;
    const code = () => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: clock.now() });
    expect((await call('POST', '/api/v1/auth/mfa/totp/confirm', enrolling, { code: code() })).statusCode).toBe(200);
    clock.advance(30_000);
    const [victimSession, phisherSession] = [await signIn(), await signIn()];
    const current = code();
    const results = await Promise.all([victimSession, phisherSession].map((headers) => call('POST', '/api/v1/auth/mfa/totp/verify', headers, { code: current })));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    const refused = results.find((r) => r.statusCode !== 200)!;
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('MFA_INVALID');
  });

  it('a disabled user’s API token and session open nothing', async () => {
    const leaver = await buildUser(instance, { role: 'attorney' });
    const team = await call('PUT', `/api/v1/matters/${world.a.matterId}/team/${leaver.id}`, world.alice.headers, { role: 'attorney' });
    expect(team.statusCode, team.body).toBe(200);
    expect((await call('POST', `/api/v1/walls/${world.wallId}/acknowledge`, leaver.headers)).statusCode).toBe(200);
    const session = await buildSession(instance, leaver);
    expect((await call('GET', `/api/v1/documents/${world.a.documentId}/content`, leaver.headers)).statusCode).toBe(200);
    expect((await call('POST', `/api/v1/users/${leaver.id}/disable`, world.admin.headers)).statusCode).toBe(200);
    for (const headers of [leaver.headers, session.headers]) {
      for (const url of [`/api/v1/documents/${world.a.documentId}/content`, `/api/v1/notes/${world.a.noteId}`, `/api/v1/matters/${world.a.matterId}`]) {
        const response = await call('GET', url, headers);
        expect(response.statusCode, url).toBe(401);
        expect(response.body).not.toContain('ALPHA');
      }
      expect((await call('POST', `/api/v1/matters/${world.a.matterId}/notes`, headers, { title: 'x', body: 'y' })).statusCode).toBe(401);
    }
  });

  it('IDOR across clients and across an ethical wall: every read and write by id is a 404 like a missing id, audited, and changes nothing', async () => {
    const { a } = world;
    const reads = [`/api/v1/clients/${a.clientId}`, `/api/v1/matters/${a.matterId}`, `/api/v1/documents/${a.documentId}`, `/api/v1/documents/${a.documentId}/content`, `/api/v1/documents/${a.documentId}/versions`, `/api/v1/notes/${a.noteId}`, `/api/v1/records/${a.recordId}`, `/api/v1/matters/${a.matterId}/notes`, `/api/v1/matters/${a.matterId}/documents`, `/api/v1/matters/${a.matterId}/records`];
    const writes: [string, string, unknown][] = [
      ['PATCH', `/api/v1/clients/${a.clientId}`, { name: 'Hijacked' }],
      ['PATCH', `/api/v1/matters/${a.matterId}`, { title: 'Hijacked' }],
      ['PATCH', `/api/v1/documents/${a.documentId}`, { classification: 'internal' }],
      ['PATCH', `/api/v1/notes/${a.noteId}`, { body: 'Hijacked', revision: 1 }],
      ['DELETE', `/api/v1/notes/${a.noteId}`, undefined],
      ['POST', `/api/v1/matters/${a.matterId}/notes`, { title: 'planted', body: 'planted' }],
      ['POST', `/api/v1/matters/${a.matterId}/records`, { label: 'planted', location: 'x' }],
      ['POST', `/api/v1/records/${a.recordId}/check-out`, {}],
    ];
    for (const attacker of [world.bob, world.walled]) {
      const before = await probe.digests();
      for (const url of reads) {
        const denied = await deniedCount();
        const response = await call('GET', url, attacker.headers);
        const missing = await call('GET', url.replace(/[0-9a-f-]{36}/, FORGED), attacker.headers);
        expect(response.statusCode, `${attacker.name} GET ${url}`).toBe(404);
        expect({ ...response.json().error, requestId: '' }, url).toEqual({ ...missing.json().error, requestId: '' });
        expect(response.body).not.toContain('ALPHA');
        expect(await deniedCount(), `denial of ${url} audited`).toBeGreaterThan(denied);
      }
      for (const [method, url, payload] of writes) {
        const denied = await deniedCount();
        const response = await call(method as 'POST', url, attacker.headers, payload);
        expect(response.statusCode, `${attacker.name} ${method} ${url}`).toBe(404);
        expect(await deniedCount(), `denial of ${method} ${url} audited`).toBeGreaterThan(denied);
      }
      const upload = await instance.app.inject({ method: 'POST', url: `/api/v1/documents/${a.documentId}/versions`, headers: { ...attacker.headers, 'content-type': 'application/octet-stream' }, payload: Buffer.from('planted version') });
      expect(upload.statusCode).toBe(404);
      const planted = await instance.app.inject({ method: 'POST', url: `/api/v1/matters/${a.matterId}/documents`, headers: { ...attacker.headers, 'content-type': 'application/octet-stream', 'x-document-name': b64url('planted.txt') }, payload: Buffer.from('planted') });
      expect(planted.statusCode).toBe(404);
      expect(changedTables(before, await probe.digests()), `${attacker.name} changed nothing`).toEqual({});
      // Lists never show the other client's objects.
      expect((await call('GET', '/api/v1/clients', attacker.headers)).body).not.toContain(a.clientId);
      expect((await call('GET', '/api/v1/matters', attacker.headers)).body).not.toContain(a.matterId);
    }
    // The wall denial names the wall as reason (what compliance needs to see).
    const wallDenials = await sql<{ n: number | string }>`select count(*) as n from audit_event where outcome = 'denied' and actor_id = ${world.walled.id}`.execute(instance.services.database.db);
    expect(Number(wallDenials.rows[0]!.n)).toBeGreaterThanOrEqual(reads.length);
  });

  it('open redirect: no API route answers with a redirect to another origin', async () => {
    const targets = ['https://evil.example/', '//evil.example', '/\\evil.example', 'javascript:alert(1)'];
    const paths = ['/api/v1/auth/sign-in', '/api/v1/auth/setup', '/api/v1/auth/session', '/api/docs', '/sign-in', '/', '/api/v1/auth/oidc/start', '/api/v1/auth/oidc/callback'];
    for (const path of paths) {
      for (const target of targets) {
        for (const parameter of ['next', 'redirect', 'returnTo', 'redirect_uri', 'url']) {
          const response = await call('GET', `${path}?${parameter}=${encodeURIComponent(target)}`, world.alice.headers);
          const location = response.headers.location;
          if (location !== undefined) expect(String(location).startsWith('/') && !String(location).startsWith('//') && !String(location).includes('evil'), `${path} → ${location}`).toBe(true);
          expect(response.statusCode).toBeLessThan(500);
        }
      }
    }
  });

  async function rawUpload(length: number, body: Buffer, endAfterMs: number): Promise<string> {
    if (!instance.app.server.listening) await instance.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = instance.app.server.address() as AddressInfo;
    const head = `POST /api/v1/matters/${world.a.matterId}/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${world.alice.headers.authorization}\r\nContent-Type: application/octet-stream\r\nX-Document-Name: ${b64url('cut.bin')}\r\nContent-Length: ${length}\r\n\r\n`;
    return new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      socket.on('data', (d) => (answer += d.toString('latin1')));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(answer));
      socket.write(head);
      socket.write(body);
      setTimeout(() => socket.destroy(), endAfterMs);
    });
  }
  const storedFiles = () => filesUnder(instance.database.dataDir).filter((f) => !/\.db(-wal|-shm|-journal)?$/.test(f) && !f.includes('/outbox/'));

  it('oversized JSON and cut-off uploads store nothing: no row, no blob, no temp file', async () => {
    const filesBefore = storedFiles();
    const before = await probe.digests();
    const big = await call('POST', `/api/v1/matters/${world.a.matterId}/notes`, { ...world.alice.headers, 'content-type': 'application/json' }, JSON.stringify({ title: 'big', body: 'x'.repeat(1024 * 1024 + 1) }));
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    // Declared 2 MiB, cut off after 600 KiB: the client goes away mid-upload.
    await rawUpload(2 * 1024 * 1024, Buffer.alloc(600 * 1024, 7), 400);
    await new Promise((r) => setTimeout(r, 500));
    expect(changedTables(before, await probe.digests()), 'no document row from the cut-off upload').toEqual({});
    const leftover = storedFiles().filter((f) => !filesBefore.includes(f));
    expect(leftover.map((f) => `${f} (${statSync(f).size} bytes)`), 'no partial blob or temp file left').toEqual([]);
    // The server is still fine after the abort.
    expect((await call('GET', `/api/v1/documents/${world.a.documentId}/content`, world.alice.headers)).statusCode).toBe(200);
  });

  // Found by this test (fixed in 4356985): the 64 GiB limit was only counted while streaming, so a
  // request declaring more was accepted and read instead of being refused at once.
  it('an upload declaring more than the document limit is refused up front with 413', async () => {
    const answer = await rawUpload(70 * 1024 ** 3, Buffer.alloc(1000, 1), 1500);
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
  });
});

describe("a firm's upload limit (MAX_DOCUMENT_SIZE=64KiB)", () => {
  let instance: TestInstance;
  let world: World;
  let probe: StateProbe;
  let base = '';
  beforeAll(async () => {
    instance = await createTestInstance('sqlite', { env: { MAX_DOCUMENT_SIZE: '64KiB' } });
    world = await buildWorld(instance);
    probe = await stateProbe(instance);
    await instance.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(instance.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => instance?.close());
  const storedBlobs = () => filesUnder(join(instance.database.dataDir, 'blobs'));
  const upload = (body: BodyInit, extra: RequestInit = {}) =>
    fetch(`${base}/api/v1/matters/${world.a.matterId}/documents`, { method: 'POST', headers: { ...world.alice.headers, 'content-type': 'application/octet-stream', 'x-document-name': b64url('limit.bin') }, body, ...extra });

  it('refuses a larger upload, declared or streamed without a length, with 413 naming the limit; stores nothing; the connection answers', async () => {
    const before = await probe.digests();
    const blobsBefore = storedBlobs();
    const declared = await upload(new Uint8Array(Buffer.alloc(100 * 1024, 1)));
    expect(declared.status).toBe(413);
    const body = (await declared.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(body.error.message).toContain('64 KiB');
    // Chunked: no Content-Length, so the limit is counted while streaming (the answer still arrives).
    const chunks = Array.from({ length: 96 }, (_, i) => Buffer.alloc(64 * 1024, i)); // 6 MiB, still being sent when refused
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(new Uint8Array(next));
        else controller.close();
      },
    });
    const streamed = await upload(stream, { duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(changedTables(before, await probe.digests()), 'nothing stored').toEqual({});
    expect(storedBlobs(), 'no blob or temporary file left').toEqual(blobsBefore);
  });

  it('accepts a document of exactly the limit', async () => {
    const exact = await upload(new Uint8Array(Buffer.alloc(64 * 1024, 5)));
    expect(exact.status).toBe(201);
    expect(((await exact.json()) as { size: number }).size).toBe(64 * 1024);
  });
});

describe('server timeouts (slow-loris)', () => {
  let instance: TestInstance;
  beforeAll(async () => {
    instance = await createTestInstance('sqlite');
  });
  afterAll(async () => instance?.close());

  it('bounds the time to send headers', () => {
    // Node closes a connection whose headers take longer than this (slow-loris on headers).
    expect(instance.app.server.headersTimeout).toBeGreaterThan(0);
    expect(instance.app.server.headersTimeout).toBeLessThanOrEqual(60_000);
  });

  // Found by this test (was `requestTimeout: 0`; fixed in 4356985): `connectionTimeout` is only an
  // idle timeout, so without a request timeout a client sending one byte a minute held a connection forever.
  it('bounds the time to send a body (slow body is cut off)', () => {
    expect(instance.app.server.requestTimeout).toBeGreaterThan(0);
  });

  // Found by the fuzzer (fixed in 4356985): a path parameter over routerOptions.maxParamLength got
  // Fastify's own 414 body instead of the error model.
  it('an over-long id in the path answers with the error model', async () => {
    const response = await instance.app.inject({ method: 'GET', url: `/api/v1/clients/${'x'.repeat(300)}` });
    expect(response.statusCode).toBe(414);
    expect(response.json().error?.code).toBe('URI_TOO_LONG');
  });
});
