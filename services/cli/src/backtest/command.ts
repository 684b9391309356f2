import { BacktestQueueTimeout } from './queue-timeout.ts';
import { BacktestError, runBacktest } from './run.ts';
import { BACKTEST_EXIT, type BacktestConfig } from './spec.ts';
import { renderBacktestSummary } from './summary.ts';

/** `tickflow backtest`: progress per day on a TTY (stderr), the summary on stdout; the exit code. */
export async function runBacktestCommand(c: BacktestConfig): Promise<number> {
  const tty = process.stderr.isTTY === true;
  try {
    const { report, dir } = await runBacktest(
      c,
      tty ? (line) => process.stderr.write(`${line}\n`) : undefined,
    );
    process.stdout.write(renderBacktestSummary(report, dir));
    return BACKTEST_EXIT.ok;
  } catch (err) {
    // Usage errors (ConfigError, strategy files) go on to main, which exits 2 with their message.
    if (!(err instanceof BacktestError)) throw err;
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
    process.stderr.write(`tickflow backtest: ${err.message}${cause}\n`);
    return err instanceof BacktestQueueTimeout ? BACKTEST_EXIT.queueTimeout : BACKTEST_EXIT.failed;
  }
}
