import { defineConfig } from 'vitest/config';

// Browser specs: a real server process and Debian's chromium driven by playwright-core.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.spec.ts'],
    // Rebuilds dist/ first when a source file is newer than the build (see the file).
    globalSetup: ['test/e2e/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
