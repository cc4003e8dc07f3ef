import { describe, expect, it } from 'vitest';
import { isDependencyUnavailable } from './unavailable.js';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('isDependencyUnavailable (503 rather than 500)', () => {
  it('recognizes a full or read-only disk, an unreachable peer and a busy SQLite, also as a cause', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'EROFS', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'SQLITE_BUSY', 'SQLITE_FULL', 'SQLITE_IOERR_WRITE', '08006', '53300', '57P01']) {
      expect(isDependencyUnavailable(withCode(code)), code).toBe(true);
    }
    // The blob store wraps the file-system error; the S3 client wraps the socket error.
    expect(isDependencyUnavailable(new Error('could not store', { cause: withCode('ENOSPC') }))).toBe(true);
    expect(isDependencyUnavailable(new Error('upload failed', { cause: new Error('socket', { cause: withCode('ECONNRESET') }) }))).toBe(true);
    expect(isDependencyUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('leaves bugs and bad data as 500s', () => {
    for (const error of [new Error('boom'), new TypeError('x is undefined'), withCode('SQLITE_CONSTRAINT_UNIQUE'), withCode('23505'), withCode('22003'), withCode('ENOENT'), null, undefined, 'ENOSPC']) {
      expect(isDependencyUnavailable(error), String(error)).toBe(false);
    }
  });
});
