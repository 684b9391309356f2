export type { SymbolRow } from './analytics/analytics.ts';
export { type DailyBar, dailyBars, type MinuteBar, minuteBars } from './analytics/bars.ts';
export {
  computePnl,
  type EquityPoint,
  type MinuteMark,
  type PnlRow,
  type PnlTotal,
} from './analytics/pnl.ts';
export type { PnlFill } from './analytics/pnl-book.ts';
export type { QualityRow, RejectRow } from './analytics/quality.ts';
export { FIVE_MINUTES_PER_YEAR, MINUTES_PER_YEAR, type VolatilityRow } from './analytics/volatility.ts';
export { type CloseOptions, closeDay, type ReportPaths } from './close.ts';
export { type EodConfig, eodSpec, lastCompletedUtcDay } from './config.ts';
export { type EodArchiveConfig, eodArchiveSpec } from './daylog/archive-config.ts';
export {
  LOG_STREAMS,
  type LogArchiverStats,
  logPositionFile,
  startLogArchiver,
} from './daylog/log-archiver.ts';
export { LogPositionError, readPosition, repairSegments, SegmentLog } from './daylog/segment-log.ts';
export { TICK_CSV_HEADER, tickCsvLine } from './daylog/tick-csv.ts';
export { loadFromLog, OpenSegmentError } from './load/log-loader.ts';
export {
  compareDecisions,
  type DecisionBreak,
  type DecisionReconciliation,
} from './reconcile/decisions.ts';
export { renderHtml } from './report/render-html.ts';
export { renderMarkdown } from './report/render-markdown.ts';
export { breakLines, buildReport, fillLine, REPORT_SCHEMA, type Report } from './report/report.ts';
export { REPORT_JSON_SCHEMA, type ReportJson } from './report/report-schema.ts';
export { type EodResult, type EodRunOptions, runEod } from './run.ts';
export { buildEodApp, reportDates } from './serve/app.ts';
export { type EodServeConfig, eodServeSpec } from './serve/config.ts';
export { nextRun, parseCloseTime } from './serve/schedule.ts';
export { EodScheduler, type RunRecord } from './serve/scheduler.ts';
export { startEodServer } from './serve/serve.ts';
export { EXIT_BREAKS, renderSummary } from './summary.ts';
