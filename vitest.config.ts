import { defineConfig } from 'vitest/config';

/**
 * Integration files whose assertions depend on time or load: SIGKILLs and broker faults under a
 * steady stream, duplicate windows and gap timeouts, bounded stop times, throughput, a browser.
 * They run one at a time, with nothing else beside them, as the whole suite used to.
 */
const SERIAL = [
  'test/chaos.test.ts',
  'test/cluster.test.ts',
  'test/cluster-publisher-order.test.ts',
  'test/bot-kill-load.test.ts',
  'test/bot-recovery.test.ts',
  'test/bot-redelivery.test.ts',
  'test/bot-shutdown.test.ts',
  'test/shutdown.test.ts',
  'test/confirming-publisher.test.ts',
  'test/confirming-publisher-faults.test.ts',
  'test/live-once.test.ts',
  'test/signals-order.test.ts',
  'test/signals-recovery.test.ts',
  'test/feed-store-full.test.ts',
  'test/feed.test.ts',
  'test/feed-restart-settle.test.ts',
  'test/eod-log-kill.test.ts',
  'test/abuse-ws.test.ts',
  'test/dashboard.test.ts',
  'test/dashboard-tokens.test.ts',
];

/**
 * vitest's default is one worker per core minus one: a single worker on this 2-core machine,
 * while most files wait on child processes and sockets (the suite used under half a core on
 * average). Two workers for the unit files and the functional integration files.
 */
const WORKERS = 2;

/**
 * Projects: `unit` (pure code), `strategies` (users' strategy modules), `integration` (real
 * nats-server per suite on its own free port and temp dir, real DuckDB files; two files at a time)
 * and `integration-serial` (SERIAL above, one file at a time, after the others). The JSON report
 * feeds the `N passed, N failed` line that .ci/run prints.
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
          maxWorkers: WORKERS,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Users' strategy modules and their tests (`tickflow strategy new` writes ./strategies/).
        test: {
          name: 'strategies',
          include: ['strategies/**/*.test.ts'],
          testTimeout: 10_000,
          maxWorkers: WORKERS,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: SERIAL,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: WORKERS,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration-serial',
          include: SERIAL,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          // After every other project has finished (without it, projects run at the same time and
          // these files would share the machine with up to six others).
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
