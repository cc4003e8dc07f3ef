/** Random secrets handed to users once (session cookies, API tokens, links) and their stored form. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, base64url, with a readable prefix so leaked tokens are recognizable by scanners. */
export function newSecret(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** Stored form of a high-entropy secret: SHA-256 is enough (no brute force on 256 bits), and fast. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(hashSecret(a), 'hex');
  const right = Buffer.from(hashSecret(b), 'hex');
  return timingSafeEqual(left, right);
}
