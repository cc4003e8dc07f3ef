/**
 * Constant memory: a large document goes up and comes back down through a real HTTP server while
 * the process's RSS stays flat. CI runs 128 MiB (CONFIDANT_STREAM_TEST_MIB overrides, e.g. 2048).
 */
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';

const MIB = 1024 * 1024;
const SIZE_MIB = Number(process.env.CONFIDANT_STREAM_TEST_MIB ?? 128);

describe('streaming upload and download (sqlite, real HTTP)', () => {
  let instance: TestInstance;
  let user: BuiltUser;
  let base: string;
  beforeAll(async () => {
    instance = await createTestInstance('sqlite');
    user = await buildUser(instance, { role: 'attorney' });
    await instance.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(instance.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => instance?.close());

  it(`moves ${SIZE_MIB} MiB both ways with bounded RSS growth`, async () => {
    const json = async (method: string, path: string, body: unknown) =>
      (await fetch(`${base}${path}`, { method, headers: { ...user.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<{ id: string }>;
    const client = await json('POST', '/api/v1/clients', { kind: 'person', name: 'Big File Client' });
    const matter = await json('POST', '/api/v1/matters', { clientId: client.id, title: 'Big file matter' });

    const block = randomBytes(MIB);
    const sent = createHash('sha256');
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);

    const uploaded = await new Promise<{ id: string; size: number }>((resolve, reject) => {
      const req = request(`${base}/api/v1/matters/${matter.id}/documents`, { method: 'POST', headers: { ...user.headers, 'content-type': 'application/octet-stream', 'x-document-name': Buffer.from('big.bin').toString('base64url') } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => (res.statusCode === 201 ? resolve(JSON.parse(Buffer.concat(parts).toString())) : reject(new Error(`${res.statusCode} ${Buffer.concat(parts).toString()}`))));
      });
      req.on('error', reject);
      let written = 0;
      const pump = () => {
        while (written < SIZE_MIB) {
          block.writeUInt32BE(written, 0); // every MiB differs
          sent.update(block);
          written += 1;
          if (!req.write(Buffer.from(block))) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(uploaded.size).toBe(SIZE_MIB * MIB);

    const received = createHash('sha256');
    let receivedBytes = 0;
    await new Promise<void>((resolve, reject) => {
      request(`${base}/api/v1/documents/${uploaded.id}/content`, { headers: user.headers }, (res) => {
        expect(res.statusCode).toBe(200);
        res.on('data', (part: Buffer) => {
          received.update(part);
          receivedBytes += part.length;
        });
        res.on('end', resolve);
        res.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
    clearInterval(sampler);
    expect(receivedBytes).toBe(SIZE_MIB * MIB);
    expect(received.digest('hex')).toBe(sent.digest('hex'));
    const growthMib = (peak - baseline) / MIB;
    if (process.env.CONFIDANT_STREAM_TEST_MIB) process.stdout.write(`RSS growth ${growthMib.toFixed(1)} MiB for ${SIZE_MIB} MiB each way\n`);
    // Client and server share this process; both stream, so growth stays far below the file size.
    expect(growthMib).toBeLessThan(Math.min(96, SIZE_MIB / 2));
  }, 300_000);
});
