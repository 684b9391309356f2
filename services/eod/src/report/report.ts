import { Dec, money, ZERO } from '@tickflow/core';
import type { ArchivedTable, DuplicateRecord, LoadCounts, Watermarks } from '@tickflow/history';
import type { SymbolRow } from '../analytics/analytics.ts';
import type { DailyBar } from '../analytics/bars.ts';
import type { EquityPoint, PnlRow, PnlTotal } from '../analytics/pnl.ts';
import type { QualityRow, RejectRow } from '../analytics/quality.ts';
import type { VolatilityRow } from '../analytics/volatility.ts';
import type { DecisionReconciliation } from '../reconcile/decisions.ts';
import type { FillReconciliation } from '../reconcile/fills.ts';

/** v1 grows by added fields only; a consumer of the first v1 reports reads these unchanged. */
export const REPORT_SCHEMA = 'tickflow.eod-report/v1';

/** Everything the end-of-day run found for one date. Money as exact decimal strings. */
export interface Report {
  schema: typeof REPORT_SCHEMA;
  date: string;
  generatedAt: string;
  /** Where the numbers come from: the DuckDB file they were computed in. */
  database: string;
  load: LoadCounts & { watermarks: Watermarks };
  /** Per venue+symbol overview (OHLC, 1m volatility, decisions, fills, P&L) — the first v1 table. */
  symbols: SymbolRow[];
  pnl: { total: string; fees: string; fills: number; unmarkedFills: number };
  rejects: { code: string; count: number }[];
  quality: {
    seqGaps: number;
    duplicates: number;
    unparseable: number;
    missingSeqs: number;
    outOfOrder: number;
    /** Ticks stored after a higher seq of their venue+symbol, and the largest displacement. */
    storedOutOfOrder: number;
    storedOutOfOrderMaxDisplacement: number;
    symbols: QualityRow[];
    rejects: RejectRow[];
  };
  /** Daily OHLCV + VWAP per venue+symbol. */
  bars: DailyBar[];
  /** Volatility estimators per venue+symbol, ranked (rank 1 = most volatile). */
  volatility: VolatilityRow[];
  /**
   * P&L from FILLS, average cost, per symbol and total; `curve`: the total equity at the end of
   * each minute with trades or fills (the equity chart).
   */
  profitAndLoss: { symbols: PnlRow[]; total: PnlTotal; curve: EquityPoint[] };
  reconciliation: {
    decisions: DecisionReconciliation;
    /** The bot's fills against the batch recomputation (same broker code, the bot's model). */
    fills: FillReconciliation;
    /**
     * The same net P&L two ways: the average-cost books (TypeScript, decimal.js) and the fills'
     * cash flows plus the marked position (DuckDB DECIMAL). Exactly equal, or it is a break.
     */
    pnl: { averageCost: string; cashFlow: string; equal: boolean };
    /**
     * Records the streams hold more than once (per table, how many records), each counted once
     * (the first stored); `records` lists the first 1,000. Every decision, fill or order event
     * stored twice is a break, and one whose copies differ is a second break; a tick re-sent
     * unchanged is a feed-quality finding, a tick whose copies differ a break.
     */
    duplicates: {
      ticks: number;
      decisions: number;
      fills: number;
      /** Order events (ORDERS, read only when NATS is; not with --skip-backfill). */
      orders: number;
      breaks: number;
      records: DuplicateRecord[];
    };
    clean: boolean;
  };
  /** Parquet partitions written for the date (empty when archiving is off). */
  archive: ArchivedTable[];
}

export interface ReportParts {
  date: string;
  database: string;
  generatedAt: Date;
  load: Report['load'];
  /** Records the load found stored more than once (libs/history duplicates.ts). */
  duplicates: DuplicateRecord[];
  symbols: SymbolRow[];
  rejects: Report['rejects'];
  unmarkedFills: number;
  decisions: DecisionReconciliation;
  fills: FillReconciliation;
  bars: DailyBar[];
  volatility: VolatilityRow[];
  profitAndLoss: Report['profitAndLoss'];
  quality: QualityRow[];
  rejectRows: RejectRow[];
  archive: ArchivedTable[];
  /** The net P&L from `cashFlowPnl` (SQL), to reconcile with the average-cost books. */
  cashFlowPnl: string;
}

export function buildReport(parts: ReportParts): Report {
  let total = ZERO;
  let fees = ZERO;
  let fills = 0;
  for (const s of parts.symbols) {
    total = total.plus(new Dec(s.pnlExact));
    fees = fees.plus(new Dec(s.fees));
    fills += s.fills;
  }
  const d = parts.decisions;
  const q = parts.quality;
  const sumOf = (f: (r: QualityRow) => number) => q.reduce((n, r) => n + f(r), 0);
  const averageCost = parts.profitAndLoss.total.netExact;
  const pnlEqual = new Dec(averageCost).eq(parts.cashFlowPnl);
  const dups = parts.duplicates;
  const dupCount = (t: DuplicateRecord['table']) => dups.filter((r) => r.table === t).length;
  const dupBreaks = dups.reduce((n, r) => n + duplicateBreaks(r).length, 0);
  return {
    schema: REPORT_SCHEMA,
    date: parts.date,
    generatedAt: parts.generatedAt.toISOString(),
    database: parts.database,
    load: parts.load,
    symbols: parts.symbols,
    pnl: { total: money(total), fees: money(fees), fills, unmarkedFills: parts.unmarkedFills },
    rejects: parts.rejects,
    quality: {
      seqGaps: parts.symbols.reduce((n, s) => n + s.seqGaps, 0),
      duplicates: parts.symbols.reduce((n, s) => n + s.duplicates, 0),
      unparseable: parts.load.unparseable,
      missingSeqs: sumOf((r) => r.missingSeqs),
      outOfOrder: sumOf((r) => r.outOfOrder),
      storedOutOfOrder: sumOf((r) => r.storedOutOfOrder),
      storedOutOfOrderMaxDisplacement: q.reduce((m, r) => Math.max(m, r.storedOutOfOrderMaxDisplacement), 0),
      symbols: q,
      rejects: parts.rejectRows,
    },
    bars: parts.bars,
    volatility: parts.volatility,
    profitAndLoss: parts.profitAndLoss,
    reconciliation: {
      decisions: d,
      pnl: { averageCost, cashFlow: parts.cashFlowPnl, equal: pnlEqual },
      fills: parts.fills,
      duplicates: {
        ticks: dupCount('ticks'),
        decisions: dupCount('decisions'),
        fills: dupCount('fills'),
        orders: dupCount('orders'),
        breaks: dupBreaks,
        records: dups.slice(0, 1000),
      },
      clean:
        d.missing === 0 &&
        d.extra === 0 &&
        d.differing === 0 &&
        pnlEqual &&
        fillsClean(parts.fills) &&
        dupBreaks === 0,
    },
    archive: parts.archive,
  };
}

/** One line on the fill reconciliation, for the summaries. */
export function fillLine(f: FillReconciliation): string {
  const counts = `speed ${f.speed}, batch recomputation ${f.batch}, matched ${f.matched}, missing ${f.missing}, extra ${f.extra}, differing ${f.differing}`;
  const model =
    f.model === 'snapshot'
      ? "the bot's model (session snapshot)"
      : 'the default model (no bot snapshot found)';
  const snap = f.snapshot ? `; snapshot positions ${f.snapshot.positionsEqual ? 'equal' : 'DIFFERENT'}` : '';
  return `${counts} with ${model}; ${f.rejected} rejected, ${f.openAtClose} open at the close${snap}`;
}

/** One line per venue+symbol whose strategy failed and was paused (in both layers alike). */
export function pausedLines(paused: DecisionReconciliation['paused']): string[] {
  return (paused ?? []).map(
    (p) => `strategy ${p.strategy} paused on ${p.venue}:${p.symbol} at tick ${p.tickSeq}: ${p.error}`,
  );
}

/** No fill missing, extra or different, and the bot's snapshot (when found) holds the same positions. */
export function fillsClean(f: FillReconciliation): boolean {
  return f.missing === 0 && f.extra === 0 && f.differing === 0 && (f.snapshot?.positionsEqual ?? true);
}

/** The reconciliation's breaks as lines a person reads (decisions first, then P&L). */
export function breakLines(r: Report): string[] {
  const lines = r.reconciliation.decisions.breaks.map((b) => `${b.kind} decision ${b.id}: ${b.detail}`);
  const f = r.reconciliation.fills;
  for (const b of f.breaks) lines.push(`${b.kind} fill ${b.id}: ${b.detail}`);
  for (const d of f.snapshot?.detail ?? []) lines.push(`bot snapshot position ${d}`);
  for (const d of r.reconciliation.duplicates.records) lines.push(...duplicateBreaks(d));
  const more = r.reconciliation.duplicates.breaks - countBreaks(r.reconciliation.duplicates.records);
  if (more > 0) lines.push(`… ${more} more duplicate breaks (DuckDB table duplicates)`);
  const p = r.reconciliation.pnl;
  if (!p.equal)
    lines.push(`P&L: average cost ${p.averageCost} ≠ cash flows marked at the close ${p.cashFlow}`);
  return lines;
}

const SINGULAR = { ticks: 'tick', decisions: 'decision', fills: 'fill', orders: 'order event' } as const;

/**
 * The breaks one repeated record makes: a decision, fill or order event stored twice is one (the speed layer
 * did or recorded it twice; the end of day counts the first), and a second when its copies differ;
 * a tick only when its copies differ (re-sent unchanged, it is a feed-quality duplicate).
 */
export function duplicateBreaks(d: DuplicateRecord): string[] {
  const what = `${SINGULAR[d.table]} ${d.id}`;
  const seqs = `stream seqs ${d.streamSeqs.join(', ')}`;
  const lines: string[] = [];
  if (d.table !== 'ticks')
    lines.push(`duplicate ${what}: stored ${d.copies} times (${seqs}); counted once, the first stored`);
  if (!d.sameContent)
    lines.push(`duplicate ${what}: its ${d.copies} copies differ (${seqs}); the first stored is counted`);
  return lines;
}

const countBreaks = (records: readonly DuplicateRecord[]) =>
  records.reduce((n, r) => n + duplicateBreaks(r).length, 0);

/** The feed-quality figures in one line, for the summaries. */
export function qualityLine(r: Report): string {
  const q = r.quality;
  const stored = q.storedOutOfOrder
    ? `${q.storedOutOfOrder} stored out of seq order (displaced by up to ${q.storedOutOfOrderMaxDisplacement} messages)`
    : '0 stored out of seq order';
  return `${q.missingSeqs} missing seqs in ${q.seqGaps} gaps, ${q.duplicates} duplicates, ${q.outOfOrder} out of order in time, ${stored}`;
}

/** What the load found stored more than once, in one line. */
export function duplicatesLine(r: Report): string {
  const d = r.reconciliation.duplicates;
  return `${d.fills} fills, ${d.decisions} decisions, ${d.orders} order events, ${d.ticks} ticks stored more than once; ${d.breaks} breaks`;
}
