import { type BotConfig, botSpec, startBot } from '@tickflow/bot';
import {
  type EodArchiveConfig,
  type EodConfig,
  type EodServeConfig,
  EXIT_BREAKS,
  eodArchiveSpec,
  eodServeSpec,
  eodSpec,
  renderSummary,
} from '@tickflow/eod/cli';
import { type FeedConfig, feedSpec, startFeed } from '@tickflow/feed';
import {
  addOptions,
  ConfigError,
  createLogger,
  resolveConfig,
  runUntilSignal,
  type Spec,
} from '@tickflow/runtime';
import { type SignalsConfig, signalsSpec, startSignals } from '@tickflow/signals';
import { Command } from 'commander';
import { BACKTEST_EXIT, backtestSpec, backtestWorkerSpec } from './backtest/spec.ts';
import { demoSpec, runDemo } from './demo.ts';
import { HISTORY_EXIT, HISTORY_QUESTIONS, type HistoryQuestion, historySpec } from './history/spec.ts';
import { IMPORT_EXIT, importSpec } from './import/spec.ts';
import {
  CHECK_EXIT,
  strategyCheck,
  strategyCheckSpec,
  strategyNew,
  strategyNewSpec,
} from './strategy-command.ts';
import { runStreamsApply, runStreamsStatus, streamsApplySpec, streamsStatusSpec } from './streams.ts';

/** Every spec the CLI knows, so an unknown TICKFLOW_* variable can be named as a likely typo. */
export const ALL_SPECS: Spec[] = [
  feedSpec,
  signalsSpec,
  botSpec,
  eodSpec,
  eodArchiveSpec,
  eodServeSpec,
  demoSpec,
  backtestSpec,
  importSpec,
  historySpec,
  backtestWorkerSpec,
  strategyNewSpec,
  strategyCheckSpec,
  streamsStatusSpec,
  streamsApplySpec,
];

const config = <S extends Spec>(spec: S, flags: Record<string, unknown>) =>
  resolveConfig(spec, flags, process.env);

export function buildProgram(): Command {
  const program = new Command('tickflow')
    .description(
      'Market tick processor: feed → NATS JetStream → signals → paper bot → DuckDB end-of-day reports',
    )
    .showHelpAfterError('(run with --help for usage)');

  addOptions(program.command('demo'), demoSpec)
    .description('run feed, signals and bot on a compressed session, then the end-of-day report')
    .action(async (flags) => {
      process.exitCode = await runDemo(config(demoSpec, flags));
    });

  addOptions(program.command('feed'), feedSpec)
    .description(
      'publish ticks to TICKS from a synthetic market, a replay file, or Binance/Coinbase WebSockets',
    )
    .action(async (flags) => {
      const c: FeedConfig = config(feedSpec, flags);
      const log = createLogger('feed', c.logLevel);
      await runUntilSignal(await startFeed(c, log), log, c.shutdownTimeoutMs);
    });

  addOptions(program.command('signals'), signalsSpec)
    .description('consume TICKS, run the configured strategies, publish decisions; REST on --port')
    .action(async (flags) => {
      const c: SignalsConfig = config(signalsSpec, flags);
      const log = createLogger('signals', c.logLevel);
      await runUntilSignal(await startSignals(c, log), log, c.shutdownTimeoutMs);
    });

  addOptions(program.command('bot'), botSpec)
    .description('paper-trade the decisions: fills, positions, exact P&L; REST on --port')
    .action(async (flags) => {
      const c: BotConfig = config(botSpec, flags);
      const log = createLogger('bot', c.logLevel);
      // The bot bounds its own stop (--shutdown-timeout-ms); the grace delay is only a backstop.
      await runUntilSignal(await startBot(c, log), log, c.shutdownTimeoutMs + 2_000);
    });

  const eod = program.command('eod').description('end-of-day batch layer (DuckDB)');
  addOptions(eod.command('run'), eodSpec)
    .description(
      "load a date's TICKS, DECISIONS, FILLS and REJECTS into DuckDB, archive it to Parquet, write its reports",
    )
    .addHelpText(
      'after',
      `
Writes reports/<date>/report.{json,md,html} and one CSV per table, and the Parquet archive
<data-dir>/archive/<table>/date=YYYY-MM-DD/ (unless --skip-archive). See docs/EOD.md.

Exit codes:
  0  loaded, reported and reconciled
  1  failed (NATS, DuckDB, archive or report error; the previous state of the date is kept)
  2  invalid flag or environment value, an unreadable secret file, or NATS refused the credentials
  ${EXIT_BREAKS}  loaded and reported, but the reconciliation has breaks (listed on stdout and in the report)`,
    )
    .action(async (flags) => {
      const c: EodConfig = config(eodSpec, flags);
      // Logs to stderr: stdout carries the progress bar and the one-screen summary.
      // DuckDB is loaded only by the commands that use it.
      const { runEod } = await import('@tickflow/eod');
      const result = await runEod(c, createLogger('eod', c.logLevel, process.stderr), {
        progress: process.stdout.isTTY === true,
      });
      process.stdout.write(renderSummary(result));
      if (!result.report.reconciliation.clean) process.exitCode = EXIT_BREAKS;
    });
  addOptions(eod.command('archive'), eodArchiveSpec)
    .description(
      'archive TICKS, REJECTS, DECISIONS and FILLS all day to day-log segments <log-dir>/<STREAM>/<date>/ (ticks .csv, the rest .ndjson; group-committed fsyncs, the position kept in the log); `eod run --from-log` loads them',
    )
    .action(async (flags) => {
      const c: EodArchiveConfig = config(eodArchiveSpec, flags);
      const log = createLogger('eod-archive', c.logLevel);
      const { startLogArchiver } = await import('@tickflow/eod');
      await runUntilSignal(await startLogArchiver(c, log), log, c.shutdownTimeoutMs);
    });
  addOptions(eod.command('serve'), eodServeSpec)
    .description(
      "run each trading day's end of day at the session close (--close) and serve the reports: GET /v1/reports, /v1/reports/:date, /reports/:date/report.html, /v1/runs, /healthz, /metrics",
    )
    .action(async (flags) => {
      const c: EodServeConfig = config(eodServeSpec, flags);
      const log = createLogger('eod', c.logLevel);
      const { startEodServer } = await import('@tickflow/eod');
      await runUntilSignal(await startEodServer(c, log), log, c.shutdownTimeoutMs);
    });
  const backtest = addOptions(program.command('backtest'), backtestSpec)
    .description(
      'replay archived days (Parquet archive, else the DuckDB day tables) through the strategies and the paper broker; reports/backtests/<id>/',
    )
    .addHelpText(
      'after',
      `
Writes <out>/<id>/report.json (+ report.schema.json), report.html, trades.csv, decisions.csv and rejected.csv
(orders the bot's risk limits, --max-position …, refused). See docs/STRATEGIES.md.

Sweeps (jobs on --workers threads; report.html gets the grid's heat map or the windows):
  --grid 'fast=5..20:5,slow=20..60:10'   every combination; per parameter lo..hi:step (step
        default 1, decimals allowed), a list a|b|c (numbers or words), or one value. A bare name
        is that parameter of every strategy in --strategies that has it; SYMBOL.name one symbol's;
        without --strategies: fast, slow of SMA cross. Writes grid.csv; the report's figures are
        the best combination's by --metric.
  --walk-forward 'train=5d,test=1d'      on each training window the best --grid combination by
        --metric, run on the test days after it; the test windows stitched (windows.csv).
  --queue nats://host:4222               the jobs to the JetStream work queue for \`tickflow backtest
        worker\` processes instead of threads; NATS credentials as the services' (--nats-user,
        --nats-creds, …, or NATS_*); gives up after --queue-timeout-ms without a result (exit 3).

Exit codes:
  ${BACKTEST_EXIT.ok}  done
  ${BACKTEST_EXIT.failed}  failed (no ticks in the range, an unreadable archive or database)
  ${BACKTEST_EXIT.usage}  invalid flag or environment value (a date that is not a calendar date, --to before --from, bad --grid or --walk-forward syntax, a --grid name no strategy has), or a strategy file that cannot be used
  ${BACKTEST_EXIT.queueTimeout}  --queue: no result from the work queue for --queue-timeout-ms (no worker?); says how many combinations were done, and takes the rest off the queue`,
    )
    .action(async (flags) => {
      // DuckDB is loaded only by the commands that use it.
      const { runBacktestCommand } = await import('./backtest/command.ts');
      process.exitCode = await runBacktestCommand(config(backtestSpec, flags));
    });
  addOptions(
    program.command('import').argument('<files...>', 'Binance trades dumps and replay files'),
    importSpec,
  )
    .description(
      'bring history into the Parquet archive (ticks/date=D/) so it can be backtested: Binance daily trades dumps (<SYMBOL>-trades-<YYYY-MM-DD>.csv|.zip) and replay files (CSV/NDJSON, .gz)',
    )
    .addHelpText(
      'after',
      `
Each date+venue+symbol a file holds replaces what the archive had for it (a re-import never
duplicates); seq runs 1, 2, … per date, venue and symbol in file order. Bad rows are counted by code
and written to <quarantine-dir>/<file name>.bad.ndjson. Every entry of a zip is read, each a CSV.
A Binance dump's time unit (ms or µs) is
detected from its first 1,000 rows and said; mixed or unrecognisable times stop that file. See
docs/HISTORY.md.

Exit codes (the worst file's):
  ${IMPORT_EXIT.ok}  imported (bad rows, if any, counted and quarantined)
  ${IMPORT_EXIT.failed}  failed (the archive or DuckDB could not be written; that file not imported)
  ${IMPORT_EXIT.usage}  invalid flag, or a file not imported as given: not found, unknown kind, no symbol,
     a header without the needed columns, a time unit that cannot be told (pass --time-unit)
  ${IMPORT_EXIT.truncated}  a file is damaged or cut short (a truncated zip or gz): what was readable was imported,
     and the summary says at which line and byte it stopped; or a zip entry fails its CRC-32:
     nothing of that entry was imported (the summary names it), the other entries were`,
    )
    .action(async (files: string[], flags) => {
      // DuckDB is loaded only by the commands that use it.
      const { runImportCommand } = await import('./import/command.ts');
      process.exitCode = await runImportCommand(files, config(importSpec, flags));
    });
  addOptions(
    program.command('history').argument('<question>', `one of ${HISTORY_QUESTIONS.join(', ')}`),
    historySpec,
  )
    .description(
      'answer multi-day questions from the Parquet archive: daily bars, volatility or P&L per date and symbol, --from D1 --to D2',
    )
    .addHelpText(
      'after',
      `
  bars        open/high/low/close by seq, volume, vwap per date, venue and symbol (archived ticks)
  volatility  log return against the previous archived date, realised volatility of 1-minute
              log returns (√Σr²), range ln(high/low) per date, venue and symbol (archived ticks)
  pnl         cash-flow P&L of the archived fills from --from on, marked at each date's last trade
See docs/HISTORY.md for the formulas.

Exit codes:
  ${HISTORY_EXIT.ok}  answered
  ${HISTORY_EXIT.empty}  nothing archived in the range (or the archive could not be read)
  ${HISTORY_EXIT.usage}  invalid flag or question (a date that is not a calendar date, --to before --from)`,
    )
    .action(async (question: string, flags) => {
      if (!(HISTORY_QUESTIONS as readonly string[]).includes(question))
        throw new ConfigError([
          `history: expected one of ${HISTORY_QUESTIONS.join(', ')}, got ${JSON.stringify(question)}`,
        ]);
      const { runHistoryCommand } = await import('./history/command.ts');
      process.exitCode = await runHistoryCommand(question as HistoryQuestion, config(historySpec, flags));
    });
  addOptions(backtest.command('worker'), backtestWorkerSpec)
    .description(
      'take `backtest --grid --queue` jobs from the JetStream work queue (BACKTEST_JOBS), run them on the archive this machine sees (same paths), publish the results; until SIGINT/SIGTERM',
    )
    .action(async (flags) => {
      const c = config(backtestWorkerSpec, flags);
      const log = createLogger('backtest-worker', c.logLevel);
      const { startBacktestWorker } = await import('./backtest/queue-worker.ts');
      await runUntilSignal(await startBacktestWorker(c, log), log, c.shutdownTimeoutMs);
    });
  const strategy = program
    .command('strategy')
    .description('write and check your own strategy modules (docs/STRATEGIES.md)');
  addOptions(strategy.command('new').argument('<name>', 'lower case, digits and -'), strategyNewSpec)
    .description('write a commented starter: <dir>/<name>.ts (a working rule), its test, a config naming it')
    .action((name: string, flags) => {
      process.stdout.write(strategyNew(name, config(strategyNewSpec, flags)));
    });
  addOptions(
    strategy.command('check').argument('<file|name>', 'a module path, or a name looked up in --dir'),
    strategyCheckSpec,
  )
    .description(
      'run the contract on a strategy module: same decisions twice, snapshot/restore mid-stream, no clock or randomness, speed',
    )
    .addHelpText(
      'after',
      `
Exit codes:
  ${CHECK_EXIT.pass}  every check passed
  ${CHECK_EXIT.failed}  a check failed (each failure is said on stdout)
  ${CHECK_EXIT.usage}  usage error, or the module cannot be loaded or its --params are invalid`,
    )
    .action(async (target: string, flags) => {
      const write = (line: string) => process.stdout.write(`${line}\n`);
      process.exitCode = await strategyCheck(target, config(strategyCheckSpec, flags), write);
    });
  const streams = program
    .command('streams')
    .description("the JetStream streams' settings, which belong to the operator (docs/SCALING.md)");
  addOptions(streams.command('status'), streamsStatusSpec)
    .description(
      'each stream: subjects, storage, replicas, limits, messages and bytes, cluster leader and replicas (current, lag)',
    )
    .action(async (flags) => {
      await runStreamsStatus(config(streamsStatusSpec, flags), (t) => process.stdout.write(t));
    });
  addOptions(streams.command('apply'), streamsApplySpec)
    .description(
      'create the missing streams and update the others to --replicas and the built-in limits, printing each change',
    )
    .addHelpText(
      'after',
      `
Services never change an existing stream (they log how it differs); this command does.
Fewer replicas, a shorter max age or fewer max bytes are refused without --force; storage,
retention and republish (live subjects) cannot be changed on an existing stream (the server
refuses): archive the day, then --recreate deletes the stream and creates it anew.

Exit codes:
  0  applied (or nothing to change, or --dry-run)
  1  NATS failed or refused the update
  2  invalid flag, refused credentials, or a change refused (needs --force, or impossible)`,
    )
    .action(async (flags) => {
      await runStreamsApply(config(streamsApplySpec, flags), (t) => process.stdout.write(t));
    });
  return program;
}
