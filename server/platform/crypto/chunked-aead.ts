/**
 * Streaming chunked AEAD ("CNFD" format, version 1) — the at-rest format of every document blob.
 * Specified in docs/cryptography.md; vectors in ./test-vectors/chunked-aead-v1.json.
 *
 *   header (40 bytes) = "CNFD" | version 0x01 | log2(chunkSize) | 0x00 0x00 | salt (32 random bytes)
 *   then N ≥ 1 chunks, each AES-256-GCM(ciphertext of ≤ chunkSize bytes) | tag (16 bytes)
 *
 *   per-object key (32) | nonce prefix (4) = HKDF-SHA256(ikm = data key, salt, info = "confidant/cnfd/v1")
 *   nonce(i)  = nonce prefix | uint64be(i)
 *   AAD(i)    = header | uint64be(i) | last (0x00 or 0x01) | context
 *
 * Every chunk but the last holds exactly chunkSize bytes; the last holds 1..chunkSize bytes (0 only
 * when the whole plaintext is empty). Chunk order (index), truncation and extension (last flag),
 * the header (salt, chunk size) and the caller's context (object id, client id, key version) are
 * therefore all authenticated. Plaintext of a chunk is released only after its tag verified.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../errors.js';

export const CNFD_MAGIC = Buffer.from('CNFD', 'ascii');
export const CNFD_VERSION = 1;
export const HEADER_SIZE = 40;
export const TAG_SIZE = 16;
// 256 KiB: small enough for constant memory and fine-grained ranges; at 64 KiB the per-chunk cipher
// setup cost about half of the throughput (measured in bench/scenarios/documents-throughput).
export const DEFAULT_CHUNK_LOG2 = 18;
const HKDF_INFO = Buffer.from('confidant/cnfd/v1', 'ascii');

export class IntegrityError extends AppError {
  constructor() {
    // One message for every cause: the caller learns nothing about which check failed.
    super('INTEGRITY_ERROR', 'Stored content failed its integrity check');
  }
}

/**
 * Encodes the values a blob is bound to (e.g. object id, client id, key version) unambiguously:
 * each as uint32be(length) | UTF-8 bytes.
 */
export function encodeContext(values: (string | number)[]): Buffer {
  const parts: Buffer[] = [];
  for (const value of values) {
    const bytes = Buffer.from(String(value), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  }
  return Buffer.concat(parts);
}

interface ParsedHeader {
  header: Buffer;
  chunkSize: number;
  key: Buffer;
  noncePrefix: Buffer;
}

function deriveObjectKey(dataKey: Buffer, salt: Buffer): { key: Buffer; noncePrefix: Buffer } {
  if (dataKey.length !== 32) throw new Error('data key must be 32 bytes');
  const okm = Buffer.from(hkdfSync('sha256', dataKey, salt, HKDF_INFO, 36));
  return { key: okm.subarray(0, 32), noncePrefix: okm.subarray(32, 36) };
}

function buildHeader(chunkLog2: number, salt: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  CNFD_MAGIC.copy(header, 0);
  header[4] = CNFD_VERSION;
  header[5] = chunkLog2;
  salt.copy(header, 8);
  return header;
}

/** Parses and checks a header; any malformation is an integrity failure (never a hint why). */
export function parseHeader(header: Buffer, dataKey: Buffer): ParsedHeader {
  if (header.length !== HEADER_SIZE || !header.subarray(0, 4).equals(CNFD_MAGIC) || header[4] !== CNFD_VERSION || header[6] !== 0 || header[7] !== 0) {
    throw new IntegrityError();
  }
  const log2 = header[5]!;
  if (log2 < 10 || log2 > 24) throw new IntegrityError();
  const { key, noncePrefix } = deriveObjectKey(dataKey, header.subarray(8, 40));
  return { header, chunkSize: 2 ** log2, key, noncePrefix };
}

function nonceFor(prefix: Buffer, index: number): Buffer {
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0);
  nonce.writeBigUInt64BE(BigInt(index), 4);
  return nonce;
}

function aadFor(header: Buffer, index: number, isLast: boolean, context: Buffer): Buffer {
  const position = Buffer.alloc(9);
  position.writeBigUInt64BE(BigInt(index), 0);
  position[8] = isLast ? 1 : 0;
  return Buffer.concat([header, position, context]);
}

function sealChunk(h: ParsedHeader, index: number, isLast: boolean, context: Buffer, plaintext: Buffer): Buffer[] {
  const cipher = createCipheriv('aes-256-gcm', h.key, nonceFor(h.noncePrefix, index));
  cipher.setAAD(aadFor(h.header, index, isLast, context));
  const body = cipher.update(plaintext);
  const final = cipher.final();
  return final.length > 0 ? [body, final, cipher.getAuthTag()] : [body, cipher.getAuthTag()];
}

function openChunk(h: ParsedHeader, index: number, isLast: boolean, context: Buffer, sealed: Buffer): Buffer {
  if (sealed.length < TAG_SIZE || sealed.length > h.chunkSize + TAG_SIZE) throw new IntegrityError();
  // A last chunk is never empty except as the only chunk, so an appended empty chunk cannot verify.
  if (isLast && index > 0 && sealed.length === TAG_SIZE) throw new IntegrityError();
  if (!isLast && sealed.length !== h.chunkSize + TAG_SIZE) throw new IntegrityError();
  try {
    const decipher = createDecipheriv('aes-256-gcm', h.key, nonceFor(h.noncePrefix, index));
    decipher.setAAD(aadFor(h.header, index, isLast, context));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
    const body = decipher.update(sealed.subarray(0, sealed.length - TAG_SIZE));
    const final = decipher.final();
    return final.length > 0 ? Buffer.concat([body, final]) : body;
  } catch {
    throw new IntegrityError();
  }
}

/** Collects incoming buffers and hands out exact-size slices without re-copying everything. */
class ByteQueue {
  private parts: Buffer[] = [];
  length = 0;
  push(buffer: Buffer): void {
    if (buffer.length === 0) return;
    this.parts.push(buffer);
    this.length += buffer.length;
  }
  take(n: number): Buffer {
    if (n > this.length) throw new Error('not enough bytes');
    this.length -= n;
    const first = this.parts[0];
    if (first && first.length >= n) {
      if (first.length === n) this.parts.shift();
      else this.parts[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let offset = 0;
    while (offset < n) {
      const part = this.parts[0]!;
      const need = n - offset;
      if (part.length <= need) {
        part.copy(out, offset);
        offset += part.length;
        this.parts.shift();
      } else {
        part.copy(out, offset, 0, need);
        this.parts[0] = part.subarray(need);
        offset += need;
      }
    }
    return out;
  }
}

export interface EncryptOptions {
  /** 32-byte data key (the per-object key is derived from it with the header's random salt). */
  dataKey: Buffer;
  /** Bound as associated data to every chunk; see encodeContext. */
  context: Buffer;
  chunkLog2?: number;
  /** Only for test vectors: a fixed salt. */
  salt?: Buffer;
}

/** Plaintext in, CNFD ciphertext out; memory bounded by one chunk plus one incoming buffer. */
export function createEncryptStream(options: EncryptOptions): Transform {
  const chunkLog2 = options.chunkLog2 ?? DEFAULT_CHUNK_LOG2;
  const salt = options.salt ?? randomBytes(32);
  const header = buildHeader(chunkLog2, salt);
  const parsed = parseHeader(header, options.dataKey);
  const queue = new ByteQueue();
  let index = 0;
  let headerSent = false;
  const emit = (stream: Transform, parts: Buffer[]) => {
    for (const part of parts) stream.push(part);
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (!headerSent) {
        this.push(header);
        headerSent = true;
      }
      queue.push(chunk);
      // Only seal a chunk once a further byte exists: then it is certainly not the last one.
      while (queue.length > parsed.chunkSize) {
        emit(this, sealChunk(parsed, index, false, options.context, queue.take(parsed.chunkSize)));
        index += 1;
      }
      callback();
    },
    flush(callback: TransformCallback) {
      if (!headerSent) this.push(header);
      emit(this, sealChunk(parsed, index, true, options.context, queue.take(queue.length)));
      callback();
    },
  });
}

export interface DecryptOptions {
  dataKey: Buffer;
  context: Buffer;
}

/** CNFD ciphertext in, verified plaintext out; fails with IntegrityError on any tampering. */
export function createDecryptStream(options: DecryptOptions): Transform {
  const queue = new ByteQueue();
  let parsed: ParsedHeader | null = null;
  let index = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        queue.push(chunk);
        if (!parsed) {
          if (queue.length < HEADER_SIZE) return callback();
          parsed = parseHeader(queue.take(HEADER_SIZE), options.dataKey);
        }
        const sealedSize = parsed.chunkSize + TAG_SIZE;
        while (queue.length > sealedSize) {
          this.push(openChunk(parsed, index, false, options.context, queue.take(sealedSize)));
          index += 1;
        }
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        if (!parsed) throw new IntegrityError();
        this.push(openChunk(parsed, index, true, options.context, queue.take(queue.length)));
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

/** Ciphertext size for a plaintext of `size` bytes. */
export function sealedSize(size: number, chunkLog2 = DEFAULT_CHUNK_LOG2): number {
  const chunks = Math.max(1, Math.ceil(size / 2 ** chunkLog2));
  return HEADER_SIZE + size + chunks * TAG_SIZE;
}

/** Plaintext size of a well-formed ciphertext of `size` bytes; throws IntegrityError if impossible. */
export function plaintextSize(size: number, chunkSize: number): number {
  const chunks = Math.max(1, Math.ceil((size - HEADER_SIZE) / (chunkSize + TAG_SIZE)));
  const plain = size - HEADER_SIZE - chunks * TAG_SIZE;
  if (plain < 0 || (chunks > 1 && plain <= (chunks - 1) * chunkSize)) throw new IntegrityError();
  return plain;
}

/** Reads a byte range [start, end] (inclusive, of the ciphertext) from storage. */
export type RangeReader = (start: number, end: number) => Promise<Readable>;

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/**
 * Random access: decrypts only the chunks covering plaintext bytes [start, end] (inclusive) and
 * streams exactly that range. Needs the ciphertext size to know which chunk is the last.
 */
export async function decryptRange(options: DecryptOptions & { read: RangeReader; sealedLength: number; start: number; end: number }): Promise<Readable> {
  const { read, sealedLength, context } = options;
  if (sealedLength < HEADER_SIZE + TAG_SIZE) throw new IntegrityError();
  const parsed = parseHeader(await readAll(await read(0, HEADER_SIZE - 1)), options.dataKey);
  const total = plaintextSize(sealedLength, parsed.chunkSize);
  if (options.start < 0 || options.end < options.start || options.end >= total) throw new AppError('RANGE_NOT_SATISFIABLE');
  const chunkCount = Math.max(1, Math.ceil(total / parsed.chunkSize));
  const first = Math.floor(options.start / parsed.chunkSize);
  const last = Math.floor(options.end / parsed.chunkSize);
  const sealedChunk = parsed.chunkSize + TAG_SIZE;
  const from = HEADER_SIZE + first * sealedChunk;
  const to = Math.min(sealedLength, HEADER_SIZE + (last + 1) * sealedChunk) - 1;
  const source = await read(from, to);
  async function* plaintext(): AsyncGenerator<Buffer> {
    const queue = new ByteQueue();
    let index = first;
    const openNext = (sealed: Buffer): Buffer => {
      const plain = openChunk(parsed, index, index === chunkCount - 1, context, sealed);
      const chunkStart = index * parsed.chunkSize;
      const sliceStart = Math.max(0, options.start - chunkStart);
      const sliceEnd = Math.min(plain.length, options.end - chunkStart + 1);
      index += 1;
      return plain.subarray(sliceStart, sliceEnd);
    };
    for await (const part of source) {
      queue.push(part as Buffer);
      while (index <= last && queue.length >= sealedChunk) {
        yield openNext(queue.take(sealedChunk));
      }
    }
    if (index <= last) {
      if (index !== last || queue.length === 0) throw new IntegrityError();
      yield openNext(queue.take(queue.length));
    }
  }
  return Readable.from(plaintext(), { objectMode: false });
}

/**
 * Waits until the first plaintext bytes of `stream` verified (or it failed), so a caller can still
 * answer with a proper error status before sending any header. Returns a stream of the same bytes.
 */
export async function verifiedStart(stream: Readable): Promise<Readable> {
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  async function* rest(): AsyncGenerator<Buffer> {
    if (!first.done) yield first.value as Buffer;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value as Buffer;
    }
  }
  return Readable.from(rest(), { objectMode: false });
}
