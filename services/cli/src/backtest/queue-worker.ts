import { Bus, decode, encode, startQueueWorker } from '@tickflow/bus';
import { busAuthFrom, type Logger, type ServiceHandle } from '@tickflow/runtime';
import type { BacktestJob } from './job.ts';
import { JobRunner } from './job.ts';
import { BACKTEST_QUEUE } from './queue-pool.ts';
import type { BacktestWorkerConfig } from './spec.ts';

/**
 * Takes grid jobs from the JetStream work queue one at a time, runs each with a JobRunner (the
 * same as a worker thread's), publishes the result and acks the job. Runs until stopped.
 */
export async function startBacktestWorker(
  c: BacktestWorkerConfig,
  log: Logger,
): Promise<ServiceHandle & { readonly processed: number }> {
  const bus = await Bus.connect({ ...busAuthFrom(c), name: 'tickflow-backtest-worker' });
  // A runner per run: it caches days and the archive's list of dates, which a later run (after
  // another end of day) must read afresh.
  let current: { run: string; runner: JobRunner } | undefined;
  const runnerFor = (run: string) => {
    if (current?.run !== run) {
      current?.runner.close();
      current = { run, runner: new JobRunner() };
    }
    return current.runner;
  };
  const worker = await startQueueWorker(
    bus.js,
    bus.jsm,
    BACKTEST_QUEUE,
    async (data, run) => {
      const job = decode(data) as BacktestJob;
      const t0 = performance.now();
      const result = await runnerFor(run).run(job);
      log.info({ run, key: job.key, ms: Math.round(performance.now() - t0), ok: result.ok }, 'job done');
      return encode(result);
    },
    (err) => log.warn({ err }, 'job failed; it will be tried again'),
  );
  log.info({ url: bus.url }, 'taking backtest jobs from BACKTEST_JOBS');
  return {
    port: 0,
    done: new Promise<void>(() => {}),
    get processed() {
      return worker.processed;
    },
    async close() {
      await worker.stop();
      current?.runner.close();
      await bus.drain();
    },
  };
}
