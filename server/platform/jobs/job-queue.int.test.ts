/**
 * One contract for both queues: the in-process one (embedded default) and pg-boss on a real
 * PostgreSQL database of its own (when CONFIDANT_TEST_DATABASE_URL is set).
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type Dialect, type TestDatabase } from '../../test-support/dialects.js';
import { createLogger } from '../logging/logger.js';
import { InProcessQueue } from './in-process-queue.js';
import type { JobQueue } from './job-queue.js';
import { PgBossQueue } from './pg-boss-queue.js';

interface LogLine {
  level: number;
  msg: string;
  job?: string;
  err?: string;
  attempts?: number;
}

function capturingLogger() {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: createLogger({ logLevel: 'info' }, stream), lines };
}

const QUEUES = DIALECTS.map((dialect) => (dialect === 'sqlite' ? 'in-process' : 'pg-boss')) as ('in-process' | 'pg-boss')[];

async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(QUEUES)('%s job queue', (kind) => {
  let queue: JobQueue;
  let database: TestDatabase | null = null;
  let lines: LogLine[];

  async function makeQueue(): Promise<JobQueue> {
    const captured = capturingLogger();
    lines = captured.lines;
    if (kind === 'in-process') return new InProcessQueue(captured.logger);
    database = await createTestDatabase('postgres' satisfies Dialect);
    return new PgBossQueue(database.url, captured.logger, { pollingIntervalSeconds: 0.5 });
  }

  afterEach(async () => {
    await queue?.stop();
    await database?.drop();
    database = null;
  });

  it('runs an enqueued job with its payload', async () => {
    queue = await makeQueue();
    const seen: unknown[] = [];
    queue.register('echo', async (payload) => {
      seen.push(payload);
    });
    await queue.start();
    await queue.enqueue('echo', { matterId: 'm-1' });
    await queue.idle();
    expect(seen).toEqual([{ matterId: 'm-1' }]);
    expect(await queue.listFailures()).toEqual([]);
  });

  it('retries a failing job, then lists and logs its failure', async () => {
    queue = await makeQueue();
    let attempts = 0;
    queue.register(
      'always-fails',
      async () => {
        attempts++;
        throw new Error(`disk full (attempt ${attempts})`);
      },
      { retryLimit: 3, retryDelayMs: 0 },
    );
    let recovered = 0;
    queue.register(
      'fails-once',
      async () => {
        recovered++;
        if (recovered === 1) throw new Error('transient');
      },
      { retryLimit: 3, retryDelayMs: 0 },
    );
    await queue.start();
    await queue.enqueue('always-fails');
    await queue.enqueue('fails-once');
    await queue.idle();

    expect(attempts).toBe(3);
    expect(recovered).toBe(2);
    const failures = await queue.listFailures();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ name: 'always-fails', attempts: 3, error: 'disk full (attempt 3)' });
    expect(failures[0]!.failedAt).toBeGreaterThan(Date.now() - 60_000);

    const errors = lines.filter((l) => l.msg === 'job failed');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ job: 'always-fails', attempts: 3, level: 50 });
    expect(lines.filter((l) => l.msg === 'job failed, retrying' && l.job === 'always-fails')).toHaveLength(2);
    expect(lines.filter((l) => l.msg === 'job failed, retrying' && l.job === 'fails-once')).toHaveLength(1);
  });

  it('runs scheduled jobs repeatedly', async () => {
    queue = await makeQueue();
    const runs: unknown[] = [];
    queue.register('tick', async (payload) => {
      runs.push(payload);
    });
    queue.schedule('tick', 1000, { sweep: 'retention' });
    await queue.start();
    await waitFor(() => runs.length >= 2);
    expect(runs[0]).toEqual({ sweep: 'retention' });
  });

  it('refuses to enqueue a job kind nobody registered', async () => {
    queue = await makeQueue();
    await expect(queue.enqueue('nobody')).rejects.toThrow(/Unknown job/);
  });
});

describe('in-process queue shutdown', () => {
  it('records a job waiting to retry when stopped, instead of losing it', async () => {
    const { logger, lines } = capturingLogger();
    const queue = new InProcessQueue(logger);
    queue.register(
      'slow-retry',
      async () => {
        throw new Error('nope');
      },
      { retryLimit: 5, retryDelayMs: 60_000 },
    );
    await queue.start();
    await queue.enqueue('slow-retry');
    await waitFor(() => lines.some((l) => l.msg === 'job failed, retrying'));
    await queue.stop();
    await queue.idle();
    expect(await queue.listFailures()).toMatchObject([{ name: 'slow-retry', attempts: 1 }]);
  });
});

describe('createJobQueue', () => {
  it('uses pg-boss on PostgreSQL and the in-process queue on SQLite', async () => {
    const { testConfig } = await import('../../config.js');
    const { createJobQueue } = await import('./create-job-queue.js');
    const logger = createLogger({ logLevel: 'silent' });
    const config = testConfig('/tmp/confidant-unused', { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    const database = (kind: 'sqlite' | 'postgres') => ({ kind }) as Parameters<typeof createJobQueue>[1];
    expect(createJobQueue(config, database('postgres'), logger).kind).toBe('pg-boss');
    expect(createJobQueue(config, database('sqlite'), logger).kind).toBe('in-process');
  });
});
