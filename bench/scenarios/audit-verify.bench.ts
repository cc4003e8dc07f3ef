/**
 * Full audit verification (every leaf rebuilt from its columns and hashed, the whole tree, stored
 * nodes and checkpoints) in events/s, beside plain SHA-256 over the same leaves; and inclusion-proof
 * latency beside one indexed lookup of a leaf hash, on the same log.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCheckpoint } from '../../server/audit/index.js';
import { appendInTransaction } from '../../server/audit/log.js';
import { inclusionProof } from '../../server/audit/queries.js';
import { toPendingEvent } from '../../server/audit/record.js';
import { verifyLog } from '../../server/audit/verify.js';
import { closeServices } from '../../server/platform/services.js';
import { percentile, type BenchRow, type BenchScenario } from '../harness.js';
import { benchInstance, userContext } from './audit-append.bench.js';

const scenario: BenchScenario = {
  name: 'audit-verify',
  description: 'full audit verification vs SHA-256 of the same leaves; inclusion-proof latency vs an indexed lookup',
  async run({ quick }) {
    const total = quick ? 200_000 : 1_000_000;
    const dir = mkdtempSync(join(tmpdir(), 'confidant-bench-verify-'));
    const services = await benchInstance(dir);
    try {
      const sqlite = services.database.sqlite!;
      const ctxs = Array.from({ length: 100 }, (_, i) => userContext(services, `01a2f000-0000-7000-8000-${String(i).padStart(12, '0')}`));
      for (let done = 0; done < total; done += 10_000) {
        const events = Array.from({ length: Math.min(10_000, total - done) }, (_, j) => {
          const i = done + j;
          return toPendingEvent(ctxs[i % ctxs.length]!, { action: 'document.read', outcome: 'allowed', resources: { clientId: `client-${i % 997}`, matterId: `matter-${i % 4999}`, documentId: `document-${i}` } });
        });
        sqlite.exec('begin');
        await appendInTransaction(services.database.db, events, Date.now(), sqlite);
        sqlite.exec('commit');
        if (done === Math.floor(total / 2 / 10_000) * 10_000) await createCheckpoint(services);
      }
      await createCheckpoint(services);

      // Baseline: SHA-256 over the same leaf bytes, read the same way.
      const leaves = sqlite.prepare('select leaf from audit_event order by seq').raw().all() as [Buffer][];
      const hashStart = performance.now();
      for (const [leaf] of leaves) createHash('sha256').update(leaf).digest();
      const shaRate = leaves.length / ((performance.now() - hashStart) / 1000);

      const report = await verifyLog(services);
      if (!report.ok) throw new Error(`verification failed: ${report.problems.join('; ')}`);
      const verifyRate = report.events / (report.durationMs / 1000);

      const ctx = ctxs[0]!;
      const samples = quick ? 500 : 2000;
      const proofTimes: number[] = [];
      const lookupTimes: number[] = [];
      for (let i = 0; i < samples; i++) {
        const index = Math.floor(Math.random() * total);
        let t = performance.now();
        await inclusionProof(ctx, index, total);
        proofTimes.push((performance.now() - t) * 1000);
        t = performance.now();
        await services.database.db.selectFrom('audit_event').select('leaf_hash').where('seq', '=', index).executeTakeFirst();
        lookupTimes.push((performance.now() - t) * 1000);
      }
      proofTimes.sort((a, b) => a - b);
      lookupTimes.sort((a, b) => a - b);
      const rows: BenchRow[] = [
        {
          metric: `full verification, ${total.toLocaleString('en-US')} events (SQLite)`,
          value: Math.round(verifyRate),
          unit: 'events/s',
          baseline: { name: 'SHA-256 of the same leaves', value: Math.round(shaRate) },
          ratio: verifyRate / shaRate,
          target: '≥ 500k events/s',
        },
        {
          metric: `inclusion proof p50, tree of ${total.toLocaleString('en-US')}`,
          value: Math.round(percentile(proofTimes, 50)),
          unit: 'µs',
          baseline: { name: 'indexed leaf-hash lookup p50', value: Math.round(percentile(lookupTimes, 50)) },
          ratio: percentile(proofTimes, 50) / percentile(lookupTimes, 50),
          note: 'ratio = proof / lookup (lower is better)',
        },
        {
          metric: 'inclusion proof p99',
          value: Math.round(percentile(proofTimes, 99)),
          unit: 'µs',
          baseline: { name: 'indexed leaf-hash lookup p99', value: Math.round(percentile(lookupTimes, 99)) },
          ratio: percentile(proofTimes, 99) / percentile(lookupTimes, 99),
          note: 'ratio = proof / lookup (lower is better)',
        },
      ];
      return rows;
    } finally {
      await closeServices(services);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default scenario;
