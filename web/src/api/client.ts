/**
 * The web app's one way to talk to the server: `api`, an openapi-fetch client typed by the
 * generated `schema.d.ts` (paths, parameters, bodies and answers as the routes declare them).
 * Same origin, session cookie, CSRF token from the `confidant_csrf` cookie echoed in
 * `x-csrf-token` on state-changing calls. Failures become ApiError with the server's stable
 * error code, request id and field errors; an unreachable server is NETWORK_ERROR.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { ErrorCode } from '../../../common/error-codes';
import type { components, paths } from './schema';

export type ErrorBody = components['schemas']['ErrorResponse'];
export type FieldError = NonNullable<ErrorBody['error']['fields']>[number];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'NETWORK_ERROR',
    message: string,
    readonly requestId: string | null = null,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }
}

export const NETWORK_ERROR_MESSAGE = 'Cannot reach the server. Check your connection and try again.';

export function csrfToken(): string | null {
  const match = document.cookie.split('; ').find((c) => c.startsWith('confidant_csrf='));
  return match ? decodeURIComponent(match.slice('confidant_csrf='.length)) : null;
}

/** The ApiError for a failed answer: the server's error model, or a generic one when the body is not it. */
export function apiErrorFrom(status: number, body: unknown, fallback = `Request failed (${status})`): ApiError {
  const error = (body as Partial<ErrorBody> | null | undefined)?.error;
  return new ApiError(status, (error?.code as ErrorCode | undefined) ?? 'INTERNAL_ERROR', error?.message ?? fallback, error?.requestId ?? null, error?.fields ?? []);
}

export const networkError = () => new ApiError(0, 'NETWORK_ERROR', NETWORK_ERROR_MESSAGE);

// The methods whose calls always carry a JSON body (as with the hand-written client before).
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

const confidantMiddleware: Middleware = {
  onRequest({ request }) {
    if (!request.headers.has('accept')) request.headers.set('accept', 'application/json');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const token = csrfToken();
      if (token) request.headers.set('x-csrf-token', token);
    }
    // A POST, PUT or PATCH without a body sends `{}`, which the routes' body schemas expect.
    if (WITH_BODY.has(request.method) && request.body === null) {
      const headers = new Headers(request.headers);
      headers.set('content-type', 'application/json');
      return new Request(request, { body: '{}', headers });
    }
    return undefined;
  },
  async onResponse({ response }) {
    if (response.ok) return undefined;
    const text = await response.clone().text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    throw apiErrorFrom(response.status, body);
  },
  onError({ error }) {
    return error instanceof ApiError ? error : networkError();
  },
};

/** The typed client: `api.GET('/api/v1/matters/{id}', { params: { path: { id } } })`. Errors throw ApiError. */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(confidantMiddleware);

/**
 * The answer's body. The middleware throws every failure as ApiError, so what reaches here is a
 * success (`undefined` for 204).
 */
export async function data<T>(request: Promise<{ data?: T; response: Response }>): Promise<T> {
  const result = await request;
  return result.data as T;
}
