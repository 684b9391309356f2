import { type ConfigOf, commonSpec, int, optionalStr, str } from '@tickflow/runtime';

/** Settings of `tickflow eod archive` (the continuous stream → day-log segment archiver). */
export const eodArchiveSpec = {
  ...commonSpec,
  dataDir: str({
    flag: 'data-dir',
    env: 'TICKFLOW_DATA_DIR',
    description: 'data directory',
    default: './data',
  }),
  logDir: optionalStr({
    flag: 'log-dir',
    env: 'TICKFLOW_EOD_LOG_DIR',
    description: 'root of the day log segments, <STREAM>/<date>/ below it (default <data-dir>/log)',
  }),
  segmentMib: int({
    flag: 'segment-mib',
    env: 'TICKFLOW_EOD_SEGMENT_MIB',
    description: 'start a new segment file after this many MiB',
    default: 64,
    min: 1,
  }),
  port: int({
    flag: 'port',
    env: 'TICKFLOW_EOD_ARCHIVE_PORT',
    description: 'HTTP port (/healthz, /metrics); 0 picks a free one',
    default: 8084,
    min: 0,
    max: 65535,
  }),
  spaceRetryMs: int({
    flag: 'space-retry-ms',
    env: 'TICKFLOW_EOD_SPACE_RETRY_MS',
    description: 'while the disk is full, test for space again this often (ms)',
    default: 1000,
    min: 10,
  }),
  idleCloseSeconds: int({
    flag: 'idle-close-seconds',
    env: 'TICKFLOW_EOD_IDLE_CLOSE_SECONDS',
    description: "finish a date's open segment after this many seconds without a message for it",
    default: 10,
    min: 1,
  }),
};

export type EodArchiveConfig = ConfigOf<typeof eodArchiveSpec>;
