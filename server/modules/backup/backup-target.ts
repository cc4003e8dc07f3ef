/**
 * Where backups are written: a local folder or an S3-compatible bucket (`s3://bucket/prefix?…`,
 * the same URL form as BLOB_STORE_URL). Both hold the same layout, addressed by relative keys:
 * `backups/<id>/archive.tar.age`, `backups/<id>/manifest.json`, `blobs/<sha256>`, `shreds.jsonl`,
 * `drills.jsonl`. Every write is atomic: a reader sees the whole object or none of it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { isNotFound, s3Location } from '../../platform/blobs/s3-blob-store.js';
import { BackupError } from './backup.errors.js';

/** What a content-addressed copy reads: a stream (opened once or twice), or a local file when there is one. */
export interface ContentSource {
  open: () => Promise<Readable>;
  file?: string;
}

export interface BackupTarget {
  readonly kind: 'dir' | 's3';
  /** The folder, or the s3:// URL without its query: for messages. */
  readonly location: string;
  /** `key` as a person would look for it (a path, or an s3:// URL). */
  where(key: string): string;
  /** The whole object, or null when there is none. */
  read(key: string): Promise<Buffer | null>;
  /** Streams an object; throws BackupError BACKUP_BLOB_MISSING when there is none. */
  readStream(key: string): Promise<Readable>;
  size(key: string): Promise<number | null>;
  /** Writes (or replaces) `key` atomically. */
  write(key: string, bytes: Buffer): Promise<void>;
  /** Streams `body` into `key`, visible only once complete; returns the bytes written. */
  writeStream(key: string, body: Readable): Promise<number>;
  /**
   * Copies what `open` streams into `<prefix>/<its SHA-256>` unless that object exists already.
   * `open` may be called twice (S3: once to hash, once to upload, checked against the first).
   */
  putContentAddressed(prefix: string, source: ContentSource): Promise<{ sha256: string; size: number; copied: boolean }>;
  /** Creates the folder `key` for one writer only: false when it exists already. */
  claim(key: string): Promise<boolean>;
  /** Names one level below `prefix` (sub-folders and objects alike). */
  children(prefix: string): Promise<string[]>;
  /** Removes every object under `prefix`. */
  removeTree(prefix: string): Promise<void>;
  close(): Promise<void>;
}

const KEY = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

function checkKey(key: string): string {
  if (!KEY.test(key) || key.split('/').some((p) => p === '.' || p === '..')) throw new Error(`invalid backup key ${key}`);
  return key;
}

const COPY_BUFFER = 4 * 1024 * 1024;

function hasher(): { stream: Transform; result: () => { sha256: string; size: number } } {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    // Large buffers: copying and hashing gigabytes in 16 KiB steps costs more than the hashing.
    highWaterMark: COPY_BUFFER,
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  return { stream, result: () => ({ sha256: hash.digest('hex'), size }) };
}

/** A local folder or `s3://bucket/prefix?endpoint=…&region=…&forcePathStyle=true`. */
export function openBackupTarget(to: string): BackupTarget {
  if (to.startsWith('s3://')) {
    let location: ReturnType<typeof s3Location>;
    try {
      location = s3Location(to);
    } catch {
      throw new BackupError('BACKUP_TARGET_INVALID', 'the s3:// backup target is not a valid URL (s3://bucket/prefix?endpoint=…&region=…)');
    }
    if (!location.bucket) throw new BackupError('BACKUP_TARGET_INVALID', 'the s3:// backup target names no bucket');
    return new S3Target(location.client, location.bucket, location.prefix);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(to)) throw new BackupError('BACKUP_TARGET_INVALID', `a backup target is a folder or s3://bucket/prefix, not ${to.split('://')[0]}://`);
  return new DirTarget(resolve(to));
}

class DirTarget implements BackupTarget {
  readonly kind = 'dir' as const;
  constructor(readonly location: string) {}

  where(key: string): string {
    return join(this.location, checkKey(key));
  }

  async read(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.where(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async readStream(key: string): Promise<Readable> {
    const path = this.where(key);
    if ((await this.size(key)) === null) throw new BackupError('BACKUP_BLOB_MISSING', `${path} is missing`);
    return createReadStream(path, { highWaterMark: COPY_BUFFER });
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.where(key))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  private async temp(key: string): Promise<{ path: string; temp: string }> {
    const path = this.where(key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    return { path, temp: join(dirname(path), `.partial-${randomBytes(8).toString('hex')}`) };
  }

  async write(key: string, bytes: Buffer): Promise<void> {
    const { path, temp } = await this.temp(key);
    try {
      await writeFile(temp, bytes, { mode: 0o600, flag: 'wx' });
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async writeStream(key: string, body: Readable): Promise<number> {
    const { path, temp } = await this.temp(key);
    const out = createWriteStream(temp, { mode: 0o600, flags: 'wx', highWaterMark: COPY_BUFFER });
    try {
      await pipeline(body, out);
      await rename(temp, path);
      return out.bytesWritten;
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async putContentAddressed(prefix: string, source: ContentSource): Promise<{ sha256: string; size: number; copied: boolean }> {
    const { temp } = await this.temp(`${prefix}/x`);
    if (source.file !== undefined) return this.copyLocalFile(prefix, source.file, temp);
    const counting = hasher();
    try {
      await pipeline(await source.open(), counting.stream, createWriteStream(temp, { mode: 0o600, flags: 'wx', highWaterMark: COPY_BUFFER }));
      const { sha256, size } = counting.result();
      const final = this.where(`${prefix}/${sha256}`);
      const copied = (await this.size(`${prefix}/${sha256}`)) === null;
      if (copied) await rename(temp, final);
      else await rm(temp, { force: true });
      return { sha256, size, copied };
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  /** A local file: hashed by reading it (page cache), copied by the kernel (a reflink where the file system has them) only when new. */
  private async copyLocalFile(prefix: string, file: string, temp: string): Promise<{ sha256: string; size: number; copied: boolean }> {
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of createReadStream(file, { highWaterMark: COPY_BUFFER })) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    const sha256 = hash.digest('hex');
    const key = `${prefix}/${sha256}`;
    if ((await this.size(key)) !== null) return { sha256, size, copied: false };
    try {
      await copyFile(file, temp, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
      // Blobs never change; a size that differs means the file was replaced meanwhile.
      if ((await stat(temp)).size !== size) throw new Error(`${file} changed while it was copied`);
      await rename(temp, this.where(key));
      return { sha256, size, copied: true };
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async claim(key: string): Promise<boolean> {
    const path = this.where(key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    try {
      await mkdir(path, { mode: 0o700 });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  }

  async children(prefix: string): Promise<string[]> {
    try {
      return (await readdir(this.where(prefix))).filter((n) => !n.startsWith('.partial-'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async removeTree(prefix: string): Promise<void> {
    await rm(this.where(prefix), { recursive: true, force: true });
  }

  async close(): Promise<void> {}
}

class S3Target implements BackupTarget {
  readonly kind = 's3' as const;
  readonly location: string;
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {
    this.location = `s3://${bucket}/${prefix}`;
  }

  private objectKey(key: string): string {
    return `${this.prefix}${checkKey(key)}`;
  }

  where(key: string): string {
    return `s3://${this.bucket}/${this.objectKey(key)}`;
  }

  async read(key: string): Promise<Buffer | null> {
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return Buffer.from(await result.Body!.transformToByteArray());
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async readStream(key: string): Promise<Readable> {
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return result.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) throw new BackupError('BACKUP_BLOB_MISSING', `${this.where(key)} is missing`);
      throw error;
    }
  }

  async size(key: string): Promise<number | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async write(key: string, bytes: Buffer): Promise<void> {
    // A single PUT is atomic: readers see the old object or the new one.
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), Body: bytes, ContentLength: bytes.length }));
  }

  async writeStream(key: string, body: Readable): Promise<number> {
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
    });
    // Multipart: the object appears only when the upload completes.
    await new Upload({ client: this.client, params: { Bucket: this.bucket, Key: this.objectKey(key), Body: body }, partSize: 8 * 1024 * 1024, queueSize: 2 }).done();
    return size;
  }

  async putContentAddressed(prefix: string, source: ContentSource): Promise<{ sha256: string; size: number; copied: boolean }> {
    const open = source.open;
    const first = hasher();
    await pipeline(await open(), first.stream, async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) void chunk;
    });
    const { sha256, size } = first.result();
    const key = `${prefix}/${sha256}`;
    if ((await this.size(key)) !== null) return { sha256, size, copied: false };
    const second = hasher();
    const body = await open();
    body.on('error', (error) => second.stream.destroy(error));
    await this.writeStream(key, body.pipe(second.stream));
    if (second.result().sha256 !== sha256) {
      await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: [{ Key: this.objectKey(key) }] } }));
      throw new Error(`${key} changed while it was copied`);
    }
    return { sha256, size, copied: true };
  }

  async claim(key: string): Promise<boolean> {
    // Object stores have no folders: a marker object, written only when absent.
    const marker = `${key}/.claim`;
    if ((await this.size(marker)) !== null) return false;
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.objectKey(marker), Body: Buffer.alloc(0), IfNoneMatch: '*' }));
    return true;
  }

  async children(prefix: string): Promise<string[]> {
    const base = `${this.prefix}${prefix === '' ? '' : `${checkKey(prefix)}/`}`;
    const names = new Set<string>();
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: base, Delimiter: '/', ...(token ? { ContinuationToken: token } : {}) }));
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) names.add(p.Prefix.slice(base.length).replace(/\/$/, ''));
      for (const o of page.Contents ?? []) if (o.Key) names.add(o.Key.slice(base.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return [...names].filter((n) => n !== '');
  }

  async removeTree(prefix: string): Promise<void> {
    const base = `${this.objectKey(prefix)}/`;
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: base, ...(token ? { ContinuationToken: token } : {}) }));
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length > 0) await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys } }));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
