/**
 * Backups (issue #18): `createBackup` of an instance holding N MiB of documents against the `age`
 * CLI encrypting the same bytes (the blob files, concatenated) in the same run; an incremental
 * backup after adding 1% more documents; a restore into an empty instance.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testConfig } from '../../server/config.js';
import { recordEvent } from '../../server/audit/index.js';
import { createBackup, restoreBackup } from '../../server/modules/backup/index.js';
import { createTestDatabase } from '../../server/test-support/dialects.js';
import { buildDocument, buildMatter } from '../../server/test-support/factories.js';
import { createTestInstance } from '../../server/test-support/test-instance.js';
import { percentile, type BenchRow, type BenchScenario } from '../harness.js';

const MIB = 1024 * 1024;
const DOC_MIB = 8;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}`))));
  });
}

const scenario: BenchScenario = {
  name: 'backup',
  description: 'backup create of N MiB of documents vs age -r on the same bytes; incremental after 1% more; restore',
  async run({ quick }) {
    const mib = quick ? 128 : 2048;
    const dir = mkdtempSync(join(tmpdir(), 'confidant-bench-backup-'));
    const instance = await createTestInstance('sqlite');
    const target = await createTestDatabase('sqlite');
    try {
      const matter = await buildMatter(instance);
      for (let i = 0; i < mib / DOC_MIB; i++) await buildDocument(instance, { matter, by: matter.lead, content: randomBytes(DOC_MIB * MIB) });
      const keyFile = join(dir, 'age.key');
      execFileSync('age-keygen', ['-o', keyFile], { stdio: 'pipe' });
      const identity = readFileSync(keyFile, 'utf8');
      const recipient = /public key: (age1[0-9a-z]+)/.exec(identity)![1]!;
      const to = join(dir, 'backups');
      // Each timed run starts with no dirty pages left by the one before (the documents just
      // written, the backup just taken): the kernel's write-back of earlier work is not charged
      // to whichever run happens to come next.
      const settle = () => execFileSync('sync');
      settle();

      let full = { copiedBytes: 0, blobs: 0 };
      const backupSeconds = await timed(async () => (full = await createBackup(instance.services, { to, recipients: [recipient] })));
      const bytes = full.copiedBytes;

      // The same bytes through the age CLI: the blob files, concatenated (not timed).
      const joined = join(dir, 'joined.bin');
      execFileSync('sh', ['-c', 'cat "$0"/* > "$1"', join(to, 'blobs'), joined]);
      settle();
      const ageSeconds = await timed(() => run('age', ['-r', recipient, '-o', join(dir, 'joined.age'), joined]));
      rmSync(joined, { force: true });
      rmSync(join(dir, 'joined.age'), { force: true });

      // 1% more documents, then a second backup.
      const extraMib = Math.max(DOC_MIB, Math.round(mib / 100 / DOC_MIB) * DOC_MIB);
      for (let i = 0; i < extraMib / DOC_MIB; i++) await buildDocument(instance, { matter, by: matter.lead, content: randomBytes(DOC_MIB * MIB) });
      settle();
      let incremental = { copiedBytes: 0 };
      const incrementalSeconds = await timed(async () => (incremental = await createBackup(instance.services, { to, recipients: [recipient] })));

      // Writes while a backup runs: audit appends (a write every request makes), latency of each,
      // against the same loop with no backup running.
      const writeLatencies = async (during: () => Promise<unknown>) => {
        const times: number[] = [];
        let running = true;
        const loop = (async () => {
          while (running) {
            const start = process.hrtime.bigint();
            await recordEvent(instance.system('bench'), { action: 'document.read', outcome: 'allowed', resources: {} });
            times.push(Number(process.hrtime.bigint() - start) / 1e6);
          }
        })();
        await during();
        running = false;
        await loop;
        times.sort((a, b) => a - b);
        return { p99: percentile(times, 99), max: times.at(-1) ?? 0, count: times.length };
      };
      const idle = await writeLatencies(() => new Promise((r) => setTimeout(r, 1000)));
      const busy = await writeLatencies(() => createBackup(instance.services, { to, recipients: [recipient] }));

      const config = testConfig(target.dataDir, { DATABASE_URL: target.url });
      const restoreSeconds = await timed(() => restoreBackup(config, to, { identity }));
      const size = statSync(join(target.dataDir, 'confidant.db')).size;

      const throughput = bytes / MIB / backupSeconds;
      const ageThroughput = bytes / MIB / ageSeconds;
      const rows: BenchRow[] = [
        { metric: `backup create, ${mib} MiB of documents (${full.blobs} blobs)`, value: throughput, unit: 'MiB/s', baseline: { name: 'age -r on the same bytes', value: ageThroughput }, ratio: throughput / ageThroughput, target: '≥ 0.8×', note: 'value / baseline; blobs are copied and hashed (already ciphertext), the database goes through age' },
        { metric: `incremental backup after +${extraMib} MiB (${((extraMib / mib) * 100).toFixed(1)}%)`, value: incrementalSeconds, unit: 's', baseline: { name: 'full backup', value: backupSeconds }, ratio: incrementalSeconds / backupSeconds, target: 'proportional to the change', note: `copied ${(incremental.copiedBytes / MIB).toFixed(0)} MiB; ratio = incremental / full` },
        { metric: 'audit write p99 while a backup runs', value: busy.p99, unit: 'ms p99', baseline: { name: 'no backup running', value: idle.p99 }, ratio: idle.p99 / busy.p99, target: 'a moment', note: `baseline / value; max ${busy.max.toFixed(1)} ms over ${busy.count} writes (idle max ${idle.max.toFixed(1)} ms); SQLite` },
        { metric: `restore of ${mib + extraMib} MiB of documents into an empty instance`, value: restoreSeconds, unit: 's', note: `database ${(size / MIB).toFixed(1)} MiB after restore` },
      ];
      return rows;
    } finally {
      await instance.close();
      await target.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default scenario;
