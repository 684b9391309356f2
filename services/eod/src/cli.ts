/**
 * The part of @tickflow/eod a command line needs before it knows which command runs: option specs,
 * the default date, the summary. Nothing here loads DuckDB (its native module adds ~37 MiB to a
 * process), so `tickflow feed`, `signals` and `bot` do not carry it; the eod commands import the
 * package itself when they run. The package's full public surface stays `src/index.ts`.
 */

export { type EodConfig, eodSpec, lastCompletedUtcDay } from './config.ts';
export { type EodArchiveConfig, eodArchiveSpec } from './daylog/archive-config.ts';
export { breakLines, fillLine, type Report } from './report/report.ts';
export type { EodResult } from './run.ts';
export { type EodServeConfig, eodServeSpec } from './serve/config.ts';
export { EXIT_BREAKS, renderSummary } from './summary.ts';
