/**
 * Encrypted document upload + download through the API (CNFD streaming AEAD, blob store, audit,
 * access) against, in the same run on the same file: a bare Fastify stream route without crypto
 * (upload to a file, download from it) and the `age` CLI encrypting then decrypting the file.
 * Throughput = 2 × size / (upload time + download time). Peak RSS growth of this process (the server
 * only: curl is the client, in its own process) shows memory stays flat in file size. Quick: 256 MiB;
 * full: 2 GiB.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import Fastify from 'fastify';
import { buildUser } from '../../server/test-support/factories.js';
import { createTestInstance } from '../../server/test-support/test-instance.js';
import type { BenchRow, BenchScenario } from '../harness.js';

const MIB = 1024 * 1024;

async function writeSource(path: string, mib: number): Promise<void> {
  const block = randomBytes(MIB);
  const out = createWriteStream(path);
  for (let i = 0; i < mib; i++) {
    block.writeUInt32BE(i, 0);
    if (!out.write(Buffer.from(block))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/** curl as the client, in its own process: the server's thread is not shared with the client's work. */
function curl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', ['-sS', '--fail-with-body', '--no-buffer', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (p: Buffer) => out.push(p));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(Buffer.concat(out).toString()) : reject(new Error(`curl exited ${code}: ${Buffer.concat(out).toString().slice(0, 200)}`))));
  });
}

const headerArgs = (headers: Record<string, string>) => Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);

/** Streams the file up (-T reads it in pieces, unlike --data-binary). */
function upload(url: string, file: string, headers: Record<string, string>): Promise<string> {
  return curl(['-X', 'POST', '-T', file, '-H', 'content-type: application/octet-stream', '-H', 'expect:', ...headerArgs(headers), url]);
}

async function download(url: string, headers: Record<string, string>): Promise<number> {
  return Number(await curl(['-o', '/dev/null', '-w', '%{size_download}', ...headerArgs(headers), url]));
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}`))));
  });
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Runs `work` while sampling RSS; returns seconds and the peak growth over the starting RSS. */
async function withRss(work: () => Promise<number>): Promise<{ seconds: number; rssGrowthMib: number }> {
  global.gc?.();
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  try {
    const seconds = await work();
    return { seconds, rssGrowthMib: (Math.max(peak, process.memoryUsage().rss) - start) / MIB };
  } finally {
    clearInterval(timer);
  }
}

const scenario: BenchScenario = {
  name: 'documents-throughput',
  description: 'encrypted upload+download through the API vs a bare Fastify stream route vs the age CLI, same file',
  async run({ quick }) {
    const mib = quick ? 256 : 2048;
    const bytes = mib * MIB;
    const dir = mkdtempSync(join(tmpdir(), 'confidant-bench-docs-'));
    const source = join(dir, 'source.bin');
    await writeSource(source, mib);

    // Bare: the same streaming transfer with no crypto, no access, no audit.
    const bare = Fastify({ logger: false, bodyLimit: 64 * 1024 ** 3 });
    bare.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
    const stored = join(dir, 'bare.bin');
    bare.post('/upload', async (req) => {
      await pipeline(req.body as NodeJS.ReadableStream, createWriteStream(stored));
      return { ok: true };
    });
    bare.get('/download', async (_req, reply) => reply.header('content-length', statSync(stored).size).send(createReadStream(stored, { highWaterMark: MIB })));
    await bare.listen({ host: '127.0.0.1', port: 0 });
    const bareUrl = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}`;

    const instance = await createTestInstance('sqlite');
    const user = await buildUser(instance, { role: 'attorney' });
    await instance.app.listen({ host: '127.0.0.1', port: 0 });
    const apiUrl = `http://127.0.0.1:${(instance.app.server.address() as AddressInfo).port}/api/v1`;
    const json = async (path: string, body: unknown) =>
      ((await (await fetch(`${apiUrl}${path}`, { method: 'POST', headers: { ...user.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { id: string }).id;
    const clientId = await json('/clients', { kind: 'person', name: 'Bench Client' });
    const matterId = await json('/matters', { clientId, title: 'Bench matter' });

    const identity = join(dir, 'age.key');
    execFileSync('age-keygen', ['-o', identity], { stdio: 'pipe' });
    const recipient = /public key: (age1[0-9a-z]+)/.exec(readFileSync(identity, 'utf8'))![1]!;

    try {
      const bareRun = await withRss(async () => (await timed(() => upload(`${bareUrl}/upload`, source, {}))) + (await timed(() => download(`${bareUrl}/download`, {}))));
      rmSync(stored, { force: true });
      let documentId = '';
      let split = '';
      const apiRun = await withRss(async () => {
        const up = await timed(async () => {
          documentId = (JSON.parse(await upload(`${apiUrl}/matters/${matterId}/documents`, source, { ...user.headers, 'x-document-name': Buffer.from('bench.bin').toString('base64url') })) as { id: string }).id;
        });
        const down = await timed(async () => {
          const size = await download(`${apiUrl}/documents/${documentId}/content`, user.headers);
          if (size !== bytes) throw new Error(`downloaded ${size} of ${bytes} bytes`);
        });
        split = `upload ${((bytes / MIB) / up).toFixed(0)} MiB/s, download ${((bytes / MIB) / down).toFixed(0)} MiB/s`;
        return up + down;
      });
      const encrypted = join(dir, 'source.age');
      const ageSeconds = (await timed(() => run('age', ['-r', recipient, '-o', encrypted, source]))) + (await timed(() => run('age', ['-d', '-i', identity, '-o', '/dev/null', encrypted])));

      const throughput = (seconds: number) => (2 * bytes) / MIB / seconds;
      const api = throughput(apiRun.seconds);
      const rows: BenchRow[] = [
        { metric: `document upload+download through the API, ${mib} MiB`, value: api, unit: 'MiB/s', baseline: { name: 'bare Fastify stream route', value: throughput(bareRun.seconds) }, ratio: api / throughput(bareRun.seconds), target: '≥ 0.5×', note: `value / baseline; ${split}` },
        { metric: `document upload+download through the API, ${mib} MiB`, value: api, unit: 'MiB/s', baseline: { name: 'age CLI encrypt+decrypt, file to file', value: throughput(ageSeconds) }, ratio: api / throughput(ageSeconds), target: '≥ 1×', note: 'value / baseline' },
        { metric: `peak RSS growth during the API transfer, ${mib} MiB`, value: apiRun.rssGrowthMib, unit: 'MiB', baseline: { name: 'bare route transfer', value: bareRun.rssGrowthMib }, target: 'flat in file size (a few tens of MiB)', note: 'server process; curl is the client' },
      ];
      return rows;
    } finally {
      await bare.close();
      await instance.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default scenario;
