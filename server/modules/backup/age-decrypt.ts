/**
 * Reads age-encryption.org/v1 files for X25519 identities (`AGE-SECRET-KEY-1…`): what
 * `confidant backup verify --identity` and `restore` need to open the archives `backup create`
 * writes with server/platform/crypto/age.ts. The `age` CLI opens them too; this reader exists so a
 * restore does not depend on it. Whole-buffer (the database part of a backup, not the blobs).
 */
import { createDecipheriv, createHmac, createPrivateKey, createPublicKey, diffieHellman, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import { BackupError } from './backup.errors.js';

const AGE_CHUNK = 64 * 1024;
const BECH32_ALPHABET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

function bech32Decode(text: string): { hrp: string; bytes: Buffer } {
  const lower = text.toLowerCase();
  const separator = lower.lastIndexOf('1');
  if (separator < 1) throw new Error('not bech32');
  const hrp = lower.slice(0, separator);
  const values: number[] = [];
  for (const char of lower.slice(separator + 1)) {
    const value = BECH32_ALPHABET.indexOf(char);
    if (value < 0) throw new Error('not bech32');
    values.push(value);
  }
  const generators = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let checksum = 1;
  const expanded = [...hrp].map((c) => c.charCodeAt(0) >> 5).concat([0], [...hrp].map((c) => c.charCodeAt(0) & 31), values);
  for (const value of expanded) {
    const top = checksum >> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    for (let i = 0; i < 5; i += 1) if ((top >> i) & 1) checksum ^= generators[i]!;
  }
  if (checksum !== 1) throw new Error('bad bech32 checksum');
  let accumulator = 0;
  let bits = 0;
  const bytes: number[] = [];
  for (const value of values.slice(0, -6)) {
    accumulator = (accumulator << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((accumulator >> bits) & 0xff);
    }
  }
  return { hrp, bytes: Buffer.from(bytes) };
}

export interface AgeIdentityKey {
  privateKey: KeyObject;
  publicKey: Buffer;
}

/** The X25519 identities of an age identity file (lines `AGE-SECRET-KEY-1…`; `#` comments skipped). */
export function parseAgeIdentities(fileText: string): AgeIdentityKey[] {
  const identities: AgeIdentityKey[] = [];
  for (const raw of fileText.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    let decoded: { hrp: string; bytes: Buffer };
    try {
      decoded = bech32Decode(line);
    } catch {
      throw new BackupError('BACKUP_IDENTITY_INVALID', 'the identity file holds a line that is not an age secret key');
    }
    if (decoded.hrp !== 'age-secret-key-' || decoded.bytes.length !== 32) throw new BackupError('BACKUP_IDENTITY_INVALID', 'the identity file holds a line that is not an X25519 age secret key');
    const der = Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), decoded.bytes]);
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    const publicKey = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x!, 'base64url');
    identities.push({ privateKey, publicKey });
  }
  if (identities.length === 0) throw new BackupError('BACKUP_IDENTITY_INVALID', 'the identity file holds no age secret key');
  return identities;
}

const b64 = (text: string) => Buffer.from(text, 'base64');

function damaged(detail: string): BackupError {
  return new BackupError('BACKUP_ARCHIVE_DAMAGED', `the archive is not a valid age file: ${detail}`);
}

/** Decrypts a whole age file; BACKUP_IDENTITY_WRONG when no identity opens it, BACKUP_ARCHIVE_DAMAGED when altered or truncated. */
export function ageDecrypt(file: Buffer, identities: AgeIdentityKey[]): Buffer {
  const end = file.indexOf('\n---', 0, 'latin1');
  if (!file.subarray(0, 22).equals(Buffer.from('age-encryption.org/v1\n', 'latin1')) || end < 0) throw damaged('no age header');
  const headerEnd = file.indexOf('\n', end + 4, 'latin1');
  if (headerEnd < 0) throw damaged('the header is cut short');
  const headerText = file.subarray(0, end + 4).toString('latin1');
  const macLine = file.subarray(end + 4, headerEnd).toString('latin1');
  if (!macLine.startsWith(' ')) throw damaged('no header MAC');
  const lines = headerText.split('\n').slice(1, -1);
  const stanzas: { type: string; args: string[]; body: Buffer }[] = [];
  for (let i = 0; i < lines.length; ) {
    const head = lines[i]!;
    if (!head.startsWith('-> ')) throw damaged('malformed stanza');
    const [type, ...args] = head.slice(3).split(' ');
    let body = '';
    i += 1;
    for (;;) {
      const line = lines[i];
      if (line === undefined) throw damaged('malformed stanza body');
      body += line;
      i += 1;
      if (line.length < 64) break;
    }
    stanzas.push({ type: type ?? '', args, body: b64(body) });
  }
  let fileKey: Buffer | null = null;
  for (const stanza of stanzas) {
    if (stanza.type !== 'X25519' || stanza.args.length !== 1 || stanza.body.length !== 32) continue;
    const share = b64(stanza.args[0]!);
    if (share.length !== 32) continue;
    for (const identity of identities) {
      try {
        const peer = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: share.toString('base64url') }, format: 'jwk' });
        const shared = diffieHellman({ privateKey: identity.privateKey, publicKey: peer });
        const wrapKey = Buffer.from(hkdfSync('sha256', shared, Buffer.concat([share, identity.publicKey]), 'age-encryption.org/v1/X25519', 32));
        const decipher = createDecipheriv('chacha20-poly1305', wrapKey, Buffer.alloc(12), { authTagLength: 16 });
        decipher.setAuthTag(stanza.body.subarray(16));
        fileKey = Buffer.concat([decipher.update(stanza.body.subarray(0, 16)), decipher.final()]);
        break;
      } catch {
        // not this identity
      }
    }
    if (fileKey) break;
  }
  if (!fileKey) throw new BackupError('BACKUP_IDENTITY_WRONG', 'none of the identities given opens this archive (it was encrypted to other recipients)');
  const macKey = Buffer.from(hkdfSync('sha256', fileKey, Buffer.alloc(0), 'header', 32));
  const expected = createHmac('sha256', macKey).update(headerText, 'latin1').digest();
  const mac = b64(macLine.slice(1));
  if (mac.length !== 32 || !timingSafeEqual(mac, expected)) throw damaged('the header MAC does not match (the header was altered)');
  const nonce = file.subarray(headerEnd + 1, headerEnd + 17);
  if (nonce.length !== 16) throw damaged('the payload is cut short');
  const payloadKey = Buffer.from(hkdfSync('sha256', fileKey, nonce, 'payload', 32));
  const body = file.subarray(headerEnd + 17);
  const out: Buffer[] = [];
  let counter = 0n;
  for (let offset = 0; ; ) {
    const chunk = body.subarray(offset, offset + AGE_CHUNK + 16);
    offset += chunk.length;
    const last = offset >= body.length;
    if (chunk.length < 16) throw damaged('the payload is cut short');
    const chunkNonce = Buffer.alloc(12);
    chunkNonce.writeBigUInt64BE(counter, 3);
    chunkNonce[11] = last ? 1 : 0;
    counter += 1n;
    try {
      const decipher = createDecipheriv('chacha20-poly1305', payloadKey, chunkNonce, { authTagLength: 16 });
      decipher.setAuthTag(chunk.subarray(chunk.length - 16));
      out.push(decipher.update(chunk.subarray(0, chunk.length - 16)), decipher.final());
    } catch {
      throw damaged(`chunk ${counter - 1n} does not authenticate (altered or truncated)`);
    }
    if (last) break;
  }
  return Buffer.concat(out);
}
