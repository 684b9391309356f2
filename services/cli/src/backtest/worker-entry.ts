import { parentPort } from 'node:worker_threads';
import { type BacktestJob, JobRunner } from './job.ts';
import type { Preload } from './pool.ts';

/**
 * A grid worker thread: takes one BacktestJob at a time from its parent and answers with its
 * BacktestJobResult, or `{ key, failure }` when the job could not run (archive unreadable…).
 */
const port = parentPort;
if (port) {
  // One DuckDB thread: the pool's threads are the parallelism, and N workers × N DuckDB threads
  // would fight over the cores.
  const runner = new JobRunner({ duckdbThreads: 1, lazy: true });
  // Days handed over are in the runner before the job that follows them runs.
  let ready: Promise<unknown> = Promise.resolve();
  // The pool ends a thread with terminate(): DuckDB holds nothing to flush (in-memory, read-only).
  port.on('message', (message: BacktestJob | Preload) => {
    if ('preload' in message) {
      const { preload, days } = message;
      // A preload that fails leaves the days to be read by the job, which reports any error.
      ready = ready.then(() => runner.preload(preload, days)).catch(() => {});
      return;
    }
    const job = message;
    ready = ready
      .then(() => runner.run(job))
      .then(
        (result) => port.postMessage(result),
        (err: unknown) =>
          port.postMessage({
            key: job.key,
            failure: {
              name: (err as Error)?.name ?? 'Error',
              message: (err as Error)?.message ?? String(err),
            },
          }),
      );
  });
}
