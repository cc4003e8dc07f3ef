import { defineConfig } from 'vitest/config';

// Browser specs: a real server process and Debian's chromium driven by playwright-core.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
