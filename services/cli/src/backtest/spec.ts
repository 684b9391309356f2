import { availableParallelism } from 'node:os';
import { botSpec } from '@tickflow/bot';
import {
  type ConfigOf,
  choice,
  commonSpec,
  int,
  natsAuthSpec,
  optionalDate,
  optionalStr,
  str,
} from '@tickflow/runtime';
import { signalsSpec } from '@tickflow/signals';
import { METRICS } from './metric.ts';

/** `tickflow backtest` exit codes (also in its --help and docs/STRATEGIES.md). */
export const BACKTEST_EXIT = { ok: 0, failed: 1, usage: 2, queueTimeout: 3 } as const;

/**
 * `tickflow backtest`'s settings. The strategy settings are signals' own fields and the execution
 * model the bot's (same flags, same environment variables), so a backtest run with the flags the
 * services ran with reproduces them, and a name never means two things.
 */
export const backtestSpec = {
  from: optionalDate({
    flag: 'from',
    env: 'TICKFLOW_BACKTEST_FROM',
    description: 'first trading date (UTC) of the backtest, YYYY-MM-DD (required)',
  }),
  to: optionalDate({
    flag: 'to',
    env: 'TICKFLOW_BACKTEST_TO',
    description: 'last trading date (UTC), included (default: --from)',
  }),
  symbols: optionalStr({
    flag: 'symbols',
    env: 'TICKFLOW_BACKTEST_SYMBOLS',
    description: 'only these symbols, comma-separated (default: every symbol of each date)',
    pattern: /^[A-Za-z0-9._:/-]+(,[A-Za-z0-9._:/-]+)*$/,
    hint: 'symbols separated by commas, e.g. BTC-USD,ETH-USD',
  }),
  strategies: signalsSpec.strategies,
  fast: signalsSpec.fast,
  slow: signalsSpec.slow,
  qty: signalsSpec.qty,
  feeBps: botSpec.feeBps,
  makerFeeBps: botSpec.makerFeeBps,
  minFee: botSpec.minFee,
  latencyMs: botSpec.latencyMs,
  slippageBps: botSpec.slippageBps,
  impactBps: botSpec.impactBps,
  partialFills: botSpec.partialFills,
  orderTtlMs: botSpec.orderTtlMs,
  // The bot's risk limits, same flags and variables: refused orders as the bot refuses them.
  maxPosition: botSpec.maxPosition,
  maxNotional: botSpec.maxNotional,
  maxGrossExposure: botSpec.maxGrossExposure,
  dailyLossLimit: botSpec.dailyLossLimit,
  cash: botSpec.cash,
  grid: optionalStr({
    flag: 'grid',
    env: 'TICKFLOW_BACKTEST_GRID',
    description:
      "run every combination of strategy parameters, e.g. 'fast=5..20:5,slow=20..60:10' (lo..hi:step, or a|b|c; SYMBOL.name for one symbol)",
  }),
  walkForward: optionalStr({
    flag: 'walk-forward',
    env: 'TICKFLOW_BACKTEST_WALK_FORWARD',
    description:
      "pick the best --grid combination on each training window by --metric, run it on the next test window, stitch those: 'train=5d,test=1d'",
  }),
  metric: choice({
    flag: 'metric',
    env: 'TICKFLOW_BACKTEST_METRIC',
    description: 'what --grid and --walk-forward rank combinations by (higher is better)',
    default: 'sharpe',
    choices: METRICS,
  }),
  workers: int({
    flag: 'workers',
    env: 'TICKFLOW_BACKTEST_WORKERS',
    description: 'worker threads running grid combinations (1: in this thread; default: the number of cores)',
    default: availableParallelism(),
    min: 1,
    max: 256,
  }),
  queue: optionalStr({
    flag: 'queue',
    env: 'TICKFLOW_BACKTEST_QUEUE',
    description:
      "a NATS URL: hand the grid's jobs to its JetStream work queue (BACKTEST_JOBS) for `tickflow backtest worker` processes instead of --workers threads",
    pattern: /^(nats|tls):\/\/\S+$/,
    hint: 'a nats:// or tls:// URL',
  }),
  queueTimeoutMs: int({
    flag: 'queue-timeout-ms',
    env: 'TICKFLOW_BACKTEST_QUEUE_TIMEOUT_MS',
    description:
      'with --queue: give up (exit 3) when no result has come back for this long, since the jobs went out or since the last result; set it above the longest job',
    default: 600_000,
    min: 100,
    max: 7 * 86_400_000,
  }),
  // How --queue authenticates: the services' NATS options (flags and NATS_* variables).
  ...natsAuthSpec,
  natsWaitS: commonSpec.natsWaitS,
  dataDir: str({
    flag: 'data-dir',
    env: 'TICKFLOW_DATA_DIR',
    description: 'data directory',
    default: './data',
  }),
  db: optionalStr({
    flag: 'db',
    env: 'TICKFLOW_EOD_DB',
    description: 'DuckDB file read for dates not in the archive (default <data-dir>/tickflow.duckdb)',
  }),
  archiveDir: optionalStr({
    flag: 'archive-dir',
    env: 'TICKFLOW_EOD_ARCHIVE_DIR',
    description: 'Parquet archive root, <table>/date=YYYY-MM-DD/ below it (default <data-dir>/archive)',
  }),
  out: str({
    flag: 'out',
    env: 'TICKFLOW_BACKTEST_OUT',
    description: 'where reports/backtests/<id>/ go',
    default: './reports/backtests',
  }),
};

export type BacktestConfig = ConfigOf<typeof backtestSpec>;

/** `tickflow backtest worker`: the NATS whose work queue it takes grid jobs from. */
export const backtestWorkerSpec = {
  natsUrl: commonSpec.natsUrl,
  ...natsAuthSpec,
  natsWaitS: commonSpec.natsWaitS,
  logLevel: commonSpec.logLevel,
  shutdownTimeoutMs: commonSpec.shutdownTimeoutMs,
};

export type BacktestWorkerConfig = ConfigOf<typeof backtestWorkerSpec>;
