import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
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
    const url = new URL(raw);
    const endpoint = url.searchParams.get('endpoint') ?? undefined;
    const client = new S3Client({
      region: url.searchParams.get('region') ?? process.env.AWS_REGION ?? 'us-east-1',
      ...(endpoint ? { endpoint } : {}),
      forcePathStyle: url.searchParams.get('forcePathStyle') === 'true',
    });
    const prefix = url.pathname.replace(/^\/+/, '').replace(/\/*$/, '');
    return new S3BlobStore(client, url.hostname, prefix ? `${prefix}/` : '');
  }

  private key(id: string): string {
    assertBlobId(id);
    return `${this.prefix}${id}`;
  }

  async put(id: string, body: Readable): Promise<{ size: number }> {
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
      return result.Body as Readable;
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

  async check(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}
