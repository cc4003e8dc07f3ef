/**
 * Where encrypted blobs live. Blobs are addressed by an immutable opaque id (never by a path
 * derived from names), written atomically (visible only once complete) and never modified.
 * Callers encrypt before `put`: a blob store only ever sees ciphertext.
 */
import type { Readable } from 'node:stream';
import { AppError } from '../errors.js';

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export interface BlobStore {
  readonly kind: 'file' | 's3';
  /** Stores the whole stream under `id`; fails if `id` exists. Returns the bytes written. */
  put(id: string, body: Readable): Promise<{ size: number }>;
  /** Streams a blob, or a byte range of it. Throws BlobNotFoundError. */
  get(id: string, range?: ByteRange): Promise<Readable>;
  /** Size in bytes, or null when there is no such blob. */
  size(id: string): Promise<number | null>;
  /** Removes a blob; removing a missing blob is not an error. */
  delete(id: string): Promise<void>;
  /** Every blob whose id ends with `suffix`, with when it became visible (epoch ms). */
  list(suffix: string): AsyncIterable<{ id: string; modifiedAt: number }>;
  /**
   * Removes writes a crash left unfinished (temporary files, multipart uploads never completed)
   * begun before `before` (epoch ms); returns how many. They hold only ciphertext, but disk and
   * object-store space should not grow with every crash.
   */
  removeIncomplete(before: number): Promise<number>;
  /**
   * The file holding a blob when the store is a local folder (backups copy it with the kernel
   * instead of streaming it through the process); absent for object stores.
   */
  localFile?(id: string): string;
  /** Throws when the store cannot be reached or written (readiness check). */
  check(): Promise<void>;
  close?(): Promise<void>;
}

export class BlobNotFoundError extends Error {
  constructor() {
    super('blob not found');
    this.name = 'BlobNotFoundError';
  }
}

const BLOB_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/;

/** Blob ids are opaque tokens; anything that could be read as a path is refused. */
export function assertBlobId(id: string): void {
  if (!BLOB_ID.test(id)) throw new AppError('BAD_REQUEST', 'Invalid blob id');
}
