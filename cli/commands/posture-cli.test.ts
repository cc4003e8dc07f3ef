import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../server/test-support/dialects.js';
import { buildUser } from '../../server/test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../server/test-support/test-instance.js';
import type { Io } from '../context.js';
import { main } from '../main.js';

function capture(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), readStdin: async () => '' };
}

describe.each(DIALECTS)('confidant posture on %s', (dialect) => {
  let instance: TestInstance;
  const saved = { ...process.env };
  const run = async (...args: string[]) => {
    const io = capture();
    const code = await main(['node', 'confidant', ...args], io, {});
    return { code, ...io };
  };
  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    await buildUser(instance, { role: 'attorney', name: 'Zed Named Person' });
    process.env.CONFIDANT_DATA_DIR = instance.database.dataDir;
    process.env.DATABASE_URL = instance.database.url;
    process.env.LOG_LEVEL = 'silent';
  });
  afterAll(async () => {
    process.env = saved;
    await instance.close();
  });

  it('prints the score and each failing finding with its fix; --json; --snapshot records the day once; --fail-under', async () => {
    const text = await run('posture');
    expect(text.errors).toEqual([]);
    expect(text.code).toBe(0);
    expect(text.lines[0]).toMatch(/^Posture score \d+\/100: \d+ of 15 checks need attention\.$/);
    expect(text.lines.join('\n')).toContain('[critical] A successful backup in the last 2 days: No successful backup is recorded.');
    expect(text.lines.join('\n')).toContain('  Fix: ');
    expect(text.lines.join('\n')).not.toContain('Zed Named Person');

    const json = await run('posture', '--json', '--snapshot');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.lines[0]!) as { score: number; findings: { key: string }[]; generatedAt: string };
    expect(report.findings.length).toBe(15);
    expect(report.generatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    await run('posture', '--snapshot');
    const rows = await instance.services.database.db.selectFrom('posture_snapshots' as never).select('day' as never).execute();
    expect(rows.length).toBe(1);

    const under = await run('posture', '--fail-under', '100');
    expect(under.code).toBe(1);
    expect(under.errors.join('\n')).toContain(`the posture score ${report.score} is under 100`);
    expect((await run('posture', '--fail-under', 'lots')).code).toBe(2);
    expect((await run('posture', '--fail-under', '0')).code).toBe(0);
  });
});
