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
  /**
   * Work that must be committed even though the request fails (e.g. the audit event of a denied
   * access decision). Run once by `inTransaction` after its rollback — writing it inside the
   * doomed transaction would lose it, and writing it on another connection while the transaction
   * holds SQLite's only connection would deadlock — or by the HTTP error handler as a fallback.
   */
  afterRollback?: (() => Promise<void>) | undefined;
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

/** Runs (once) the error's after-rollback work, if any. */
export async function runAfterRollback(error: unknown): Promise<void> {
  if (!(error instanceof AppError) || !error.afterRollback) return;
  const work = error.afterRollback;
  error.afterRollback = undefined;
  await work();
}

function defaultMessage(code: ErrorCode): string {
  return code
    .toLowerCase()
    .replace(/_/g, ' ')
    .replace(/^./, (c) => c.toUpperCase());
}
