import { botSpec } from '@tickflow/bot';
import { type ConfigOf, optionalDate, optionalStr, str } from '@tickflow/runtime';
import { signalsSpec } from '@tickflow/signals';

/** `tickflow backtest` exit codes (also in its --help and docs/STRATEGIES.md). */
export const BACKTEST_EXIT = { ok: 0, failed: 1, usage: 2 } as const;

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
  cash: botSpec.cash,
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
