import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { DIALECTS } from '../../test-support/dialects.js';

describe.each(DIALECTS)('HTTP platform on %s', (dialect) => {
  let instance: TestInstance;
  beforeAll(async () => {
    instance = await createTestInstance(dialect);
  });
  afterAll(async () => instance?.close());

  it('answers liveness and readiness', async () => {
    const health = await instance.app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await instance.app.inject({ method: 'GET', url: '/api/v1/ready' });
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', blobStore: 'ok' } });
  });

  it('sends strict security headers and a request id', async () => {
    const response = await instance.app.inject({ method: 'GET', url: '/api/v1/health' });
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['strict-transport-security']).toBeUndefined();
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with the one error model', async () => {
    const response = await instance.app.inject({ method: 'GET', url: '/api/v1/no-such-thing' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No such route', requestId: response.headers['x-request-id'] } });
  });

  it('serves an OpenAPI 3.1 document where every route declares its responses', async () => {
    const response = await instance.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json() as { openapi: string; paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/v1/health');
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect(Object.keys(operation.responses ?? {}).filter((s) => s.startsWith('2')), `${method} ${path}`).not.toHaveLength(0);
      }
    }
  });

  it('serves readable API docs', async () => {
    const response = await instance.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('swagger');
  });
});
