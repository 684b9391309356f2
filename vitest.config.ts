import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure code, parallel) and `integration` (real nats-server per suite, real
 * DuckDB files; one file at a time so two suites never fight over the 2 cores' timing).
 * The JSON report feeds the `N passed, N failed` line that .ci/run prints.
 */
export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['libs/**/*.test.ts', 'services/**/*.test.ts'],
          testTimeout: 10_000,
        },
      },
      {
        // Users' strategy modules and their tests (`tickflow strategy new` writes ./strategies/).
        test: {
          name: 'strategies',
          include: ['strategies/**/*.test.ts'],
          testTimeout: 10_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
