/**
 * Key wrapping and derivation primitives (technology only; the key hierarchy lives in the keys
 * module). Wrapping is AES-256-GCM with a random 96-bit nonce and the wrapped key's identity as
 * associated data, so a wrapped key moved to another row or version does not unwrap.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { IntegrityError } from './chunked-aead.js';

const WRAP_VERSION = 1;

/** Wrapped form: version(1) | nonce(12) | ciphertext(32) | tag(16), base64. */
export function wrapKey(kek: Buffer, key: Buffer, associatedData: Buffer): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce);
  cipher.setAAD(associatedData);
  const body = Buffer.concat([cipher.update(key), cipher.final()]);
  return Buffer.concat([Buffer.from([WRAP_VERSION]), nonce, body, cipher.getAuthTag()]).toString('base64');
}

export function unwrapKey(kek: Buffer, wrapped: string, associatedData: Buffer): Buffer {
  const bytes = Buffer.from(wrapped, 'base64');
  if (bytes.length < 1 + 12 + 16 || bytes[0] !== WRAP_VERSION) throw new IntegrityError();
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, bytes.subarray(1, 13));
    decipher.setAAD(associatedData);
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(13, bytes.length - 16)), decipher.final()]);
  } catch {
    throw new IntegrityError();
  }
}

/** HKDF-SHA256 (RFC 5869). */
export function hkdf(ikm: Buffer, salt: Buffer, info: string, length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from(info, 'utf8'), length));
}

/** Keyed blind index: HMAC-SHA256 of a normalized value, so equality search works without plaintext. */
export function blindIndex(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value.normalize('NFKC').trim().toLowerCase(), 'utf8').digest('base64url');
}

export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Small-field sealing (names, titles, contact details): AES-256-GCM, same layout as wrapKey. */
export function sealField(key: Buffer, plaintext: string, associatedData: Buffer): string {
  return wrapKey(key, Buffer.from(plaintext, 'utf8'), associatedData);
}

export function openField(key: Buffer, sealed: string, associatedData: Buffer): string {
  return unwrapKey(key, sealed, associatedData).toString('utf8');
}
