/**
 * Durable audit appends: recordEvent from many concurrent callers (group commit: one SQLite
 * transaction, one fsync per batch, Merkle tree advanced in the same transaction) against a raw
 * batched better-sqlite3 INSERT of the very same rows into an identical table (same indexes,
 * WAL, synchronous=FULL) in the same run. Also: one caller at a time (an fsync per event).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UserId } from '../../common/ids.js';
import { recordEvent } from '../../server/audit/index.js';
import { testConfig } from '../../server/config.js';
import type { AppServices, RequestContext } from '../../server/platform/context.js';
import { systemContext } from '../../server/platform/context.js';
import { migrateToLatest } from '../../server/platform/db/migrate.js';
import { createLogger } from '../../server/platform/logging/logger.js';
import { closeServices, createServices } from '../../server/platform/services.js';
import { MODULES } from '../../server/modules/registry.js';
import type { BenchRow, BenchScenario } from '../harness.js';

async function readHead(services: AppServices): Promise<number> {
  return (services.database.sqlite!.prepare('select size from audit_tree_state where id = 1').get() as { size: number }).size;
}

export async function benchInstance(dataDir: string): Promise<AppServices> {
  const services = createServices(testConfig(dataDir), { logger: createLogger({ logLevel: 'silent' }) });
  await migrateToLatest(services.database);
  for (const module of MODULES) await module.init?.(services);
  return services;
}

export function userContext(services: AppServices, userId: string): RequestContext {
  return {
    ...systemContext(services, 'bench'),
    actor: { kind: 'user', userId: userId as UserId, role: 'attorney', clientId: null, sessionId: '01a2-session', tokenId: null, mfaAt: null },
    ip: '10.0.0.12',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) bench',
  };
}

const scenario: BenchScenario = {
  name: 'audit-append',
  description: 'durable Merkle-hashed appends with group commit vs raw batched SQLite insert of the same rows',
  async run({ quick }) {
    const total = quick ? 40_000 : 200_000;
    const concurrency = 2000;
    const dir = mkdtempSync(join(tmpdir(), 'confidant-bench-audit-'));
    const ours = await benchInstance(join(dir, 'ours'));
    const raw = await benchInstance(join(dir, 'raw'));
    try {
      const ctxs = Array.from({ length: 50 }, (_, i) => userContext(ours, `01a2f000-0000-7000-8000-${String(i).padStart(12, '0')}`));
      const event = (i: number) =>
        recordEvent(ctxs[i % ctxs.length]!, {
          action: i % 7 === 0 ? 'matter.read' : 'document.read',
          outcome: i % 50 === 0 ? 'denied' : 'allowed',
          ...(i % 50 === 0 ? { reason: 'NOT_ON_TEAM' } : {}),
          resources: { clientId: `client-${i % 997}`, matterId: `matter-${i % 4999}`, documentId: `document-${i}` },
        });
      // Baseline: the same rows (leaf bytes and hashes already computed), raw prepared INSERTs in a
      // transaction of the same size, same table and indexes, same pragmas. Rounds alternate
      // between the two so both see the same machine load (the 2 cores are shared).
      const sqlite = raw.database.sqlite!;
      const select = ours.database.sqlite!.prepare('select * from audit_event where seq >= ? and seq < ? order by seq');
      let insert: ReturnType<typeof sqlite.prepare> | null = null;
      const insertBatch = sqlite.transaction((rows: Record<string, unknown>[]) => {
        for (const row of rows) insert!.run(row);
      });
      let oursSeconds = 0;
      let rawSeconds = 0;
      let rawRows = 0;
      let next = 0;
      const round = async (measure: boolean) => {
        const from = (await readHead(ours)) ;
        const t0 = performance.now();
        await Promise.all(Array.from({ length: concurrency }, () => event(next++)));
        const t1 = performance.now();
        const rows = select.all(from, from + concurrency) as Record<string, unknown>[];
        if (!insert) {
          const columns = Object.keys(rows[0]!);
          insert = sqlite.prepare(`insert into audit_event (${columns.join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`);
        }
        const t2 = performance.now();
        insertBatch(rows);
        const t3 = performance.now();
        if (measure) {
          oursSeconds += (t1 - t0) / 1000;
          rawSeconds += (t3 - t2) / 1000;
          rawRows += rows.length;
        }
      };
      // Warm up (JIT, page cache), then measure.
      for (let i = 0; i < 2; i++) await round(false);
      for (let done = 0; done < total; done += concurrency) await round(true);

      // One at a time: every event waits for its own commit.
      const singles = quick ? 300 : 1000;
      const singleStart = performance.now();
      for (let i = 0; i < singles; i++) await event(i);
      const singleRate = singles / ((performance.now() - singleStart) / 1000);

      const oursRate = total / oursSeconds;
      const rawRate = rawRows / rawSeconds;
      const result: BenchRow[] = [
        {
          metric: `recordEvent, ${concurrency} concurrent callers, group commit (SQLite, synchronous=FULL)`,
          value: Math.round(oursRate),
          unit: 'events/s',
          baseline: { name: 'raw batched better-sqlite3 insert, same rows', value: Math.round(rawRate) },
          ratio: oursRate / rawRate,
          target: '≥ 0.5×',
        },
        { metric: 'recordEvent, one caller at a time (fsync per event)', value: Math.round(singleRate), unit: 'events/s', note: 'latency-bound; no target' },
      ];
      return result;
    } finally {
      await closeServices(ours);
      await closeServices(raw);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default scenario;
