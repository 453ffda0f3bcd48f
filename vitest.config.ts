import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Model-checking tests are CPU-bound; two workers match the CI machine's cores.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 120_000,
    setupFiles: ['test/support/event-loop-turn.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
