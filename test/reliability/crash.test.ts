import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../../server/test-support/dialects.js';
import { crashRounds } from './support/crash.js';

// CI size: 3 SIGKILL rounds per dialect; test:stress runs ≥ 20 (CRASH_ROUNDS).
const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 3);

describe.each(DIALECTS)('crash safety of the built server on %s', (dialect) => {
  it(`keeps every acknowledged write through ${ROUNDS} SIGKILLs mid-load, with no plaintext on disk and a verifying audit log`, async () => {
    const report = await crashRounds(dialect, ROUNDS, (line) => console.info(`crash ${dialect}: ${line}`));
    console.info(`crash ${dialect}: ${JSON.stringify(report)}`);
    expect(report.acknowledged.documents).toBeGreaterThan(0);
    expect(report.acknowledged.notes).toBeGreaterThan(0);
  }, 600_000);
});
