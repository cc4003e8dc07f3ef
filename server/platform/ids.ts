import { randomBytes } from 'node:crypto';

/**
 * UUIDv7 (RFC 9562): time-ordered, so primary-key indexes stay append-mostly on both engines.
 * Written here because it is twelve lines and no dependency is worth that.
 */
// Random bytes drawn 4 KiB at a time: one call into the CSPRNG per 256 ids instead of one per id
// (it showed in profiles of small requests, which each need a request id).
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let offset = POOL_SIZE;

function random16(): Buffer {
  if (offset + 16 > pool.length) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  // A copy: callers write into it, and the pool must not be seen twice.
  const bytes = Buffer.from(pool.subarray(offset, offset + 16));
  offset += 16;
  return bytes;
}

export function newId<T extends string = string>(now: number = Date.now()): T {
  const bytes = random16();
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` as T;
}

export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

export function isUuid(value: string): boolean {
  return new RegExp(UUID_PATTERN).test(value);
}
