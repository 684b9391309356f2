import { type ConfigOf, choice, optionalStr, str } from '@tickflow/runtime';

/** `tickflow import` exit codes (also in its --help and docs/HISTORY.md). */
export const IMPORT_EXIT = { ok: 0, failed: 1, usage: 2, truncated: 3 } as const;

/** `tickflow import`'s settings; the files are its arguments. */
export const importSpec = {
  format: choice({
    flag: 'format',
    env: 'TICKFLOW_IMPORT_FORMAT',
    description:
      'auto: <SYMBOL>-trades-<YYYY-MM-DD>.csv|.csv.gz|.zip is a Binance dump, .csv/.ndjson/.jsonl[.gz] a replay file',
    choices: ['auto', 'binance', 'replay'] as const,
    default: 'auto',
  }),
  timeUnit: choice({
    flag: 'time-unit',
    env: 'TICKFLOW_IMPORT_TIME_UNIT',
    description: "a Binance dump's time unit; auto detects it from the values (13 digits ms, 16 digits µs)",
    choices: ['auto', 'ms', 'us'] as const,
    default: 'auto',
  }),
  symbol: optionalStr({
    flag: 'symbol',
    env: 'TICKFLOW_IMPORT_SYMBOL',
    description: "a Binance dump's symbol in our spelling, e.g. BTC-USDT (default: from the file name)",
    pattern: /^[A-Za-z0-9-]+$/,
    hint: 'a symbol such as BTC-USDT',
  }),
  venue: optionalStr({
    flag: 'venue',
    env: 'TICKFLOW_IMPORT_VENUE',
    description: 'venue of the imported ticks (default: binance for a dump, replay for a replay file)',
    pattern: /^[a-z0-9_-]+$/,
    hint: 'lower case letters, digits, _ and -',
  }),
  dataDir: str({
    flag: 'data-dir',
    env: 'TICKFLOW_DATA_DIR',
    description: 'data directory',
    default: './data',
  }),
  archiveDir: optionalStr({
    flag: 'archive-dir',
    env: 'TICKFLOW_EOD_ARCHIVE_DIR',
    description: 'Parquet archive root, <table>/date=YYYY-MM-DD/ below it (default <data-dir>/archive)',
  }),
  quarantineDir: optionalStr({
    flag: 'quarantine-dir',
    env: 'TICKFLOW_IMPORT_QUARANTINE_DIR',
    description: "where each file's bad rows go, as <file name>.bad.ndjson (default <data-dir>/quarantine)",
  }),
};

export type ImportConfig = ConfigOf<typeof importSpec>;
