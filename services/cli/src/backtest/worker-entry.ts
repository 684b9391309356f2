import { parentPort } from 'node:worker_threads';
import { DaySharer } from './day-sharer.ts';
import { JobRunner } from './job.ts';
import type { BatchAnswer, JobBatch, Preload } from './pool.ts';
import type { ShareRequest } from './read-ahead.ts';

/**
 * A grid worker thread: takes one lane group (JobBatch) at a time from its parent, runs it in one
 * pass over its days, and answers with each job's BacktestJobResult, or `{ key, failure }` when the
 * group could not run (archive unreadable…). Or a backtest's read-ahead thread: reads the days it is
 * asked for onto shared memory (ShareRequest → ShareAnswer).
 */
const port = parentPort;
if (port) {
  // One DuckDB thread: the pool's threads are the parallelism, and N workers × N DuckDB threads
  // would fight over the cores.
  const runner = new JobRunner({ duckdbThreads: 1, lazy: true });
  // Days handed over are in the runner before the job that follows them runs.
  let ready: Promise<unknown> = Promise.resolve();
  // The pool ends a thread with terminate(): DuckDB holds nothing to flush (in-memory, read-only).
  // A read-ahead thread (see ReadAhead) is asked only for days.
  const sharer = new DaySharer();
  port.on('message', (message: JobBatch | Preload | ShareRequest) => {
    if ('share' in message) {
      void sharer.answer(message).then((answer) => port.postMessage(answer));
      return;
    }
    if ('preload' in message) {
      const { preload, days } = message;
      // A preload that fails leaves the days to be read by the jobs, which report any error.
      ready = ready.then(() => runner.preload(preload, days)).catch(() => {});
      return;
    }
    const { jobs } = message;
    ready = ready
      .then(() => runner.runGroup(jobs))
      .then(
        (answers): BatchAnswer => ({ answers }),
        (err: unknown): BatchAnswer => ({
          answers: jobs.map((job) => ({
            key: job.key,
            failure: {
              name: (err as Error)?.name ?? 'Error',
              message: (err as Error)?.message ?? String(err),
            },
          })),
        }),
      )
      .then((answer) => port.postMessage(answer));
  });
}
