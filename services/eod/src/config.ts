import { MICROS_PER_DAY, utcDateOf } from '@tickflow/core';
import { bool, type ConfigOf, commonSpec, int, optionalDate, optionalStr, str } from '@tickflow/runtime';

/** The last completed UTC day before `nowMs`: `eod run`'s default date. */
export function lastCompletedUtcDay(nowMs = Date.now()): string {
  return utcDateOf(nowMs * 1000 - MICROS_PER_DAY);
}

export const eodSpec = {
  ...commonSpec,
  date: optionalDate({
    flag: 'date',
    env: 'TICKFLOW_EOD_DATE',
    description: 'trading date (UTC) to process, YYYY-MM-DD; default: the last completed UTC day',
  }),
  dataDir: str({
    flag: 'data-dir',
    env: 'TICKFLOW_DATA_DIR',
    description: 'data directory',
    default: './data',
  }),
  db: optionalStr({
    flag: 'db',
    env: 'TICKFLOW_EOD_DB',
    description: 'DuckDB file (default <data-dir>/tickflow.duckdb)',
  }),
  archiveDir: optionalStr({
    flag: 'archive-dir',
    env: 'TICKFLOW_EOD_ARCHIVE_DIR',
    description: 'Parquet archive root, <table>/date=YYYY-MM-DD/ below it (default <data-dir>/archive)',
  }),
  skipArchive: bool({
    flag: 'skip-archive',
    env: 'TICKFLOW_EOD_SKIP_ARCHIVE',
    description: 'do not export the date to the Parquet archive',
    default: false,
  }),
  fromLog: bool({
    flag: 'from-log',
    env: 'TICKFLOW_EOD_FROM_LOG',
    description:
      'load the date from the day log segments `eod archive` wrote (<log-dir>/<STREAM>/<date>/) instead of reading JetStream',
    default: false,
  }),
  logDir: optionalStr({
    flag: 'log-dir',
    env: 'TICKFLOW_EOD_LOG_DIR',
    description: 'root of the day log segments for --from-log (default <data-dir>/log)',
  }),
  skipBackfill: bool({
    flag: 'skip-backfill',
    env: 'TICKFLOW_EOD_SKIP_BACKFILL',
    description:
      "with --from-log, do not read from JetStream what the day log is missing (after the archive consumers' ack floor); then NATS is not needed",
    default: false,
  }),
  reportsDir: str({
    flag: 'reports-dir',
    env: 'TICKFLOW_REPORTS_DIR',
    description: 'where reports/<date>/ go',
    default: './reports',
  }),
  sessionTz: str({
    flag: 'session-tz',
    env: 'TICKFLOW_EOD_SESSION_TZ',
    description: 'time zone of the trading session (IANA name, e.g. America/New_York)',
    default: 'UTC',
  }),
  sessionOpen: str({
    flag: 'session-open',
    env: 'TICKFLOW_EOD_SESSION_OPEN',
    description: 'session open, HH:MM in --session-tz: the date holds the ticks from here',
    default: '00:00',
    pattern: /^([01]\d|2[0-3]):[0-5]\d$/,
    hint: 'HH:MM',
  }),
  sessionClose: str({
    flag: 'session-close',
    env: 'TICKFLOW_EOD_SESSION_CLOSE',
    description: 'session close, HH:MM in --session-tz (24:00 = midnight; at or before the open = next day)',
    default: '24:00',
    pattern: /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/,
    hint: 'HH:MM',
  }),
  memoryBudgetMib: int({
    flag: 'memory-budget-mib',
    env: 'TICKFLOW_EOD_MEMORY_BUDGET_MIB',
    description:
      "the close's peak memory budget in MiB, whatever the day's size: DuckDB gets 25–60 % of it by step (and spills beyond), the reconciliation replays the day in groups of symbols sized to fit 30 %",
    default: 1536,
    min: 256,
  }),
  spillDir: optionalStr({
    flag: 'spill-dir',
    env: 'TICKFLOW_EOD_SPILL_DIR',
    description:
      "where DuckDB and the reconciliation's read-back spill what does not fit the budget (default <data-dir>/spill; emptied after the run)",
  }),
  threads: int({
    flag: 'threads',
    env: 'TICKFLOW_EOD_THREADS',
    description: "DuckDB's worker threads (0: one per core)",
    default: 0,
    min: 0,
    max: 256,
  }),
  botDurable: str({
    flag: 'bot-durable',
    env: 'TICKFLOW_BOT_DURABLE',
    description:
      "the bot's --durable name: its session snapshot (execution model, positions) for the fill reconciliation",
    default: 'bot',
    pattern: /^[A-Za-z0-9_-]{1,58}$/,
    hint: 'letters, digits, _ or -',
  }),
  botPartitions: int({
    flag: 'bot-partitions',
    env: 'TICKFLOW_BOT_PARTITIONS',
    description:
      'the bot ran as this many partitions (--partition i/n): their session snapshots <bot-durable>-p<i>of<n> are merged into one book',
    default: 1,
    min: 1,
    max: 1024,
  }),
  strategies: optionalStr({
    flag: 'strategies',
    env: 'TICKFLOW_SIGNALS_STRATEGIES',
    description:
      'the JSON strategy file signals ran, with the strategy modules it names (for the batch recomputation); default: SMA cross with --fast/--slow/--qty',
  }),
  fast: int({
    flag: 'fast',
    env: 'TICKFLOW_SIGNALS_FAST',
    description: 'fast SMA period of the batch recomputation',
    default: 10,
    min: 1,
  }),
  slow: int({
    flag: 'slow',
    env: 'TICKFLOW_SIGNALS_SLOW',
    description: 'slow SMA period of the batch recomputation',
    default: 30,
    min: 2,
  }),
  qty: str({
    flag: 'qty',
    env: 'TICKFLOW_SIGNALS_QTY',
    description: 'quantity per decision of the batch recomputation',
    default: '1',
    pattern: /^\d+(\.\d+)?$/,
    hint: 'a positive decimal',
  }),
};

export type EodConfig = ConfigOf<typeof eodSpec>;
