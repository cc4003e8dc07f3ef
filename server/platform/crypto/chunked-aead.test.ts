import { createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDecryptStream, createEncryptStream, decryptRange, encodeContext, HEADER_SIZE, plaintextSize, sealedSize, TAG_SIZE, verifiedStart } from './chunked-aead.js';

const dataKey = randomBytes(32);
const context = encodeContext(['object-1', 'client-1', 1]);

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** Feeds `data` in pieces of `piece` bytes, to exercise chunk boundaries. */
function source(data: Buffer, piece = 7000): Readable {
  const pieces: Buffer[] = [];
  for (let i = 0; i < data.length; i += piece) pieces.push(data.subarray(i, i + piece));
  return Readable.from(pieces);
}

async function encrypt(data: Buffer, options: { chunkLog2?: number; key?: Buffer; ctx?: Buffer; piece?: number } = {}): Promise<Buffer> {
  return collect(source(data, options.piece).pipe(createEncryptStream({ dataKey: options.key ?? dataKey, context: options.ctx ?? context, chunkLog2: options.chunkLog2 ?? 10 })));
}

async function decrypt(sealed: Buffer, options: { key?: Buffer; ctx?: Buffer; piece?: number } = {}): Promise<Buffer> {
  return collect(source(sealed, options.piece).pipe(createDecryptStream({ dataKey: options.key ?? dataKey, context: options.ctx ?? context })));
}

/** A direct, non-streaming reading of the spec in docs/cryptography.md, independent of the implementation. */
function referenceDecrypt(sealed: Buffer, key: Buffer, ctx: Buffer): Buffer {
  const header = sealed.subarray(0, 40);
  expect(header.subarray(0, 5).toString('latin1')).toBe('CNFD\x01');
  const chunkSize = 2 ** header[5]!;
  const okm = Buffer.from(hkdfSync('sha256', key, header.subarray(8, 40), Buffer.from('confidant/cnfd/v1'), 36));
  const out: Buffer[] = [];
  let offset = 40;
  for (let i = 0; offset < sealed.length; i += 1) {
    const end = Math.min(offset + chunkSize + 16, sealed.length);
    const isLast = end === sealed.length;
    const nonce = Buffer.concat([okm.subarray(32, 36), Buffer.alloc(8)]);
    nonce.writeBigUInt64BE(BigInt(i), 4);
    const position = Buffer.alloc(9);
    position.writeBigUInt64BE(BigInt(i));
    position[8] = isLast ? 1 : 0;
    const decipher = createDecipheriv('aes-256-gcm', okm.subarray(0, 32), nonce);
    decipher.setAAD(Buffer.concat([header, position, ctx]));
    decipher.setAuthTag(sealed.subarray(end - 16, end));
    out.push(decipher.update(sealed.subarray(offset, end - 16)), decipher.final());
    offset = end;
  }
  return Buffer.concat(out);
}

describe('CNFD chunked AEAD', () => {
  it('matches the committed test vectors, read by the reference decoder and the streaming one', async () => {
    const file = JSON.parse(readFileSync(new URL('./test-vectors/chunked-aead-v1.json', import.meta.url), 'utf8')) as {
      vectors: { name: string; chunkLog2: number; dataKey: string; salt: string; context: (string | number)[]; plaintext: string; ciphertext: string }[];
    };
    expect(file.vectors.length).toBeGreaterThanOrEqual(4);
    for (const vector of file.vectors) {
      const key = Buffer.from(vector.dataKey, 'hex');
      const ctx = encodeContext(vector.context);
      const ciphertext = Buffer.from(vector.ciphertext, 'hex');
      const plaintext = Buffer.from(vector.plaintext, 'hex');
      const again = await collect(Readable.from([plaintext]).pipe(createEncryptStream({ dataKey: key, context: ctx, chunkLog2: vector.chunkLog2, salt: Buffer.from(vector.salt, 'hex') })));
      expect(again.toString('hex'), vector.name).toBe(vector.ciphertext);
      expect(referenceDecrypt(ciphertext, key, ctx).toString('hex'), vector.name).toBe(vector.plaintext);
      expect((await decrypt(ciphertext, { key, ctx })).toString('hex'), vector.name).toBe(vector.plaintext);
    }
  });

  it('round-trips any content and feeding pattern, with the predicted size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 5000 }), fc.integer({ min: 1, max: 3000 }), async (bytes, piece) => {
        const data = Buffer.from(bytes);
        const sealed = await encrypt(data, { piece });
        expect(sealed.length).toBe(sealedSize(data.length, 10));
        expect(plaintextSize(sealed.length, 1024)).toBe(data.length);
        expect((await decrypt(sealed, { piece: piece + 3 })).equals(data)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('uses a fresh salt per object: the same content encrypts differently', async () => {
    const data = Buffer.from('same content');
    expect((await encrypt(data)).equals(await encrypt(data))).toBe(false);
  });

  const data = randomBytes(3 * 1024 + 100);
  const chunk = 1024 + TAG_SIZE;

  it.each([
    ['a flipped bit in a chunk', (s: Buffer) => { const t = Buffer.from(s); t[HEADER_SIZE + chunk + 5]! ^= 1; return t; }],
    ['a flipped bit in a tag', (s: Buffer) => { const t = Buffer.from(s); t[HEADER_SIZE + chunk - 1]! ^= 0x80; return t; }],
    ['a flipped bit in the salt', (s: Buffer) => { const t = Buffer.from(s); t[20]! ^= 1; return t; }],
    ['a changed chunk size', (s: Buffer) => { const t = Buffer.from(s); t[5] = 11; return t; }],
    ['truncation at a chunk boundary', (s: Buffer) => s.subarray(0, HEADER_SIZE + 2 * chunk)],
    ['truncation inside a chunk', (s: Buffer) => s.subarray(0, s.length - 10)],
    ['a lost header', (s: Buffer) => s.subarray(0, 30)],
    ['two chunks swapped', (s: Buffer) => Buffer.concat([s.subarray(0, HEADER_SIZE), s.subarray(HEADER_SIZE + chunk, HEADER_SIZE + 2 * chunk), s.subarray(HEADER_SIZE, HEADER_SIZE + chunk), s.subarray(HEADER_SIZE + 2 * chunk)])],
    ['a duplicated chunk', (s: Buffer) => Buffer.concat([s.subarray(0, HEADER_SIZE + chunk), s.subarray(HEADER_SIZE, s.length)])],
    ['an appended empty chunk', (s: Buffer) => Buffer.concat([s, s.subarray(s.length - TAG_SIZE)])],
  ])('refuses %s with INTEGRITY_ERROR', async (_name, tamper) => {
    const sealed = await encrypt(data);
    await expect(decrypt(tamper(sealed))).rejects.toMatchObject({ code: 'INTEGRITY_ERROR' });
  });

  it('refuses a wrong key or a different object, client or key version (bound as associated data)', async () => {
    const sealed = await encrypt(data);
    await expect(decrypt(sealed, { key: randomBytes(32) })).rejects.toMatchObject({ code: 'INTEGRITY_ERROR' });
    await expect(decrypt(sealed, { ctx: encodeContext(['object-2', 'client-1', 1]) })).rejects.toMatchObject({ code: 'INTEGRITY_ERROR' });
    await expect(decrypt(sealed, { ctx: encodeContext(['object-1', 'client-2', 1]) })).rejects.toMatchObject({ code: 'INTEGRITY_ERROR' });
    await expect(decrypt(sealed, { ctx: encodeContext(['object-1', 'client-1', 2]) })).rejects.toMatchObject({ code: 'INTEGRITY_ERROR' });
  });

  it('never releases the bytes of a tampered chunk', async () => {
    const sealed = await encrypt(data);
    sealed[HEADER_SIZE + chunk + 5]! ^= 1;
    const received: Buffer[] = [];
    await expect(
      (async () => {
        for await (const part of source(sealed).pipe(createDecryptStream({ dataKey, context }))) received.push(part as Buffer);
      })(),
    ).rejects.toMatchObject({ code: 'INTEGRITY_ERROR' });
    // At most the first (intact) chunk may have been released, and nothing of the tampered one.
    const released = Buffer.concat(received);
    expect([0, 1024]).toContain(released.length);
    expect(released.equals(data.subarray(0, released.length))).toBe(true);
  });

  it('verifiedStart fails before any byte when the first chunk is tampered', async () => {
    const sealed = await encrypt(data);
    sealed[HEADER_SIZE + 3]! ^= 1;
    await expect(verifiedStart(source(sealed).pipe(createDecryptStream({ dataKey, context })))).rejects.toMatchObject({ code: 'INTEGRITY_ERROR' });
    const good = await encrypt(data);
    expect((await collect(await verifiedStart(source(good).pipe(createDecryptStream({ dataKey, context }))))).equals(data)).toBe(true);
  });

  describe('random access', () => {
    const sizes = [0, 1, 1023, 1024, 1025, 4096, 5000];
    it('decrypts any range, reading only the chunks it needs', async () => {
      for (const size of sizes.filter((s) => s > 0)) {
        const plain = randomBytes(size);
        const sealed = await encrypt(plain);
        const reads: [number, number][] = [];
        const read = async (start: number, end: number) => {
          reads.push([start, end]);
          return Readable.from([sealed.subarray(start, end + 1)]);
        };
        for (const [start, end] of [[0, 0], [0, size - 1], [size - 1, size - 1], [Math.floor(size / 3), Math.floor((2 * size) / 3)], [Math.max(0, size - 1500), size - 1]] as [number, number][]) {
          reads.length = 0;
          const out = await collect(await decryptRange({ dataKey, context, read, sealedLength: sealed.length, start, end }));
          expect(out.equals(plain.subarray(start, end + 1)), `${size} ${start}-${end}`).toBe(true);
          const body = reads[1]!;
          expect(body[1] - body[0] + 1).toBeLessThanOrEqual((Math.floor(end / 1024) - Math.floor(start / 1024) + 1) * chunk);
        }
      }
    });

    it('refuses a range beyond the end, and tampering inside the range', async () => {
      const plain = randomBytes(3000);
      const sealed = await encrypt(plain);
      const read = async (start: number, end: number) => Readable.from([sealed.subarray(start, end + 1)]);
      await expect(decryptRange({ dataKey, context, read, sealedLength: sealed.length, start: 10, end: 3000 })).rejects.toMatchObject({ code: 'RANGE_NOT_SATISFIABLE' });
      sealed[HEADER_SIZE + chunk + 1]! ^= 1;
      await expect(collect(await decryptRange({ dataKey, context, read, sealedLength: sealed.length, start: 1500, end: 1600 }))).rejects.toMatchObject({ code: 'INTEGRITY_ERROR' });
      // A range in an untouched chunk still reads.
      expect((await collect(await decryptRange({ dataKey, context, read, sealedLength: sealed.length, start: 0, end: 99 }))).equals(plain.subarray(0, 100))).toBe(true);
    });

    it('refuses a blob truncated at a chunk boundary when the range reaches its end', async () => {
      // (Callers also compare the stored size with the size recorded at upload.)
      const sealed = await encrypt(randomBytes(3000));
      const cut = sealed.subarray(0, HEADER_SIZE + 2 * chunk);
      const read = async (start: number, end: number) => Readable.from([cut.subarray(start, end + 1)]);
      await expect(collect(await decryptRange({ dataKey, context, read, sealedLength: cut.length, start: 1500, end: 2047 }))).rejects.toMatchObject({ code: 'INTEGRITY_ERROR' });
      const mismatched = async (start: number, end: number) => Readable.from([cut.subarray(start, Math.min(end + 1, cut.length - 1))]);
      await expect(collect(await decryptRange({ dataKey, context, read: mismatched, sealedLength: cut.length, start: 1500, end: 2047 }))).rejects.toMatchObject({ code: 'INTEGRITY_ERROR' });
    });
  });
});
