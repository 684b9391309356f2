export { MINUTES_PER_YEAR, type SymbolRow } from './analytics.ts';
export { type EodConfig, eodSpec } from './config.ts';
export { DayLoader, type LoadCounts, type Watermarks } from './loader.ts';
export { type DecisionBreak, type DecisionReconciliation, reconcileDecisions } from './reconcile.ts';
export { buildReport, REPORT_SCHEMA, type Report, renderMarkdown } from './report.ts';
export { type EodResult, lastCompletedUtcDay, runEod } from './run.ts';
