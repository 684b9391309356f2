export type { SymbolRow } from './analytics.ts';
export { type EodArchiveConfig, eodArchiveSpec } from './archive-config.ts';
export { type DailyBar, dailyBars, type MinuteBar, minuteBars } from './bars.ts';
export { type CloseOptions, closeDay, type ReportPaths } from './close.ts';
export { type EodConfig, eodSpec, lastCompletedUtcDay } from './config.ts';
export { type LogArchiverStats, logPositionFile, startLogArchiver } from './log-archiver.ts';
export { loadFromLog, OpenSegmentError } from './log-loader.ts';
export { computePnl, type EquityPoint, type MinuteMark, type PnlRow, type PnlTotal } from './pnl.ts';
export type { PnlFill } from './pnl-book.ts';
export type { QualityRow, RejectRow } from './quality.ts';
export {
  compareDecisions,
  type DecisionBreak,
  type DecisionReconciliation,
} from './reconcile.ts';
export { renderHtml } from './render-html.ts';
export { renderMarkdown } from './render-markdown.ts';
export { breakLines, buildReport, fillLine, REPORT_SCHEMA, type Report } from './report.ts';
export { REPORT_JSON_SCHEMA, type ReportJson } from './report-schema.ts';
export { type EodResult, type EodRunOptions, runEod } from './run.ts';
export { LogPositionError, readPosition, repairSegments, SegmentLog } from './segment-log.ts';
export { buildEodApp, reportDates } from './serve/app.ts';
export { type EodServeConfig, eodServeSpec } from './serve/config.ts';
export { nextRun, parseCloseTime } from './serve/schedule.ts';
export { EodScheduler, type RunRecord } from './serve/scheduler.ts';
export { startEodServer } from './serve/serve.ts';
export { LOG_STREAMS } from './stream-rules.ts';
export { EXIT_BREAKS, renderSummary } from './summary.ts';
export { TICK_CSV_HEADER, tickCsvLine } from './tick-csv.ts';
export { FIVE_MINUTES_PER_YEAR, MINUTES_PER_YEAR, type VolatilityRow } from './volatility.ts';
