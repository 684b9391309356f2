import { BacktestError } from './replay.ts';

/**
 * `--queue`: no result came back from the work queue for `--queue-timeout-ms` (no worker, or
 * workers that cannot take the jobs). Exit 3; the message says how many jobs were done.
 */
export class BacktestQueueTimeout extends BacktestError {
  override name = 'BacktestQueueTimeout';
  constructor(
    readonly done: number,
    readonly submitted: number,
    o: { url: string; timeoutMs: number },
  ) {
    super(
      `no result from the work queue at ${o.url} for ${o.timeoutMs / 1000} s (--queue-timeout-ms): ${done} of ${submitted} combinations done, ${submitted - done} not done (their jobs were taken off BACKTEST_JOBS); is a \`tickflow backtest worker\` running against that NATS?`,
    );
  }
}
