/**
 * A writer for the age format (age-encryption.org/v1) with X25519 or scrypt (passphrase) recipients, so exports and
 * backups open with the standard `age` tool. Written on Node's crypto rather than the
 * age-encryption JS library because that library encrypts at ~100 MiB/s and exports can be large
 * (see bench/scenarios/documents-throughput.bench.ts); the format is small and fixed by https://age-encryption.org/v1,
 * and a test decrypts our output with the real `age` CLI.
 */
import { createCipheriv, createHmac, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, scrypt } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

const AGE_CHUNK = 64 * 1024;
const BECH32_ALPHABET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

/** Decodes an `age1…` recipient (Bech32, BIP 173) to its 32-byte X25519 public key. */
export function parseAgeRecipient(recipient: string): Buffer {
  const text = recipient.trim();
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) throw new Error('invalid age recipient');
  const lower = text.toLowerCase();
  const separator = lower.lastIndexOf('1');
  if (lower.slice(0, separator) !== 'age' || lower.length - separator - 1 < 6) throw new Error('invalid age recipient');
  const values: number[] = [];
  for (const char of lower.slice(separator + 1)) {
    const value = BECH32_ALPHABET.indexOf(char);
    if (value < 0) throw new Error('invalid age recipient');
    values.push(value);
  }
  const hrpExpanded = [...'age'].map((c) => c.charCodeAt(0) >> 5).concat([0], [...'age'].map((c) => c.charCodeAt(0) & 31));
  if (bech32Polymod(hrpExpanded.concat(values)) !== 1) throw new Error('invalid age recipient');
  const data = values.slice(0, -6);
  // Regroup 5-bit words into bytes.
  let accumulator = 0;
  let bits = 0;
  const bytes: number[] = [];
  for (const value of data) {
    accumulator = (accumulator << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((accumulator >> bits) & 0xff);
    }
  }
  if (bits >= 5 || ((accumulator << (8 - bits)) & 0xff) !== 0 || bytes.length !== 32) throw new Error('invalid age recipient');
  return Buffer.from(bytes);
}

function bech32Polymod(values: number[]): number {
  const generators = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let checksum = 1;
  for (const value of values) {
    const top = checksum >> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    for (let i = 0; i < 5; i += 1) if ((top >> i) & 1) checksum ^= generators[i]!;
  }
  return checksum;
}

function base64NoPad(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

/** Stanza bodies are wrapped at 64 columns; the last line is always shorter than 64 (maybe empty). */
function wrapBody(text: string): string {
  const lines: string[] = [];
  for (let i = 0; i <= text.length; i += 64) lines.push(text.slice(i, i + 64));
  return lines.join('\n');
}

function x25519Stanza(fileKey: Buffer, recipient: Buffer): string {
  const recipientKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: recipient.toString('base64url') }, format: 'jwk' });
  const ephemeral = generateKeyPairSync('x25519');
  const share = Buffer.from(ephemeral.publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipientKey });
  if (shared.every((b) => b === 0)) throw new Error('invalid age recipient');
  const wrapKey = Buffer.from(hkdfSync('sha256', shared, Buffer.concat([share, recipient]), 'age-encryption.org/v1/X25519', 32));
  const cipher = createCipheriv('chacha20-poly1305', wrapKey, Buffer.alloc(12), { authTagLength: 16 });
  const body = Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]);
  return `-> X25519 ${base64NoPad(share)}\n${wrapBody(base64NoPad(body))}\n`;
}

/**
 * scrypt work factor (log2 N) of passphrase-encrypted files: the `age` CLI's own default (about a
 * second and 256 MiB to derive, for us once per file and for anyone guessing once per guess).
 * `age -d` accepts it; it refuses factors above 22 by default.
 */
export const AGE_SCRYPT_WORK_FACTOR = 18;

function scryptAsync(passphrase: Buffer, salt: Buffer, logN: number): Promise<Buffer> {
  const N = 2 ** logN;
  // Off the event loop (libuv's pool): deriving takes about a second.
  return new Promise((resolve, reject) => scrypt(passphrase, salt, 32, { N, r: 8, p: 1, maxmem: 128 * N * 8 + 32 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key))));
}

/** The scrypt recipient stanza (age spec: salt label "age-encryption.org/v1/scrypt", r = 8, p = 1); it must be the file's only stanza. */
async function scryptStanza(fileKey: Buffer, passphrase: string, logN: number): Promise<string> {
  const salt = randomBytes(16);
  const wrapKey = await scryptAsync(Buffer.from(passphrase, 'utf8'), Buffer.concat([Buffer.from('age-encryption.org/v1/scrypt', 'latin1'), salt]), logN);
  const cipher = createCipheriv('chacha20-poly1305', wrapKey, Buffer.alloc(12), { authTagLength: 16 });
  const body = Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]);
  return `-> scrypt ${base64NoPad(salt)} ${logN}\n${wrapBody(base64NoPad(body))}\n`;
}

function headerOf(stanzas: string[], fileKey: Buffer): Buffer {
  const header = `age-encryption.org/v1\n${stanzas.join('')}---`;
  const macKey = Buffer.from(hkdfSync('sha256', fileKey, Buffer.alloc(0), 'header', 32));
  const mac = createHmac('sha256', macKey).update(header, 'latin1').digest();
  return Buffer.from(`${header} ${base64NoPad(mac)}\n`, 'latin1');
}

/** Builds the header for `recipients` and the payload key; exported for tests. */
export function ageHeader(recipients: string[], fileKey: Buffer): Buffer {
  return headerOf(recipients.map((recipient) => x25519Stanza(fileKey, parseAgeRecipient(recipient))), fileKey);
}

/** Who can open an age file: X25519 recipients (`age1…`), or one passphrase (`age -d` asks for it). */
export type AgeProtection = { recipients: string[] } | { passphrase: string; workFactor?: number };

/**
 * Like `createAgeEncryptStream`, for either kind of protection; a passphrase is stretched with
 * scrypt first (off the event loop), hence the promise.
 */
export async function createAgeEncryptStreamFor(protection: AgeProtection): Promise<Transform> {
  if ('recipients' in protection) return createAgeEncryptStream(protection.recipients);
  if (protection.passphrase.length === 0) throw new Error('empty passphrase');
  const fileKey = randomBytes(16);
  return encryptStream(fileKey, headerOf([await scryptStanza(fileKey, protection.passphrase, protection.workFactor ?? AGE_SCRYPT_WORK_FACTOR)], fileKey));
}

/**
 * Plaintext in, an age file out (header, 16-byte nonce, ChaCha20-Poly1305 STREAM of 64 KiB
 * chunks); constant memory.
 */
export function createAgeEncryptStream(recipients: string[]): Transform {
  if (recipients.length === 0) throw new Error('at least one recipient');
  const fileKey = randomBytes(16);
  return encryptStream(fileKey, ageHeader(recipients, fileKey));
}

function encryptStream(fileKey: Buffer, header: Buffer): Transform {
  const nonce = randomBytes(16);
  const payloadKey = Buffer.from(hkdfSync('sha256', fileKey, nonce, 'payload', 32));
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let counter = 0n;
  let started = false;
  const seal = (plaintext: Buffer, isLast: boolean): Buffer => {
    const chunkNonce = Buffer.alloc(12);
    chunkNonce.writeBigUInt64BE(counter, 3); // 11-byte big-endian counter; high bytes stay zero
    chunkNonce[11] = isLast ? 1 : 0;
    counter += 1n;
    const cipher = createCipheriv('chacha20-poly1305', payloadKey, chunkNonce, { authTagLength: 16 });
    return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  };
  const start = (stream: Transform) => {
    if (started) return;
    started = true;
    stream.push(header);
    stream.push(nonce);
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      start(this);
      pending.push(chunk);
      pendingLength += chunk.length;
      if (pendingLength > AGE_CHUNK) {
        let all = Buffer.concat(pending, pendingLength);
        // Keep at least one byte back: the final chunk must be sealed with the last flag.
        while (all.length > AGE_CHUNK) {
          this.push(seal(all.subarray(0, AGE_CHUNK), false));
          all = all.subarray(AGE_CHUNK);
        }
        pending = [all];
        pendingLength = all.length;
      }
      callback();
    },
    flush(callback: TransformCallback) {
      start(this);
      this.push(seal(Buffer.concat(pending, pendingLength), true));
      pending = [];
      callback();
    },
  });
}
