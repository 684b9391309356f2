import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Decision } from '@tickflow/core';
import type { SessionSnapshot, SimulatedDay } from '@tickflow/paper';
import { replayInOrder, type StrategyFactory } from '@tickflow/strategy';
import { rejectCounts, symbolAnalytics, unmarkedFills } from './analytics.ts';
import { type ArchivedTable, archiveDate } from './archive.ts';
import { buildBars1m, dailyBars } from './bars.ts';
import { priceCharts, SYMBOLS_CHARTED } from './chart-data.ts';
import { writeCsvFiles } from './csv.ts';
import { pnlFromDuckDB } from './pnl.ts';
import { rejectsByCode, tickQuality } from './quality.ts';
import { compareDecisions } from './reconcile.ts';
import { finishFillCheck, prepareFillCheck, simulateSymbol } from './reconcile-fills.ts';
import { cashFlowPnl } from './reconcile-pnl.ts';
import { renderHtml } from './render-html.ts';
import { renderMarkdown } from './render-markdown.ts';
import { buildReport, type Report } from './report.ts';
import { REPORT_JSON_SCHEMA } from './report-schema.ts';
import { csvTables } from './tables.ts';
import { readSymbols } from './tick-readback.ts';
import { volatility } from './volatility.ts';

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
  load: Report['load'];
  generatedAt?: Date;
  /** Called as each step starts, for progress display. */
  onStep?: (step: CloseStep) => void;
}

export const CLOSE_STEPS = ['bars', 'archive', 'analytics', 'reconcile', 'reports'] as const;
export type CloseStep = (typeof CLOSE_STEPS)[number];

/**
 * The close of an already loaded date: derived 1-minute bars, the Parquet archive, analytics and
 * reconciliation in DuckDB, then report.json / .md / .html and one CSV per table in
 * reports/<date>/. Needs no NATS, so it can be re-run from the DuckDB file alone.
 */
export async function closeDay(
  conn: DuckDBConnection,
  o: CloseOptions,
): Promise<{ report: Report; paths: ReportPaths }> {
  const { date } = o;
  const step = (s: CloseStep) => o.onStep?.(s);
  step('bars');
  await buildBars1m(conn, date);
  step('archive');
  const archive: ArchivedTable[] =
    o.archiveDir === undefined ? [] : await archiveDate(conn, o.archiveDir, date);
  step('analytics');
  const quality = await tickQuality(conn, date);
  const parts = {
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
  step('reconcile');
  // Symbol by symbol: the strategy replay and the paper broker see one symbol's ticks at a time
  // (symbols are independent in both), so a ten-million-tick day is never all in the heap.
  const rejected = o.rejectedDecisions ?? new Set<string>();
  const check = await prepareFillCheck(conn, date, o.snapshot);
  const recomputed: Decision[] = [];
  const simulated: SimulatedDay = { fills: [], expired: new Map(), open: new Map() };
  await readSymbols(conn, date, (ticks) => {
    const ds = replayInOrder((visit) => ticks.each(visit), o.factory);
    for (const d of ds) recomputed.push(d);
    simulateSymbol(check, simulated, ds, ticks, rejected);
  });
  const decisions = await compareDecisions(conn, date, recomputed);
  const fills = await finishFillCheck(conn, date, check, simulated, o.snapshot, rejected);
  step('reports');
  const report = buildReport({
    date,
    database: o.database,
    generatedAt: o.generatedAt ?? new Date(),
    load: o.load,
    archive,
    decisions,
    fills,
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
  writeFileSync(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(paths.schema, `${JSON.stringify(REPORT_JSON_SCHEMA, null, 2)}\n`);
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
    `COPY (SELECT * EXCLUDE (trade_date) FROM bars_1m WHERE trade_date = DATE '${date}' ORDER BY symbol, venue, minute)
     TO '${bars.replaceAll("'", "''")}' (HEADER, DELIMITER ',')`,
  );
  paths.csv.push(bars);
  return { report, paths };
}
