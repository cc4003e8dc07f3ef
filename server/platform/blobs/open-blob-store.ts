/** Chooses the blob store from BLOB_STORE_URL (kept apart from the interface, which both stores import). */
import type { Config } from '../../config.js';
import type { BlobStore } from './blob-store.js';
import { FileBlobStore } from './file-blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';

export function openBlobStore(config: Pick<Config, 'blobStoreUrl'>): BlobStore {
  const url = config.blobStoreUrl;
  if (url.startsWith('s3://')) return S3BlobStore.fromUrl(url);
  return new FileBlobStore(url.slice('file:'.length).replace(/^\/\/(?=\/)/, ''));
}
