import { defineConfig } from 'vitest/config';

// Long versions of the reliability tests (`npm run test:stress`): ≥ 50,000 fuzzed requests,
// ≥ 20 SIGKILL rounds per dialect, the load/soak run. One file at a time: they load the machine.
export default defineConfig({
  test: {
    include: ['test/stress/**/*.test.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
