/**
 * The HTTP platform's edges, through the real composition root: TLS and HSTS, rate limiting, body
 * limits, malformed input, hidden 5xx details, log redaction and readiness.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { testConfig } from '../../config.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../test-support/dialects.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import type { AppServices } from '../context.js';
import { migrateToLatest } from '../db/migrate.js';
import { createLogger } from '../logging/logger.js';
import { closeServices, createServices } from '../services.js';

function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ logLevel: 'info' }, stream), lines };
}

/** An app with two extra routes (added before `ready`) to exercise body parsing and 5xx. */
async function appWithTestRoutes(services: AppServices): Promise<FastifyInstance> {
  const app = await buildApp(services, { webRoot: null });
  app.post(
    '/test/echo',
    { schema: { body: Type.Object({ name: Type.String(), password: Type.Optional(Type.String()) }), response: { 200: Type.Object({ name: Type.String() }) } } },
    async (request) => {
      const body = request.body as { name: string; password?: string };
      // A careless log line: redaction is the second line of defence.
      request.log.info({ input: body, headers: { authorization: request.headers.authorization, cookie: request.headers.cookie } }, 'echo');
      return { name: body.name };
    },
  );
  app.get('/test/boom', { schema: { response: { 200: Type.Object({}) } } }, async () => {
    throw new Error('connection to db://admin:pw@10.0.0.5 failed for client Acme Holdings');
  });
  await app.ready();
  return app;
}

describe.each(DIALECTS)('HTTP details on %s', (dialect) => {
  let database: TestDatabase;
  let services: AppServices;
  let app: FastifyInstance;
  let lines: string[];
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const captured = captureLogs();
    lines = captured.lines;
    services = createServices(testConfig(database.dataDir, { DATABASE_URL: database.url, RATE_LIMIT_PER_MINUTE: '1000' }), { logger: captured.logger });
    await migrateToLatest(services.database);
    app = await appWithTestRoutes(services);
  });
  afterAll(async () => {
    await app?.close();
    if (services) await closeServices(services);
    await database?.drop();
  });

  it('answers 413 PAYLOAD_TOO_LARGE in the error model for a body over 1 MiB', async () => {
    const response = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) }) });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large', requestId: response.headers['x-request-id'] } });
  });

  it('answers 400 BAD_REQUEST for malformed JSON, without echoing it', async () => {
    const response = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'application/json' }, payload: '{"name": "Acme Holdings",' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'BAD_REQUEST', message: 'Malformed request body' });
    expect(response.body).not.toContain('Acme');
  });

  it('answers 400 VALIDATION_FAILED naming the field', async () => {
    const response = await app.inject({ method: 'POST', url: '/test/echo', payload: { password: 'x' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
    expect(response.json().error.fields).toEqual([{ path: 'body.name', message: expect.any(String) }]);
  });

  it('hides the details of a 5xx: "Internal error", no message, no stack', async () => {
    const response = await app.inject({ method: 'GET', url: '/test/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'Internal error', requestId: response.headers['x-request-id'] } });
    expect(response.body).not.toMatch(/Acme|10\.0\.0\.5|stack|at /);
    // Logged for the operator, by request id, but without the message (it could echo input).
    const logged = lines.filter((l) => l.includes('unhandled error'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(String(response.headers['x-request-id']));
    expect(logged[0]).not.toContain('Acme');
  });

  it('redacts credentials and never logs query strings', async () => {
    lines.length = 0;
    const response = await app.inject({
      method: 'POST',
      url: '/test/echo?password=qs-hunter2&search=Acme+Holdings',
      headers: { authorization: 'Bearer tok-SECRET-123', cookie: 'confidant_session=sess-SECRET-456' },
      payload: { name: 'n', password: 'body-hunter2' },
    });
    expect(response.statusCode).toBe(200);
    const output = lines.join('\n');
    expect(output).toContain('"msg":"echo"');
    expect(output).toContain('[redacted]');
    for (const secret of ['qs-hunter2', 'Acme', 'tok-SECRET-123', 'sess-SECRET-456', 'body-hunter2', 'search=']) expect(output).not.toContain(secret);
    expect(output).toContain('/test/echo');
  });
});

describe.each(DIALECTS)('rate limiting on %s', (dialect) => {
  let instance: TestInstance;
  beforeAll(async () => {
    instance = await createTestInstance(dialect, { env: { RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(async () => instance?.close());

  it('answers 429 RATE_LIMITED in the error model once the budget is spent', async () => {
    for (let i = 0; i < 3; i++) expect((await instance.app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).toBe(200);
    const limited = await instance.app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({ error: { code: 'RATE_LIMITED', message: 'Too many requests, slow down', requestId: limited.headers['x-request-id'] } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another client address has its own budget.
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/health', remoteAddress: '10.9.8.7' })).statusCode).toBe(200);
  });
});

describe.each(DIALECTS)('readiness on %s', (dialect) => {
  let instance: TestInstance;
  beforeAll(async () => {
    instance = await createTestInstance(dialect, { env: { BLOB_STORE_URL: 's3://confidant?endpoint=http%3A%2F%2F127.0.0.1%3A1&region=us-east-1&forcePathStyle=true' } });
  });
  afterAll(async () => instance?.close());

  it('answers 503 SERVICE_UNAVAILABLE when the blob store is unreachable, while liveness stays up', async () => {
    const ready = await instance.app.inject({ method: 'GET', url: '/api/v1/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: 'Blob store unreachable' });
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).toBe(200);
  });
});

describe('TLS', () => {
  let dir: string;
  let instance: TestInstance;
  let url: string;
  let cert: Buffer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'confidant-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    cert = readFileSync(join(dir, 'cert.pem'));
    instance = await createTestInstance('sqlite', { env: { TLS_CERT_FILE: join(dir, 'cert.pem'), TLS_KEY_FILE: join(dir, 'key.pem') } });
    url = await instance.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await instance?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with the configured certificate and sends HSTS', async () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const { status, headers, body } = await new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const req = httpsRequest(`${url}/api/v1/health`, { ca: cert }, (res) => {
        let data = '';
        res.on('data', (chunk: Buffer) => (data += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    expect(JSON.parse(body)).toEqual({ status: 'ok' });
    expect(headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(String(headers['content-security-policy'])).toContain('upgrade-insecure-requests');
  });

  it('does not speak plain HTTP on the TLS port', async () => {
    await expect(fetch(url.replace('https:', 'http:') + '/api/v1/health').then((r) => r.status)).rejects.toThrow();
  });
});
