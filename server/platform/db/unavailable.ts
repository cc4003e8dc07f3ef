/**
 * Recognizes failures that mean "a dependency is unreachable right now" (database connection
 * lost or refused, pool exhausted, SQLite busy, blob folder unwritable or disk full) so they answer 503 SERVICE_UNAVAILABLE
 * — retry later — instead of 500, which means a bug.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ENOSPC', 'EDQUOT', 'EROFS', 'ENOTDIR', 'EACCES', 'EIO', 'SQLITE_BUSY', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_CANTOPEN']);
// PostgreSQL SQLSTATEs: class 08 connection exceptions, 53 insufficient resources, 57P0x shutdown.
const PG_STATE = /^(08|53|57P0)/;
const PG_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly|the database system is (starting up|shutting down)/;

export function isDependencyUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || PG_STATE.test(e.code) || e.code.startsWith('SQLITE_IOERR'))) return true;
    if (typeof e.message === 'string' && PG_MESSAGES.test(e.message)) return true;
    current = e.cause;
  }
  return false;
}
