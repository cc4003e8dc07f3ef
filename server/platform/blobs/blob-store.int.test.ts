/**
 * One contract for both blob stores: the local folder, and S3 through the real AWS SDK against a
 * real S3-compatible server (s3rver) started here on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { BlobNotFoundError, type BlobStore } from './blob-store.js';
import { openBlobStore } from './open-blob-store.js';
import { FileBlobStore } from './file-blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';

interface Harness {
  store: BlobStore;
  /** Names of anything left in the store besides committed blobs (temp files, parts). */
  leftovers(): Promise<string[]>;
  /** Leaves an unfinished write behind, as a process killed mid-upload would. */
  abandonWrite(): Promise<void>;
  close(): Promise<void>;
}

async function fileHarness(): Promise<Harness> {
  const root = mkdtempSync(join(tmpdir(), 'confidant-blobs-'));
  const store = openBlobStore({ blobStoreUrl: `file:${root}` });
  expect(store).toBeInstanceOf(FileBlobStore);
  return {
    store,
    leftovers: async () => (existsSync(join(root, '.tmp')) ? readdirSync(join(root, '.tmp')) : []),
    abandonWrite: async () => {
      mkdirSync(join(root, '.tmp'), { recursive: true });
      writeFileSync(join(root, '.tmp', `${randomBytes(12).toString('hex')}.part`), randomBytes(1000));
    },
    close: async () => rmSync(root, { recursive: true, force: true }),
  };
}

async function s3Harness(): Promise<Harness> {
  const directory = mkdtempSync(join(tmpdir(), 'confidant-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: 'confidant', configs: [] }] });
  const { port } = (await server.run()) as { port: number };
  // s3rver accepts these fixed development credentials.
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  const endpoint = `http://127.0.0.1:${port}`;
  const store = openBlobStore({ blobStoreUrl: `s3://confidant/tenant-a?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&forcePathStyle=true` });
  expect(store).toBeInstanceOf(S3BlobStore);
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true });
  return {
    store,
    leftovers: async () => {
      const { ListMultipartUploadsCommand } = await import('@aws-sdk/client-s3');
      const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: 'confidant' })).catch(() => ({ Uploads: [] }));
      return (uploads.Uploads ?? []).map((u) => u.Key ?? '?');
    },
    abandonWrite: async () => {
      const { CreateMultipartUploadCommand } = await import('@aws-sdk/client-s3');
      await client.send(new CreateMultipartUploadCommand({ Bucket: 'confidant', Key: `tenant-a/${id()}` }));
    },
    close: async () => {
      client.destroy();
      await store.close?.();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

function failingStream(bytesBeforeFailure: number): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(randomBytes(bytesBeforeFailure));
        setTimeout(() => this.destroy(new Error('source broke')), 10);
      }
    },
  });
}

const id = () => `blob-${randomBytes(8).toString('hex')}`;

describe.each([
  ['file', fileHarness],
  ['s3', s3Harness],
] as const)('%s blob store', (kind, makeHarness) => {
  let harness: Harness;
  let store: BlobStore;
  beforeAll(async () => {
    harness = await makeHarness();
    store = harness.store;
  });
  afterAll(async () => harness?.close());

  it('passes its readiness check', async () => {
    await expect(store.check()).resolves.toBeUndefined();
  });

  it('lists the blobs whose id ends with a suffix, with when they were stored', async () => {
    const before = Date.now() - 5_000;
    const mine = [`${id()}-t`, `${id()}-t`];
    for (const blobId of [...mine, `${id()}-other`]) await store.put(blobId, Readable.from([Buffer.from('x')]));
    const listed: { id: string; modifiedAt: number }[] = [];
    for await (const entry of store.list('-t')) listed.push(entry);
    expect(listed.map((e) => e.id).sort()).toEqual([...mine].sort());
    for (const entry of listed) expect(entry.modifiedAt).toBeGreaterThan(before);
  });

  it('stores and returns bytes exactly, with their size', async () => {
    const blobId = id();
    const data = randomBytes(100_000);
    expect(await store.put(blobId, Readable.from([data.subarray(0, 40_000), data.subarray(40_000)]))).toEqual({ size: 100_000 });
    expect(await store.size(blobId)).toBe(100_000);
    expect((await buffer(await store.get(blobId))).equals(data)).toBe(true);
  });

  it('stores a large blob in parts (multipart on S3) without losing a byte', async () => {
    const blobId = id();
    const data = randomBytes(9 * 1024 * 1024 + 123);
    const chunks = Array.from({ length: Math.ceil(data.length / 65_536) }, (_, i) => data.subarray(i * 65_536, (i + 1) * 65_536));
    expect(await store.put(blobId, Readable.from(chunks))).toEqual({ size: data.length });
    expect((await buffer(await store.get(blobId))).equals(data)).toBe(true);
    expect(await harness.leftovers()).toEqual([]);
  });

  it('returns byte ranges (inclusive bounds)', async () => {
    const blobId = id();
    const data = randomBytes(10_000);
    await store.put(blobId, Readable.from([data]));
    expect((await buffer(await store.get(blobId, { start: 0, end: 0 }))).equals(data.subarray(0, 1))).toBe(true);
    expect((await buffer(await store.get(blobId, { start: 1234, end: 5677 }))).equals(data.subarray(1234, 5678))).toBe(true);
    expect((await buffer(await store.get(blobId, { start: 9_990, end: 9_999 }))).equals(data.subarray(9_990))).toBe(true);
  });

  it('reports missing blobs: size null, get throws BlobNotFoundError, delete is a no-op', async () => {
    const blobId = id();
    expect(await store.size(blobId)).toBeNull();
    await expect(store.get(blobId)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.delete(blobId)).resolves.toBeUndefined();
  });

  it('deletes blobs', async () => {
    const blobId = id();
    await store.put(blobId, Readable.from([Buffer.from('ciphertext')]));
    await store.delete(blobId);
    expect(await store.size(blobId)).toBeNull();
    await expect(store.get(blobId)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('refuses to overwrite an existing blob (blobs are immutable)', async () => {
    const blobId = id();
    await store.put(blobId, Readable.from([Buffer.from('first')]));
    await expect(store.put(blobId, Readable.from([Buffer.from('second')]))).rejects.toThrow();
    expect((await buffer(await store.get(blobId))).toString()).toBe('first');
  });

  it.each(['../etc/passwd', '..', 'a/b', '/abs', 'a\\b', '.hidden', '', 'x'.repeat(201), 'name with space', 'a%2Fb'])('refuses the path-like id %j', async (bad) => {
    await expect(store.put(bad, Readable.from([Buffer.from('x')]))).rejects.toBeInstanceOf(AppError);
    await expect(store.get(bad)).rejects.toBeInstanceOf(AppError);
    await expect(store.size(bad)).rejects.toBeInstanceOf(AppError);
    await expect(store.delete(bad)).rejects.toBeInstanceOf(AppError);
  });

  it('removes unfinished writes a crash left behind, only those begun before the cutoff', async () => {
    await harness.abandonWrite();
    if (kind === 's3') {
      // s3rver answers NotImplemented to ListMultipartUploads (AWS S3, MinIO and R2 implement it):
      // the sweep must carry on (the bucket lifecycle rule covers such servers), not fail.
      await expect(store.removeIncomplete(Date.now() + 1_000)).resolves.toBe(0);
      return;
    }
    expect((await harness.leftovers()).length).toBe(1);
    expect(await store.removeIncomplete(Date.now() - 60_000), 'a recent write is left alone').toBe(0);
    expect((await harness.leftovers()).length).toBe(1);
    expect(await store.removeIncomplete(Date.now() + 1_000)).toBe(1);
    expect(await harness.leftovers()).toEqual([]);
  });

  it('puts atomically: a source that fails midway leaves no blob and no temporary file', async () => {
    const blobId = id();
    await expect(store.put(blobId, failingStream(256 * 1024))).rejects.toThrow();
    expect(await store.size(blobId)).toBeNull();
    await expect(store.get(blobId)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await harness.leftovers()).toEqual([]);
  });
});

describe('blob store readiness', () => {
  it('fails the check when the S3 endpoint is unreachable', async () => {
    const store = openBlobStore({ blobStoreUrl: 's3://confidant?endpoint=http%3A%2F%2F127.0.0.1%3A1&region=us-east-1&forcePathStyle=true' });
    await expect(store.check()).rejects.toThrow();
    await store.close?.();
  });

  it('fails the check when the folder cannot be created', async () => {
    // A regular file where a folder should be: fails even for root, unlike permission bits.
    const dir = mkdtempSync(join(tmpdir(), 'confidant-blobs-'));
    writeFileSync(join(dir, 'not-a-folder'), 'x');
    const store = openBlobStore({ blobStoreUrl: `file:${join(dir, 'not-a-folder', 'blobs')}` });
    await expect(store.check()).rejects.toThrow();
    rmSync(dir, { recursive: true, force: true });
  });
});
