import { AbortMultipartUploadCommand, DeleteObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { PassThrough, type Readable } from 'node:stream';
import { assertBlobId, BlobNotFoundError, type BlobStore, type ByteRange } from './blob-store.js';

/**
 * Blobs in any S3-compatible object store. Multipart upload makes a blob visible only when
 * complete. `s3://bucket/prefix?endpoint=…&region=…&forcePathStyle=true`; credentials come from
 * the standard AWS environment variables or instance role.
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}

  static fromUrl(raw: string): S3BlobStore {
    const { client, bucket, prefix } = s3Location(raw);
    return new S3BlobStore(client, bucket, prefix);
  }

  private key(id: string): string {
    assertBlobId(id);
    return `${this.prefix}${id}`;
  }

  async put(id: string, body: Readable): Promise<{ size: number }> {
    // IfNoneMatch makes S3 (and MinIO, R2…) refuse an overwrite atomically; this check also
    // covers S3-compatible servers that ignore the condition. Ids are fresh UUIDs, so the window
    // between the two only matters for a bug, never for normal use.
    if ((await this.size(id)) !== null) throw new Error('blob already exists');
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
    });
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.key(id), Body: body, IfNoneMatch: '*' },
      partSize: 8 * 1024 * 1024,
      queueSize: 2,
    });
    await upload.done();
    return { size };
  }

  async get(id: string, range?: ByteRange): Promise<Readable> {
    try {
      const result = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.key(id), ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
      );
      const body = result.Body as Readable;
      if (!range) return body;
      // Some S3-compatible servers answer a range with more than was asked (e.g. bytes=0-0 as the
      // whole object). Never hand back bytes outside the range: trim, or refuse a wrong start.
      const served = /^bytes (\d+)-(\d+)\//.exec(result.ContentRange ?? '');
      if (!served || Number(served[1]) !== range.start) {
        body.destroy();
        throw new Error('object store answered a range request with a different range');
      }
      return Number(served[2]) > range.end ? limitBytes(body, range.end - range.start + 1) : body;
    } catch (error) {
      if (isNotFound(error)) throw new BlobNotFoundError();
      throw error;
    }
  }

  async size(id: string): Promise<number | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(id) }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async delete(id: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(id) }));
  }

  async *list(suffix: string): AsyncIterable<{ id: string; modifiedAt: number }> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, ...(token ? { ContinuationToken: token } : {}) }));
      for (const object of page.Contents ?? []) {
        const id = (object.Key ?? '').slice(this.prefix.length);
        if (id.endsWith(suffix) && !id.includes('/')) yield { id, modifiedAt: object.LastModified?.getTime() ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async removeIncomplete(before: number): Promise<number> {
    let removed = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const page = await this.client
        .send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: this.prefix, ...(keyMarker ? { KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker } : {}) }))
        .catch((error: unknown) => {
          // Some S3-compatible servers cannot list multipart uploads: there, the bucket's
          // AbortIncompleteMultipartUpload lifecycle rule does this (docs/operations.md).
          if ((error as { name?: string }).name === 'NotImplemented') return null;
          throw error;
        });
      if (!page) return removed;
      for (const upload of page.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || (upload.Initiated?.getTime() ?? 0) >= before) continue;
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.Key, UploadId: upload.UploadId }));
        removed++;
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
    return removed;
  }

  async check(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

/**
 * A client, bucket and key prefix (empty or ending in `/`) from
 * `s3://bucket/prefix?endpoint=…&region=…&forcePathStyle=true`; credentials from the standard AWS
 * environment variables or instance role.
 */
export function s3Location(raw: string): { client: S3Client; bucket: string; prefix: string } {
  const url = new URL(raw);
  const endpoint = url.searchParams.get('endpoint') ?? undefined;
  const client = new S3Client({
    region: url.searchParams.get('region') ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: url.searchParams.get('forcePathStyle') === 'true',
  });
  const prefix = url.pathname.replace(/^\/+/, '').replace(/\/*$/, '');
  return { client, bucket: url.hostname, prefix: prefix ? `${prefix}/` : '' };
}

/** The first `limit` bytes of `source`, then end (and release the source). */
function limitBytes(source: Readable, limit: number): Readable {
  let remaining = limit;
  const limited = new PassThrough();
  source.on('data', (chunk: Buffer) => {
    if (remaining <= 0) return;
    const part = chunk.length > remaining ? chunk.subarray(0, remaining) : chunk;
    remaining -= part.length;
    if (!limited.write(part)) source.pause();
    if (remaining === 0) {
      limited.end();
      source.destroy();
    }
  });
  limited.on('drain', () => source.resume());
  source.on('end', () => limited.end());
  source.on('error', (error) => limited.destroy(error));
  return limited;
}

export function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}
