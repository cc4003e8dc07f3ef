import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertBlobId, BlobNotFoundError, type BlobStore, type ByteRange } from './blob-store.js';

/** Blobs as files under one folder: `<root>/<id[0..2]>/<id>`, written to `.tmp/` then renamed. */
export class FileBlobStore implements BlobStore {
  readonly kind = 'file' as const;
  constructor(private readonly root: string) {}

  private pathOf(id: string): string {
    assertBlobId(id);
    return join(this.root, id.slice(0, 2), id);
  }

  localFile(id: string): string {
    return this.pathOf(id);
  }

  async put(id: string, body: Readable): Promise<{ size: number }> {
    const target = this.pathOf(id);
    const tmpDir = join(this.root, '.tmp');
    await mkdir(tmpDir, { recursive: true, mode: 0o700 });
    await mkdir(join(this.root, id.slice(0, 2)), { recursive: true, mode: 0o700 });
    const tmp = join(tmpDir, `${randomBytes(12).toString('hex')}.part`);
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
    });
    try {
      await pipeline(body, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
      const handle = await open(tmp, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      if ((await this.size(id)) !== null) throw new Error('blob already exists');
      await rename(tmp, target);
      await syncDir(join(this.root, id.slice(0, 2)));
      return { size };
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async get(id: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(id);
    try {
      const handle = await open(path, 'r');
      return createReadStream('', { fd: handle, ...(range ? { start: range.start, end: range.end } : {}), highWaterMark: 1024 * 1024 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError();
      throw error;
    }
  }

  async size(id: string): Promise<number | null> {
    try {
      return (await stat(this.pathOf(id))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(id: string): Promise<void> {
    try {
      await unlink(this.pathOf(id));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  async *list(suffix: string): AsyncIterable<{ id: string; modifiedAt: number }> {
    let shards: string[];
    try {
      shards = await readdir(this.root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const shard of shards) {
      if (shard.startsWith('.')) continue;
      for (const id of await readdir(join(this.root, shard))) {
        if (!id.endsWith(suffix)) continue;
        const info = await stat(join(this.root, shard, id)).catch(() => null);
        if (info?.isFile()) yield { id, modifiedAt: info.mtimeMs };
      }
    }
  }

  async removeIncomplete(before: number): Promise<number> {
    const tmpDir = join(this.root, '.tmp');
    let names: string[];
    try {
      names = await readdir(tmpDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    let removed = 0;
    for (const name of names) {
      if (!name.endsWith('.part')) continue;
      const info = await stat(join(tmpDir, name)).catch(() => null);
      if (!info || info.mtimeMs >= before) continue;
      await rm(join(tmpDir, name), { force: true });
      removed++;
    }
    return removed;
  }

  async check(): Promise<void> {
    await mkdir(join(this.root, '.tmp'), { recursive: true, mode: 0o700 });
    const probe = join(this.root, '.tmp', `ready-${randomBytes(6).toString('hex')}`);
    await writeFile(probe, 'ok', { mode: 0o600 });
    await unlink(probe);
  }
}

async function syncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
