/**
 * The typed client keeps the hand-written client's contract: CSRF token echoed on state-changing
 * calls only, `{}` for a body-less POST, the server's error model as ApiError, and one message
 * for an unreachable server.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as ClientModule from './client';

const calls: Request[] = [];
let answer: () => Promise<Response> = async () => new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });

// Relative URLs resolve against the page in a browser; here against a made-up origin.
class PageRequest extends Request {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === 'string' ? new URL(input, 'http://confidant.test') : input, init);
  }
}

let client: typeof ClientModule;
beforeAll(async () => {
  vi.stubGlobal('Request', PageRequest);
  vi.stubGlobal('document', { cookie: 'other=1; confidant_csrf=tok%2Ben; last=2' });
  vi.stubGlobal('fetch', async (request: Request) => {
    calls.push(request);
    return answer();
  });
  // openapi-fetch takes fetch and Request when the client is created: import after the stubs.
  client = await import('./client');
});
afterAll(() => vi.unstubAllGlobals());
beforeEach(() => {
  calls.length = 0;
  answer = async () => new Response('{"status":"ok"}', { status: 200, headers: { 'content-type': 'application/json' } });
});

describe('the typed API client', () => {
  it('echoes the CSRF cookie on a state-changing call, and sends {} when the call has no body', async () => {
    await client.data(client.api.POST('/api/v1/auth/sign-out'));
    const request = calls[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('http://confidant.test/api/v1/auth/sign-out');
    expect(request.headers.get('x-csrf-token')).toBe('tok+en');
    expect(request.headers.get('accept')).toBe('application/json');
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(await request.text()).toBe('{}');
  });

  it('sends no CSRF token on a GET, and returns the parsed answer', async () => {
    const body = await client.data(client.api.GET('/api/v1/health'));
    expect(body).toEqual({ status: 'ok' });
    expect(calls[0]!.headers.get('x-csrf-token')).toBeNull();
  });

  it('turns the error model into an ApiError with status, code, message, request id and fields', async () => {
    answer = async () =>
      new Response(JSON.stringify({ error: { code: 'VALIDATION_FAILED', message: 'Invalid body', requestId: 'req-7', fields: [{ path: 'body.name', message: 'is required' }] } }), {
        status: 400,
        headers: { 'content-type': 'application/json' },
      });
    const error = await client.data(client.api.POST('/api/v1/clients', { body: { kind: 'person', name: '' } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(client.ApiError);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', message: 'Invalid body', requestId: 'req-7', fields: [{ path: 'body.name', message: 'is required' }] });
  });

  it('answers INTERNAL_ERROR with the status when the failure is not the error model', async () => {
    answer = async () => new Response('<html>Bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } });
    const error = await client.data(client.api.GET('/api/v1/health')).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, code: 'INTERNAL_ERROR', message: 'Request failed (502)', requestId: null, fields: [] });
  });

  it('says the server cannot be reached when the request never gets an answer', async () => {
    answer = async () => {
      throw new TypeError('Failed to fetch');
    };
    const error = await client.data(client.api.GET('/api/v1/health')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(client.ApiError);
    expect(error).toMatchObject({ status: 0, code: 'NETWORK_ERROR', message: 'Cannot reach the server. Check your connection and try again.' });
  });

  it('answers undefined for 204', async () => {
    answer = async () => new Response(null, { status: 204 });
    await expect(client.data(client.api.DELETE('/api/v1/auth/tokens/{id}', { params: { path: { id: 't1' } } }))).resolves.toBeUndefined();
    expect(calls[0]!.headers.get('x-csrf-token')).toBe('tok+en');
  });
});
