import { randomUUID } from 'node:crypto';
import { Bus, decode, encode, ensureWorkQueue, submitJob, watchResults } from '@tickflow/bus';
import type { BusConnectSettings } from '@tickflow/runtime';
import type { BacktestJob, BacktestJobResult } from './job.ts';
import type { JobPool } from './pool.ts';
import { BacktestError } from './replay.ts';

/** The work queue's subjects and streams: backtest.jobs.<run> (BACKTEST_JOBS), backtest.results.<run>. */
export const BACKTEST_QUEUE = { prefix: 'backtest' } as const;

/**
 * A JobPool whose jobs go to the JetStream work queue, for `tickflow backtest worker` processes on
 * any machine that sees the same archive paths; results come back on the run's results subject.
 * The run id is fresh per grid, so two grids never read each other's results.
 */
export async function openQueuePool(settings: BusConnectSettings): Promise<JobPool> {
  const bus = await Bus.connect({ ...settings, name: 'tickflow-backtest' }).catch((cause) => {
    throw new BacktestError(`could not reach NATS at ${settings.url}: ${(cause as Error).message}`, {
      cause,
    });
  });
  await ensureWorkQueue(bus.jsm, BACKTEST_QUEUE);
  const run = randomUUID();
  const waiting = new Map<string, (r: BacktestJobResult) => void>();
  const early = new Map<string, BacktestJobResult>();
  const watch = await watchResults(bus.js, bus.jsm, BACKTEST_QUEUE, run, (data) => {
    const r = decode(data) as BacktestJobResult;
    const resolve = waiting.get(r.key);
    if (resolve) {
      waiting.delete(r.key);
      resolve(r);
    } else early.set(r.key, r); // a redelivered job's second result, or one ahead of its wait
  });
  return {
    async run(job: BacktestJob) {
      const result = new Promise<BacktestJobResult>((resolve) => {
        const had = early.get(job.key);
        if (had) resolve(had);
        else waiting.set(job.key, resolve);
      });
      await submitJob(bus.js, BACKTEST_QUEUE, run, job.key, encode(job));
      return result;
    },
    async close() {
      await watch.stop();
      await bus.drain();
    },
  };
}
