import { parentPort } from 'node:worker_threads';
import { type BacktestJob, JobRunner } from './job.ts';

/**
 * A grid worker thread: takes one BacktestJob at a time from its parent and answers with its
 * BacktestJobResult, or `{ key, failure }` when the job could not run (archive unreadable…).
 */
const port = parentPort;
if (port) {
  // One DuckDB thread: the pool's threads are the parallelism, and N workers × N DuckDB threads
  // would fight over the cores.
  const runner = new JobRunner({ duckdbThreads: 1 });
  // The pool ends a thread with terminate(): DuckDB holds nothing to flush (in-memory, read-only).
  port.on('message', (job: BacktestJob) => {
    runner.run(job).then(
      (result) => port.postMessage(result),
      (err: unknown) =>
        port.postMessage({
          key: job.key,
          failure: { name: (err as Error)?.name ?? 'Error', message: (err as Error)?.message ?? String(err) },
        }),
    );
  });
}
