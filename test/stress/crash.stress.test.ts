import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../../server/test-support/dialects.js';
import { crashRounds } from '../reliability/support/crash.js';

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 20);

describe.each(DIALECTS)('crash safety, long run, on %s', (dialect) => {
  it(`${ROUNDS} SIGKILL rounds`, async () => {
    const report = await crashRounds(dialect, ROUNDS, (line) => console.info(`crash ${dialect}: ${line}`));
    console.info(`crash (long) ${dialect}: ${JSON.stringify(report)}`);
    expect(report.rounds).toBeGreaterThanOrEqual(20);
  });
});
