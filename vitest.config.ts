import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Two files at a time: most of the suite waits (child processes, timers, a browser), and vitest's default of
    // cores - 1 runs a two-core machine's suite one file at a time (26 min for both Node versions in .ci/run).
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
