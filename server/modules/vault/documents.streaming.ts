/**
 * Document content on the wire and in the blob store: CNFD encryption streamed in constant memory,
 * content type sniffed from the first bytes, the size limit, byte ranges, and decryption of a
 * stored version (whole or a range) after checking its stored size. No SQL and no access
 * decisions: the service hands in the key it obtained for an `Authorized` value.
 */
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromBuffer } from 'file-type';
import type { RequestContext } from '../../platform/context.js';
import { createDecryptStream, createEncryptStream, decryptRange, encodeContext, IntegrityError, sealedSize } from '../../platform/crypto/chunked-aead.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { DOCUMENT_BLOB_SUFFIX } from './blob-sweeper.js';
import type { VaultDocumentVersionsTable } from './vault.tables.js';

const SNIFF_BYTES = 4100;

/** Associated data of a version's blob: the document, version, client and key version it belongs to. */
export function blobContext(documentId: string, version: number, clientId: string, keyVersion: number): Buffer {
  return encodeContext(['confidant/document/v1', documentId, version, clientId, keyVersion]);
}

/** Passes bytes through, counting them and keeping the first few KiB to detect the content type. */
class Sniffer extends Transform {
  size = 0;
  private head: Buffer[] = [];
  private headLength = 0;
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) return callback(tooLarge(this.maxBytes));
    if (this.headLength < SNIFF_BYTES) {
      const part = chunk.subarray(0, SNIFF_BYTES - this.headLength);
      this.head.push(Buffer.from(part));
      this.headLength += part.length;
    }
    callback(null, chunk);
  }
  async contentType(): Promise<string> {
    const head = Buffer.concat(this.head);
    const detected = await fileTypeFromBuffer(head);
    if (detected) return detected.mime;
    if (head.length > 0 && !head.includes(0) && isUtf8(head)) return 'text/plain';
    return 'application/octet-stream';
  }
}

function isUtf8(bytes: Buffer): boolean {
  try {
    // The sniffed head may end inside a multi-byte character: allow a cut of up to 3 bytes.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, Math.max(0, bytes.length - (bytes.length === SNIFF_BYTES ? 3 : 0))));
    return true;
  } catch {
    return false;
  }
}

/** The 413 for a document over the instance's MAX_DOCUMENT_SIZE, naming the limit (not secret). */
export function tooLarge(maxBytes: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `The document is larger than this firm's limit of ${formatBytes(maxBytes)}`);
}

function formatBytes(bytes: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  return `${bytes} bytes`;
}

/** What `storeContent` wrote: the new blob, the plaintext and stored sizes, and the sniffed type. */
export interface StoredContent {
  blobId: string;
  size: number;
  sealedSize: number;
  contentType: string;
}

/**
 * Streams `body` through encryption into a new blob; deletes the blob on any failure. The request
 * body is piped in rather than made part of the pipeline: when storing fails (blob store down,
 * too large) the pipeline must not destroy the client's socket before the error answer is sent —
 * the error handler drains what is left of the body, then answers.
 */
export async function storeContent(ctx: RequestContext, body: Readable, key: Buffer, context: Buffer): Promise<StoredContent> {
  const blobId = `${newId()}${DOCUMENT_BLOB_SUFFIX}`;
  const sniffer = new Sniffer(ctx.app.config.maxDocumentBytes);
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  // A body cut off by the client (socket closed mid-upload) ends the write with an error.
  const cut = (error?: Error) => {
    if (!body.readableEnded) sniffer.destroy(error ?? new AppError('BAD_REQUEST', 'The upload was cut off'));
  };
  body.once('error', cut);
  body.once('close', cut);
  body.pipe(sniffer);
  try {
    // Both sides settle before we answer, so a refused upload has cleaned up its temporary file
    // by then. The first failure is the one reported (a too-large body, not the write it aborted;
    // a store outage, not the pipeline it stalled).
    let firstError: unknown;
    const fail = (error: unknown) => {
      firstError ??= error;
      out.destroy();
      throw error;
    };
    const results = await Promise.allSettled([pipeline(sniffer, createEncryptStream({ dataKey: key, context }), out).catch(fail), ctx.app.blobs.put(blobId, out).catch(fail)]);
    if (firstError !== undefined) throw firstError;
    const stored = (results[1] as PromiseFulfilledResult<{ size: number }>).value;
    if (stored.size !== sealedSize(sniffer.size)) throw new Error('stored size does not match');
    return { blobId, size: sniffer.size, sealedSize: stored.size, contentType: await sniffer.contentType() };
  } catch (error) {
    body.unpipe(sniffer);
    out.destroy();
    await ctx.app.blobs.delete(blobId).catch(() => undefined);
    throw error;
  } finally {
    body.off('error', cut);
    body.off('close', cut);
  }
}

/** Commits rows after the blob is stored; deletes the blob if the commit fails. */
export async function commitOrDiscard<T>(ctx: RequestContext, blobId: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await ctx.app.blobs.delete(blobId).catch(() => undefined);
    throw error;
  }
}

export interface ContentRange {
  start: number;
  end: number;
}

/** Parses one `bytes=` range against `size`; null means "serve everything". Throws RANGE_NOT_SATISFIABLE. */
export function parseRange(header: string | undefined, size: number): ContentRange | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges or other units: serve the whole content (allowed by RFC 9110).
  if (!match) return null;
  const [, first, last] = match;
  let start: number;
  let end: number;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) throw new AppError('RANGE_NOT_SATISFIABLE');
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  }
  if (start >= size || end < start) throw new AppError('RANGE_NOT_SATISFIABLE');
  return { start, end };
}

/**
 * The plaintext of a stored version, whole or (`range`) a part, decrypted with `key` under
 * `context`. Checks the stored size first (a truncated or padded blob is an IntegrityError); later
 * tampering fails the stream.
 */
export async function openStoredContent(ctx: RequestContext, version: VaultDocumentVersionsTable, key: Buffer, context: Buffer, range: ContentRange | null = null): Promise<Readable> {
  if ((await ctx.app.blobs.size(version.blob_id)) !== version.sealed_size) throw new IntegrityError();
  if (range) return decryptRange({ dataKey: key, context, sealedLength: version.sealed_size, start: range.start, end: range.end, read: (start, end) => ctx.app.blobs.get(version.blob_id, { start, end }) });
  const source = await ctx.app.blobs.get(version.blob_id);
  const decrypt = createDecryptStream({ dataKey: key, context });
  source.on('error', (error) => decrypt.destroy(error));
  return source.pipe(decrypt);
}
