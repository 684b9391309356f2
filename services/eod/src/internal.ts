/**
 * The end of day's parts for its own tests and benches (as nats.js keeps internal_mod.ts): the public
 * index plus what the tests drive directly. Not an API: other packages import `@tickflow/eod`.
 */

export { type SymbolRow, symbolAnalytics } from './analytics/analytics.ts';
export { buildBars1m, type DailyBar, dailyBars, type MinuteBar, minuteBars } from './analytics/bars.ts';
export {
  computePnl,
  type EquityPoint,
  type MinuteMark,
  type PnlRow,
  type PnlTotal,
} from './analytics/pnl.ts';
export type { PnlFill } from './analytics/pnl-book.ts';
export { type QualityRow, type RejectRow, tickQuality } from './analytics/quality.ts';
export { FIVE_MINUTES_PER_YEAR, MINUTES_PER_YEAR, type VolatilityRow } from './analytics/volatility.ts';
export { type CloseOptions, closeDay, type ReportPaths } from './close.ts';
export { LineBuffer } from './daylog/line-buffer.ts';
export { logPositionFile } from './daylog/log-archiver.ts';
export { LogPositionError, readPosition, repairSegments, SegmentLog } from './daylog/segment-log.ts';
export { LOG_STREAMS } from './daylog/stream-rules.ts';
export { TICK_CSV_HEADER, TICK_CSV_READ_OPTIONS, tickCsvLine } from './daylog/tick-csv.ts';
export { scanTickLayout, writeScannedTick } from './daylog/tick-csv-bytes.ts';
export * from './index.ts';
export { loadFromLog, OpenSegmentError } from './load/log-loader.ts';
export {
  compareDecisions,
  type DecisionBreak,
  type DecisionReconciliation,
} from './reconcile/decisions.ts';
export { renderHtml } from './report/render-html.ts';
export { renderMarkdown } from './report/render-markdown.ts';
export { breakLines, buildReport, fillLine, REPORT_SCHEMA } from './report/report.ts';
export { REPORT_JSON_SCHEMA, type ReportJson } from './report/report-schema.ts';
export { buildEodApp, reportDates } from './serve/app.ts';
export { nextRun, parseCloseTime } from './serve/schedule.ts';
export { EodScheduler, type RunRecord } from './serve/scheduler.ts';
export { EXIT_BREAKS, renderSummary } from './summary.ts';
