/**
 * How far the monitoring rules run behind the log under sustained load: durable appends at a
 * steady 500 events/s from 200 users (reads, downloads, some denials, as a busy firm makes them)
 * for 25 s (10 s quick), with the audit module started exactly as the server starts it (and
 * identity's hooks, which the rules call for every allowed event's actor). Every
 * 100 ms the monitor's cursor is compared with the newest durable event: "events behind" is the
 * difference, "lag" how long ago the oldest unprocessed event became durable. After the load stops,
 * the time the monitor needs to catch up. SQLite, and PostgreSQL when CONFIDANT_BENCH_DATABASE_URL
 * (or CONFIDANT_TEST_DATABASE_URL) is set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { UserId } from '../../common/ids.js';
import { auditModule, recordEvent } from '../../server/audit/index.js';
import { readCursor } from '../../server/audit/cursors.js';
import { testConfig } from '../../server/config.js';
import { systemContext, type AppServices, type RequestContext } from '../../server/platform/context.js';
import { migrateToLatest } from '../../server/platform/db/migrate.js';
import { createLogger } from '../../server/platform/logging/logger.js';
import { closeServices, createServices } from '../../server/platform/services.js';
import { composeModules } from '../../server/modules/registry.js';
import type { BenchRow, BenchScenario } from '../harness.js';

const RATE = 500;
const USERS = 200;
const TICK_MS = 10;
const SAMPLE_MS = 100;
const CATCH_UP_LIMIT_MS = 120_000;

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function userContext(services: AppServices, i: number): RequestContext {
  const userId = `01a2f000-0000-7000-8000-${String(i).padStart(12, '0')}`;
  return { ...systemContext(services, 'bench'), actor: { kind: 'user', userId: userId as UserId, role: 'attorney', clientId: null, sessionId: `session-${i}`, tokenId: null, mfaAt: null }, ip: '10.0.0.12' };
}

async function measure(env: Record<string, string>, label: string, seconds: number): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'confidant-bench-monitor-'));
  const services = createServices(testConfig(dir, env), { logger: createLogger({ logLevel: 'silent' }) });
  try {
    await migrateToLatest(services.database);
    await auditModule.init?.(services);
    await auditModule.start?.(services);
    // The composition root installs identity's hooks the rules call (is this user leaving?), as in the server.
    composeModules(services);
    await services.jobs.start();
    const users = Array.from({ length: USERS }, (_, i) => userContext(services, i));
    // Durable time of each event, by its index; `head` is the newest durable index.
    const durableAt = new Map<number, number>();
    let head = -1;
    let sent = 0;
    let failed = 0;
    const inFlight = new Set<Promise<void>>();
    const event = (i: number) => {
      const denied = i % 40 === 0;
      const p = recordEvent(users[(i * 7919) % USERS]!, {
        action: denied ? 'matter.read' : i % 3 === 0 ? 'matter.read' : 'document.read',
        outcome: denied ? 'denied' : 'allowed',
        ...(denied ? { reason: 'NOT_ON_TEAM' } : {}),
        resources: { clientId: `client-${(i * 104729) % 5000}`, matterId: `matter-${(i * 1299709) % 20000}`, documentId: `document-${i}` },
      }).then(
        ({ index }) => {
          durableAt.set(index, performance.now());
          if (index > head) head = index;
        },
        () => void failed++,
      );
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    };

    const lags: number[] = [];
    const behind: number[] = [];
    const sample = async () => {
      const { position } = await readCursor(services, 'monitor');
      const now = performance.now();
      const oldest = durableAt.get(position + 1);
      behind.push(Math.max(0, head - position));
      lags.push(position < head && oldest !== undefined ? (now - oldest) / 1000 : 0);
    };

    const start = performance.now();
    const end = start + seconds * 1000;
    let nextSample = start + SAMPLE_MS;
    while (performance.now() < end) {
      const due = Math.floor(((performance.now() - start) / 1000) * RATE);
      while (sent < due) event(sent++);
      if (performance.now() >= nextSample) {
        nextSample += SAMPLE_MS;
        await sample();
      }
      await sleep(TICK_MS);
    }
    await Promise.all([...inFlight]);
    const achieved = sent / ((performance.now() - start) / 1000);
    // Catch-up: until the monitor's cursor reaches the last event appended under load.
    const stopped = performance.now();
    let caughtUp = NaN;
    while (performance.now() - stopped < CATCH_UP_LIMIT_MS) {
      if ((await readCursor(services, 'monitor')).position >= head) {
        caughtUp = (performance.now() - stopped) / 1000;
        break;
      }
      await sleep(50);
    }
    lags.sort((a, b) => a - b);
    behind.sort((a, b) => a - b);
    const note = `${sent} events in ${seconds} s (${achieved.toFixed(0)}/s achieved${failed ? `, ${failed} failed` : ''}), ${USERS} users; events behind p50 ${percentile(behind, 50)}, p99 ${percentile(behind, 99)}, max ${behind.at(-1) ?? 0}; caught up ${Number.isNaN(caughtUp) ? `not within ${CATCH_UP_LIMIT_MS / 1000} s` : `${caughtUp.toFixed(2)} s`} after the load stopped`;
    return [
      { metric: `monitor lag at ${RATE} events/s sustained (${label}) p50`, value: Number(percentile(lags, 50).toFixed(2)), unit: 's', target: '< 5 s', note },
      { metric: `monitor lag at ${RATE} events/s sustained (${label}) p99`, value: Number(percentile(lags, 99).toFixed(2)), unit: 's', target: '< 5 s' },
      { metric: `monitor lag at ${RATE} events/s sustained (${label}) max`, value: Number((lags.at(-1) ?? 0).toFixed(2)), unit: 's', target: '< 5 s' },
      { metric: `monitor events behind at ${RATE} events/s (${label}) max`, value: behind.at(-1) ?? 0, unit: 'events' },
    ];
  } finally {
    await auditModule.stop?.(services);
    await closeServices(services);
    rmSync(dir, { recursive: true, force: true });
  }
}

const scenario: BenchScenario = {
  name: 'audit-monitor-lag',
  description: 'how far the monitoring rules run behind the log at a sustained 500 events/s, SQLite and PostgreSQL',
  async run({ quick }) {
    const seconds = Number(process.env.CONFIDANT_BENCH_MONITOR_SECONDS ?? (quick ? 10 : 25));
    const rows = await measure({}, 'SQLite', seconds);
    const postgresUrl = process.env.CONFIDANT_BENCH_DATABASE_URL ?? process.env.CONFIDANT_TEST_DATABASE_URL;
    if (postgresUrl) {
      const name = `confidant_bench_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`create database ${name}`);
      try {
        const url = new URL(postgresUrl);
        url.pathname = `/${name}`;
        rows.push(...(await measure({ DATABASE_URL: url.toString() }, 'PostgreSQL', seconds)));
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    }
    return rows;
  },
};

export default scenario;
