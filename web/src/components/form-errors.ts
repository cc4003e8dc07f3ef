import { ApiError } from '../api/client';

/**
 * The server's message for one field of a 400, by its exact path (`body.name`, `query.since`):
 * `body.name` never matches `body.clientName`. Null when the error is not about that field.
 */
export function fieldError(error: unknown, path: string): string | null {
  return error instanceof ApiError ? (error.fields.find((field) => field.path === path)?.message ?? null) : null;
}

