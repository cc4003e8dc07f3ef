/**
 * What the middleware stack costs: a bare Fastify JSON route against Confidant's
 * `GET /api/v1/health` through everything a request passes (request id, security headers, rate
 * limit, cookies, the authentication hook, error model, JSON logging to /dev/null). Both servers
 * run in this process; autocannon drives them from a worker thread over loopback, 50 connections,
 * in alternating rounds (median reported).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pino from 'pino';
import { buildApp } from '../../server/app.js';
import { testConfig } from '../../server/config.js';
import { migrateToLatest } from '../../server/platform/db/migrate.js';
import { isInitialized, markInitialized } from '../../server/platform/instance.js';
import { createLogger } from '../../server/platform/logging/logger.js';
import { closeServices, createServices } from '../../server/platform/services.js';
import { MODULES } from '../../server/modules/registry.js';
import type { BenchRow, BenchScenario } from '../harness.js';

const CONNECTIONS = 50;

async function load(url: string, seconds: number): Promise<{ rps: number; p99: number; errors: number }> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, workers: 1 });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.timeouts + result.non2xx };
}

/** Median throughput and median p99 across runs (each on its own). */
function median(runs: { rps: number; p99: number; errors: number }[]): { rps: number; p99: number; errors: number } {
  const middle = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return { rps: middle(runs.map((r) => r.rps)), p99: middle(runs.map((r) => r.p99)), errors: runs.reduce((sum, r) => sum + r.errors, 0) };
}

const scenario: BenchScenario = {
  name: 'http-baseline',
  description: 'bare Fastify JSON route vs GET /api/v1/health through the full middleware stack',
  async run({ quick }) {
    const seconds = quick ? 3 : 5;
    const warmup = quick ? 1 : 2;
    // Alternating rounds, median of each: on a shared machine the load drifts during a run, and
    // interleaving keeps that drift from favouring whichever server went first.
    const rounds = quick ? 1 : 3;

    const bare = Fastify({ logger: false });
    bare.get('/health', async () => ({ status: 'ok' }));
    const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });

    const dataDir = mkdtempSync(join(tmpdir(), 'confidant-bench-'));
    // The real limit stays on (it is part of the stack) but high enough not to answer 429.
    const config = testConfig(dataDir, { RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'info' });
    const services = createServices(config, { logger: createLogger(config, pino.destination({ dest: '/dev/null', sync: false })) });
    await migrateToLatest(services.database);
    if (!(await isInitialized(services.database.db))) {
      for (const module of MODULES) await module.init?.(services);
      await markInitialized(services.database.db, services.clock.now());
    }
    const app = await buildApp(services, { webRoot: null });
    const appUrl = await app.listen({ host: '127.0.0.1', port: 0 });

    try {
      await load(`${bareUrl}/health`, warmup);
      await load(`${appUrl}/api/v1/health`, warmup);
      const bareRuns: Awaited<ReturnType<typeof load>>[] = [];
      const appRuns: Awaited<ReturnType<typeof load>>[] = [];
      for (let round = 0; round < rounds; round++) {
        bareRuns.push(await load(`${bareUrl}/health`, seconds));
        appRuns.push(await load(`${appUrl}/api/v1/health`, seconds));
      }
      const baseline = median(bareRuns);
      const confidant = median(appRuns);
      if (confidant.errors > 0 || baseline.errors > 0) throw new Error(`non-2xx or failed requests: bare ${baseline.errors}, confidant ${confidant.errors}`);
      const rows: BenchRow[] = [
        {
          metric: `GET /api/v1/health, ${CONNECTIONS} connections`,
          value: confidant.rps,
          unit: 'req/s',
          baseline: { name: 'bare Fastify JSON route', value: baseline.rps },
          ratio: confidant.rps / baseline.rps,
          note: 'value / baseline',
        },
        {
          metric: `GET /api/v1/health p99, ${CONNECTIONS} connections`,
          value: confidant.p99,
          unit: 'ms p99',
          baseline: { name: 'bare Fastify JSON route', value: baseline.p99 },
          ratio: baseline.p99 > 0 ? baseline.p99 / confidant.p99 : undefined,
          target: '< 20 ms',
          note: 'ratio = baseline / value',
        },
      ];
      return rows;
    } finally {
      await app.close();
      await closeServices(services);
      await bare.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default scenario;
