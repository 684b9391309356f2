/**
 * What other packages use of the end of day: run a day, archive the day log, serve the reports, and
 * the configs they take. Tests and benches reach the parts inside through `@tickflow/eod/internal`;
 * `@tickflow/eod/cli` holds the specs and summary without loading DuckDB.
 */
export { type EodConfig, eodSpec, lastCompletedUtcDay } from './config.ts';
export { type EodArchiveConfig, eodArchiveSpec } from './daylog/archive-config.ts';
export { type LogArchiverStats, startLogArchiver } from './daylog/log-archiver.ts';
export type { Report } from './report/report.ts';
export { type EodResult, type EodRunOptions, runEod } from './run.ts';
export { type EodServeConfig, eodServeSpec } from './serve/config.ts';
export { startEodServer } from './serve/serve.ts';
