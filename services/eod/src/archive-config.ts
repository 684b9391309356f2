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
  idleCloseSeconds: int({
    flag: 'idle-close-seconds',
    env: 'TICKFLOW_EOD_IDLE_CLOSE_SECONDS',
    description: "finish a date's open segment after this many seconds without a message for it",
    default: 10,
    min: 1,
  }),
};

export type EodArchiveConfig = ConfigOf<typeof eodArchiveSpec>;
