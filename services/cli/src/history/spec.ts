import { type ConfigOf, choice, optionalDate, optionalStr, str } from '@tickflow/runtime';

/** `tickflow history` exit codes (also in its --help and docs/HISTORY.md). */
export const HISTORY_EXIT = { ok: 0, empty: 1, usage: 2 } as const;

/** The questions `tickflow history` answers from the archive. */
export const HISTORY_QUESTIONS = ['bars', 'volatility', 'pnl'] as const;
export type HistoryQuestion = (typeof HISTORY_QUESTIONS)[number];

/** `tickflow history <question>`'s settings. */
export const historySpec = {
  from: optionalDate({
    flag: 'from',
    env: 'TICKFLOW_HISTORY_FROM',
    description: 'first trading date (UTC), YYYY-MM-DD (required)',
  }),
  to: optionalDate({
    flag: 'to',
    env: 'TICKFLOW_HISTORY_TO',
    description: 'last trading date (UTC), included (default: --from)',
  }),
  symbols: optionalStr({
    flag: 'symbols',
    env: 'TICKFLOW_HISTORY_SYMBOLS',
    description: 'only these symbols, comma-separated (default: every symbol)',
    pattern: /^[A-Za-z0-9._:/-]+(,[A-Za-z0-9._:/-]+)*$/,
    hint: 'symbols separated by commas, e.g. BTC-USD,ETH-USD',
  }),
  format: choice({
    flag: 'format',
    env: 'TICKFLOW_HISTORY_FORMAT',
    description: 'table (aligned text), csv (RFC 4180, raw values) or json (an array of rows)',
    choices: ['table', 'csv', 'json'] as const,
    default: 'table',
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
};

export type HistoryConfig = ConfigOf<typeof historySpec>;
