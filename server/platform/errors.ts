import { ERROR_CODES, type ErrorCode } from '../../common/error-codes.js';

export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * The one error type services throw. `message` must never contain client data or secrets: it is
 * shown to the caller (except for 5xx codes, whose message is replaced) and may be logged.
 */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly fields?: FieldProblem[],
  ) {
    super(message ?? defaultMessage(code));
    this.name = 'AppError';
    this.status = ERROR_CODES[code];
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

function defaultMessage(code: ErrorCode): string {
  return code
    .toLowerCase()
    .replace(/_/g, ' ')
    .replace(/^./, (c) => c.toUpperCase());
}
