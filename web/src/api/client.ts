/**
 * The web app's one way to talk to the server: JSON over fetch, same origin, session cookie,
 * CSRF token from the `confidant_csrf` cookie echoed in `x-csrf-token` on state-changing calls.
 * Failures become ApiError with the server's stable error code.
 */
import type { ErrorCode } from '../../../common/error-codes';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'NETWORK_ERROR',
    message: string,
    readonly requestId: string | null = null,
    readonly fields: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

function csrfToken(): string | null {
  const match = document.cookie.split('; ').find((c) => c.startsWith('confidant_csrf='));
  return match ? decodeURIComponent(match.slice('confidant_csrf='.length)) : null;
}

export async function api<T>(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  if (body !== undefined && !(body instanceof Blob) && !(body instanceof FormData)) headers.set('content-type', 'application/json');
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken();
    if (token) headers.set('x-csrf-token', token);
  }
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      ...init,
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : body instanceof Blob || body instanceof FormData ? body : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', 'Cannot reach the server. Check your connection and try again.');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const error = (data as { error?: { code: ErrorCode; message: string; requestId: string; fields?: { path: string; message: string }[] } })?.error;
    throw new ApiError(response.status, error?.code ?? 'INTERNAL_ERROR', error?.message ?? `Request failed (${response.status})`, error?.requestId ?? null, error?.fields ?? []);
  }
  return data as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const put = <T>(path: string, body?: unknown) => api<T>('PUT', path, body ?? {});
export const patch = <T>(path: string, body?: unknown) => api<T>('PATCH', path, body ?? {});
export const del = <T>(path: string) => api<T>('DELETE', path);
