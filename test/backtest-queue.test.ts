import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBacktestWorker } from '../services/cli/src/backtest/queue-worker.ts';
import type { BacktestReport } from '../services/cli/src/backtest/report-schema.ts';
import { runBacktest } from '../services/cli/src/backtest/run.ts';
import { backtestSpec, backtestWorkerSpec } from '../services/cli/src/backtest/spec.ts';
import { writeSmallArchive } from './backtest-archive.ts';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';
import { exitCode, spawnTickflow, type TickflowProcess } from './tickflow-process.ts';

const DATES = ['2026-04-06', '2026-04-07', '2026-04-08'];
const GRID = 'fast=2|3|4,slow=6|12';

describe('backtest grid jobs over a JetStream work queue', () => {
  let nats: TestNats;
  let archiveDir: string;
  let cli: TickflowProcess;

  beforeAll(async () => {
    nats = await startTestNats();
    archiveDir = await writeSmallArchive(DATES, { perDay: 300, symbols: ['AAA', 'BBB'] });
  });
  afterAll(async () => {
    if (cli && cli.child.exitCode === null) cli.child.kill('SIGKILL');
    await nats?.stop();
    if (archiveDir) rmSync(dirname(archiveDir), { recursive: true, force: true });
  });

  const run = (flags: Record<string, string>) =>
    runBacktest(
      resolveConfig(
        backtestSpec,
        {
          from: DATES[0],
          to: DATES[2],
          grid: GRID,
          metric: 'pnl',
          archiveDir,
          db: join(dirname(archiveDir), 'none.duckdb'),
          out: join(dirname(archiveDir), 'out'),
          ...flags,
        },
        {},
      ),
    );
  const stable = (r: BacktestReport) => ({ ...r, id: '', createdAt: '', replay: null });

  it('two workers, one of them a `tickflow backtest worker` process, give the results of one process', async () => {
    cli = spawnTickflow(
      ['backtest', 'worker', '--nats-url', nats.url, '--log-level', 'info'],
      {},
      { capture: true },
    );
    await waitFor('the worker process to take jobs', () => {
      if (cli.child.exitCode !== null) throw new Error(`the worker exited: ${cli.output()}`);
      return cli.output().includes('taking backtest jobs');
    });
    const log = createLogger('test', 'silent');
    const inProcess = await startBacktestWorker(
      resolveConfig(backtestWorkerSpec, { natsUrl: nats.url }, {}),
      log,
    );
    try {
      const queued = await run({ queue: nats.url });
      const alone = await run({ workers: '1' });
      expect(stable(queued.report)).toEqual(stable(alone.report));
      expect(queued.report.grid?.rows.filter((r) => r.pnl !== null)).toHaveLength(6);
      const byProcess = cli.output().match(/"msg":"job done"/g)?.length ?? 0;
      expect(byProcess + inProcess.processed).toBe(6);
      expect(byProcess).toBeGreaterThan(0);
      expect(inProcess.processed).toBeGreaterThan(0);
    } finally {
      await inProcess.close();
    }
    cli.child.kill('SIGTERM');
    expect(await exitCode(cli.child)).toBe(0);
  });
});
