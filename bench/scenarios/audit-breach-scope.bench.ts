/**
 * Breach scope at scale: "everything actor A touched between T1 and T2" (distinct clients, matters,
 * documents and the event count) over a log of 10 million events (1 million in quick mode), on
 * SQLite and, when CONFIDANT_BENCH_DATABASE_URL (or CONFIDANT_TEST_DATABASE_URL) is set, PostgreSQL.
 * Rows are generated inside the database (recursive CTE / generate_series) for speed: 1,000 actors,
 * 20,000 clients, 100,000 matters, one year of time. The leaf column holds a placeholder of realistic
 * size (the query never reads it; this benchmark is about the indexes, not the tree).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { activityScope, breachScope } from '../../server/audit/queries.js';
import { testConfig } from '../../server/config.js';
import { systemContext, type AppServices } from '../../server/platform/context.js';
import { migrateToLatest } from '../../server/platform/db/migrate.js';
import { createLogger } from '../../server/platform/logging/logger.js';
import { closeServices, createServices } from '../../server/platform/services.js';
import { percentile, type BenchRow, type BenchScenario } from '../harness.js';

const YEAR = 365 * 86_400_000;
const T0 = Date.UTC(2025, 0, 1);
const ACTORS = 1000;

/** Fills audit_event with rows from index `from` up to `total` (exported for resuming a long run). */
export async function generate(services: AppServices, total: number, from = 0): Promise<void> {
  const db = services.database.db;
  const postgres = services.database.kind === 'postgres';
  const step = YEAR / total;
  const chunk = 1_000_000;
  for (let start = from; start < total; start += chunk) {
    const end = Math.min(total, start + chunk) - 1;
    const series = postgres
      ? sql`select i from generate_series(${start}::bigint, ${end}::bigint) as g(i)`
      : // better-sqlite3 binds JS numbers as REAL: cast so i stays an integer.
        sql`with recursive n(i) as (select cast(${start} as integer) union all select i + 1 from n where i < cast(${end} as integer)) select i from n`;
    const text = (expr: string) => (postgres ? sql.raw(`(${expr})::text`) : sql.raw(`cast(${expr} as text)`));
    const leaf = postgres ? sql.raw(`convert_to(repeat('x', 300), 'UTF8')`) : sql.raw(`randomblob(300)`);
    const hash = postgres ? sql.raw(`convert_to(repeat('h', 32), 'UTF8')`) : sql.raw(`randomblob(32)`);
    await sql`insert into audit_event (seq, at, leaf, leaf_hash, actor_type, actor_id, session_id, request_id, action, outcome, client_id, matter_id, document_id)
      select i, ${T0} + cast(i * ${sql.lit(step)} as bigint), ${leaf}, ${hash}, 'user',
        'actor-' || ${text(`(i * 7919) % ${ACTORS}`)}, 'session', 'request',
        case when i % 5 = 0 then 'matter.read' else 'document.read' end,
        case when i % 40 = 0 then 'denied' else 'allowed' end,
        'client-' || ${text('(i * 104729) % 20000')}, 'matter-' || ${text('(i * 1299709) % 100000')}, 'document-' || ${text('i')}
      from (${series}) as s`.execute(db);
  }
  if (postgres) await sql`analyze audit_event`.execute(db);
  else await sql`analyze`.execute(db);
}

export async function measure(services: AppServices, total: number, label: string, samples: number): Promise<BenchRow[]> {
  const ctx = systemContext(services, 'bench');
  const rows: BenchRow[] = [];
  for (const days of [7, 30]) {
    const times: number[] = [];
    let touched = 0;
    for (let s = 0; s < samples; s++) {
      const actor = `actor-${(s * 37) % ACTORS}`;
      const since = T0 + ((s * 11) % 300) * 86_400_000;
      const t = performance.now();
      const scope = await breachScope(ctx, actor, since, since + days * 86_400_000);
      times.push(performance.now() - t);
      touched += scope.events;
    }
    times.sort((a, b) => a - b);
    rows.push({
      metric: `breach scope, ${days}-day window, ${total.toLocaleString('en-US')} events (${label}) p50`,
      value: Number(percentile(times, 50).toFixed(2)),
      unit: 'ms',
      note: `p99 ${percentile(times, 99).toFixed(1)} ms; ~${Math.round(touched / samples)} events per actor-window`,
      target: '< 200 ms',
    });
  }
  // An incident's scope: three compromised actors and an address range (none of the generated
  // events carries an address: the range scan reads the whole window), against the single-actor
  // breach scope of the same windows in this run.
  const times: number[] = [];
  const baseline: number[] = [];
  for (let s = 0; s < samples; s++) {
    const since = T0 + ((s * 11) % 300) * 86_400_000;
    const until = since + 7 * 86_400_000;
    const actors = [0, 1, 2].map((k) => `actor-${(s * 37 + k * 101) % ACTORS}`);
    let t = performance.now();
    await breachScope(ctx, actors[0]!, since, until);
    baseline.push(performance.now() - t);
    t = performance.now();
    await activityScope(ctx, { actorIds: actors, ipPrefix: '203.0.113.', since, until });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  baseline.sort((a, b) => a - b);
  const p50 = percentile(times, 50);
  const base = percentile(baseline, 50);
  rows.push({
    metric: `incident scope, 3 actors + an address range, 7-day window, ${total.toLocaleString('en-US')} events (${label}) p50`,
    value: Number(p50.toFixed(2)),
    unit: 'ms',
    baseline: { name: 'one actor’s breach scope, same windows', value: Number(base.toFixed(2)) },
    ratio: p50 / base,
    note: `p99 ${percentile(times, 99).toFixed(1)} ms; the range scan reads the whole window`,
    target: '“in seconds”',
  });
  return rows;
}

async function run(env: Record<string, string>, total: number, label: string, samples: number): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'confidant-bench-breach-'));
  const services = createServices(testConfig(dir, env), { logger: createLogger({ logLevel: 'silent' }) });
  try {
    if (services.database.sqlite) services.database.sqlite.pragma('synchronous = OFF'); // generation only
    await migrateToLatest(services.database);
    const t = performance.now();
    await generate(services, total);
    const generated = (performance.now() - t) / 1000;
    const rows = await measure(services, total, label, samples);
    rows[0]!.note += `; generated in ${generated.toFixed(0)} s`;
    return rows;
  } finally {
    await closeServices(services);
    rmSync(dir, { recursive: true, force: true });
  }
}

const scenario: BenchScenario = {
  name: 'audit-breach-scope',
  description: 'everything actor A touched between T1 and T2, over 10M audit events (1M quick), SQLite and PostgreSQL',
  async run({ quick }) {
    const total = Number(process.env.CONFIDANT_BENCH_AUDIT_EVENTS ?? (quick ? 1_000_000 : 10_000_000));
    const samples = quick ? 20 : 50;
    const rows = await run({}, total, 'SQLite', samples);
    const postgresUrl = process.env.CONFIDANT_BENCH_DATABASE_URL ?? process.env.CONFIDANT_TEST_DATABASE_URL;
    if (postgresUrl) {
      const name = `confidant_bench_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`create database ${name}`);
      try {
        const url = new URL(postgresUrl);
        url.pathname = `/${name}`;
        rows.push(...(await run({ DATABASE_URL: url.toString() }, total, 'PostgreSQL', samples)));
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    }
    return rows;
  },
};

export default scenario;
