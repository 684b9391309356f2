import { randomUUID } from 'node:crypto';
import { Bus, decode, encode, ensureWorkQueue, submitJob, watchResults, withdrawJobs } from '@tickflow/bus';
import type { BusConnectSettings } from '@tickflow/runtime';
import type { BacktestJob, BacktestJobResult } from './job.ts';
import type { JobPool } from './pool.ts';
import { BacktestQueueTimeout } from './queue-timeout.ts';
import { BacktestError } from './replay.ts';

/** The work queue's subjects and streams: backtest.jobs.<run> (BACKTEST_JOBS), backtest.results.<run>. */
export const BACKTEST_QUEUE = { prefix: 'backtest' } as const;

/**
 * A JobPool whose jobs go to the JetStream work queue, for `tickflow backtest worker` processes on
 * any machine that sees the same archive paths; results come back on the run's results subject.
 * The run id is fresh per grid, so two grids never read each other's results. When no result
 * comes back for `timeoutMs` while jobs are out (no worker), every job waiting fails with
 * BacktestQueueTimeout and the run's jobs are taken off the queue, so no late worker runs them.
 */
export async function openQueuePool(
  settings: BusConnectSettings,
  o: { timeoutMs: number },
): Promise<JobPool> {
  const bus = await Bus.connect({ ...settings, name: 'tickflow-backtest' }).catch((cause) => {
    throw new BacktestError(`could not reach NATS at ${settings.url}: ${(cause as Error).message}`, {
      cause,
    });
  });
  await ensureWorkQueue(bus.jsm, BACKTEST_QUEUE);
  const run = randomUUID();
  type Waiter = { resolve: (r: BacktestJobResult) => void; reject: (err: Error) => void };
  const waiting = new Map<string, Waiter>();
  const early = new Map<string, BacktestJobResult>();
  const counts = { submitted: 0, done: 0 };
  let timer: NodeJS.Timeout | undefined;
  let timedOut: BacktestQueueTimeout | undefined;
  // Restarted by every result: it fires only after timeoutMs without one while jobs are out.
  const arm = () => {
    clearTimeout(timer);
    timer = waiting.size > 0 ? setTimeout(giveUp, o.timeoutMs) : undefined;
  };
  const giveUp = () => {
    timedOut = new BacktestQueueTimeout(counts.done, counts.submitted, {
      url: bus.url,
      timeoutMs: o.timeoutMs,
    });
    for (const w of waiting.values()) w.reject(timedOut);
    waiting.clear();
  };
  const watch = await watchResults(bus.js, bus.jsm, BACKTEST_QUEUE, run, (data) => {
    const r = decode(data) as BacktestJobResult;
    const w = waiting.get(r.key);
    if (w) {
      waiting.delete(r.key);
      counts.done++;
      w.resolve(r);
      arm();
    } else early.set(r.key, r); // a redelivered job's second result, or one ahead of its wait
  });
  return {
    async run(job: BacktestJob) {
      if (timedOut) throw timedOut;
      const result = new Promise<BacktestJobResult>((resolve, reject) => {
        const had = early.get(job.key);
        if (had) resolve(had);
        else {
          waiting.set(job.key, { resolve, reject });
          if (timer === undefined) arm();
        }
      });
      result.catch(() => {}); // awaited below; a give-up during the submit must not go unhandled
      counts.submitted++;
      await submitJob(bus.js, BACKTEST_QUEUE, run, job.key, encode(job));
      return result;
    },
    async close() {
      clearTimeout(timer);
      // Given up: what no worker took must not be run by one that starts later.
      if (timedOut) await withdrawJobs(bus.jsm, BACKTEST_QUEUE, run).catch(() => 0);
      await watch.stop();
      await bus.drain();
    },
  };
}
