import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ArchivedTable,
  archiveDate,
  checkDate,
  type DuplicateRecord,
  type HistoryConnection,
  type ReadSymbolsOptions,
  readDuplicates,
  sqlString,
} from '@tickflow/history';
import type { SessionSnapshot } from '@tickflow/paper';
import { writeCsvFiles, writeJsonWithSchema } from '@tickflow/report';
import type { StrategyFactory } from '@tickflow/strategy';
import { rejectCounts, symbolAnalytics, unmarkedFills } from './analytics/analytics.ts';
import { buildBars1m, dailyBars } from './analytics/bars.ts';
import { pnlFromDuckDB } from './analytics/pnl.ts';
import { rejectsByCode, tickQuality } from './analytics/quality.ts';
import { volatility } from './analytics/volatility.ts';
import { reconcileDay } from './reconcile/index.ts';
import { cashFlowPnl } from './reconcile/pnl.ts';
import { priceCharts, SYMBOLS_CHARTED } from './report/chart-data.ts';
import { renderHtml } from './report/render-html.ts';
import { renderMarkdown } from './report/render-markdown.ts';
import { buildReport, type Report } from './report/report.ts';
import { REPORT_JSON_SCHEMA } from './report/report-schema.ts';
import { csvTables } from './report/tables.ts';

export interface ReportPaths {
  json: string;
  markdown: string;
  html: string;
  /** report.json's JSON Schema (report-schema.ts), written beside it. */
  schema: string;
  csv: string[];
  database: string;
}

export interface CloseOptions {
  date: string;
  database: string;
  /** Parquet archive root, or undefined to skip the export. */
  archiveDir: string | undefined;
  /** reports/<date>/ goes below it. */
  reportsDir: string;
  factory: StrategyFactory;
  /** The bot's end-of-session snapshot of the date (its execution model, its positions), if found. */
  snapshot?: SessionSnapshot | undefined;
  /** Decisions the bot rejected (ORDERS), not executed by the batch recomputation either. */
  rejectedDecisions?: ReadonlySet<string>;
  /** Order events ORDERS holds twice (bot-session.ts): reported with the load's duplicates. */
  orderDuplicates?: readonly DuplicateRecord[];
  load: Report['load'];
  generatedAt?: Date;
  /** Called as each step starts, for progress display. */
  onStep?: (step: CloseStep) => void;
  /**
   * Two more connections to the same database. With them the analytics (DuckDB's work, on its
   * threads) run on `analytics`, the archive on the close's own connection and the reconciliation
   * (its replay is JavaScript's, on the main thread) on `replay`, all at once instead of one after
   * the other: on two cores the close takes the longest of them rather than their sum.
   */
  side?: { analytics: HistoryConnection; replay: HistoryConnection };
  /** How many ticks' columns the reconciliation holds at most, and where bigger days spill. */
  readback?: ReadSymbolsOptions;
  /**
   * DuckDB's memory limit in MiB for each step when the steps run one after another (no `side`):
   * the budget lent to the step that is running. The archive and the analytics hold nothing in
   * JavaScript, so DuckDB may have more then than beside the reconciliation's tick columns.
   * Unset: the limit DuckDB was opened with, throughout.
   */
  duckdbMib?: Partial<Record<'archive' | 'analytics' | 'reconcile', number>>;
}

export const CLOSE_STEPS = ['bars', 'archive', 'analytics', 'reconcile', 'reports'] as const;
export type CloseStep = (typeof CLOSE_STEPS)[number];

/**
 * The close of an already loaded date: derived 1-minute bars, the Parquet archive, analytics and
 * reconciliation in DuckDB, then report.json / .md / .html and one CSV per table in
 * reports/<date>/. Needs no NATS, so it can be re-run from the DuckDB file alone.
 */
export async function closeDay(
  conn: HistoryConnection,
  o: CloseOptions,
): Promise<{ report: Report; paths: ReportPaths; steps: Partial<Record<CloseStep, number>> }> {
  const date = checkDate(o.date);
  const steps: Partial<Record<CloseStep, number>> = {};
  // Steps may overlap (see CloseOptions.side): each is timed from its own start to its own end.
  const timed = async <T>(s: CloseStep, work: () => Promise<T>): Promise<T> => {
    o.onStep?.(s);
    const started = performance.now();
    const result = await work();
    steps[s] = Math.round(performance.now() - started);
    return result;
  };
  // First, on `conn` alone: it also makes the table for a DuckDB file loaded before it existed.
  const duplicates = [...(await readDuplicates(conn, date)), ...(o.orderDuplicates ?? [])];
  await timed('bars', () => buildBars1m(conn, date));
  const archiving = (c: HistoryConnection) =>
    timed('archive', async () => (o.archiveDir === undefined ? [] : archiveDate(c, o.archiveDir, date)));
  const analytics = (c: HistoryConnection) => timed('analytics', () => analyticsOf(c, date));
  const reconciliation = (c: HistoryConnection, meanwhile?: () => Promise<ArchivedTable[]>) =>
    timed('reconcile', () => reconcileDay(c, o, meanwhile));
  // With side connections, three kinds of work at once instead of one after another.
  const overlap = async (side: NonNullable<CloseOptions['side']>) => {
    const threads = await conn.threads();
    await conn.setThreads(Math.max(1, threads - 1));
    // Both settle before anything is thrown: the caller closes the connections on an error, and
    // must not do so under work still running on the other one.
    const [a, r] = await Promise.allSettled([
      analytics(side.analytics),
      reconciliation(side.replay, () => archiving(conn)),
    ]);
    await conn.setThreads(threads);
    if (a.status === 'rejected') throw a.reason;
    if (r.status === 'rejected') throw r.reason;
    const { decisions, fills, meanwhile } = r.value;
    return { ...a.value, decisions, fills, archive: meanwhile ?? [] };
  };
  const lend = async (s: keyof NonNullable<CloseOptions['duckdbMib']>) => {
    const mib = o.duckdbMib?.[s];
    if (mib !== undefined) await conn.setMemoryLimit(mib);
  };
  const sequential = async () => {
    await lend('archive');
    const archive = await archiving(conn);
    await lend('analytics');
    const analysed = await analytics(conn);
    await lend('reconcile');
    const { decisions, fills } = await reconciliation(conn);
    return { ...analysed, decisions, fills, archive };
  };
  const parts = o.side ? await overlap(o.side) : await sequential();
  o.onStep?.('reports');
  const reportStarted = performance.now();
  const report = buildReport({
    date,
    database: o.database,
    generatedAt: o.generatedAt ?? new Date(),
    load: o.load,
    duplicates,
    ...parts,
  });
  const dir = join(o.reportsDir, date);
  mkdirSync(dir, { recursive: true });
  const paths: ReportPaths = {
    json: join(dir, 'report.json'),
    markdown: join(dir, 'report.md'),
    html: join(dir, 'report.html'),
    schema: join(dir, 'report.schema.json'),
    csv: [],
    database: o.database,
  };
  writeJsonWithSchema(paths.json, report, REPORT_JSON_SCHEMA);
  writeFileSync(paths.markdown, renderMarkdown(report));
  // The busiest symbols get a price chart with their decisions.
  const busiest = [
    ...new Set(
      [...report.symbols]
        .sort((a, b) => b.decisions - a.decisions || b.ticks - a.ticks || a.symbol.localeCompare(b.symbol))
        .map((s) => s.symbol),
    ),
  ].slice(0, SYMBOLS_CHARTED);
  writeFileSync(paths.html, renderHtml(report, await priceCharts(conn, date, busiest)));
  paths.csv = writeCsvFiles(dir, csvTables(report));
  // The minute bars can be long (symbols × minutes): DuckDB writes that CSV itself.
  const bars = join(dir, 'bars_1m.csv');
  await conn.run(
    `COPY (SELECT * EXCLUDE (trade_date) FROM bars_1m WHERE trade_date = $date ORDER BY symbol, venue, minute)
     TO ${sqlString(bars)} (HEADER, DELIMITER ',')`,
    { date },
  );
  paths.csv.push(bars);
  steps.reports = Math.round(performance.now() - reportStarted);
  return { report, paths, steps };
}

/** The day's analytics in DuckDB (and P&L in TypeScript from its rows), for the report. */
async function analyticsOf(conn: HistoryConnection, date: string) {
  const quality = await tickQuality(conn, date);
  return {
    symbols: await symbolAnalytics(conn, date, quality),
    rejects: await rejectCounts(conn, date),
    unmarkedFills: await unmarkedFills(conn, date),
    bars: await dailyBars(conn, date),
    volatility: await volatility(conn, date),
    profitAndLoss: await pnlFromDuckDB(conn, date),
    quality,
    rejectRows: await rejectsByCode(conn, date),
    cashFlowPnl: await cashFlowPnl(conn, date),
  };
}
