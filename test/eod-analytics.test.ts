import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dec } from '@tickflow/core';
import {
  closeDay,
  computePnl,
  FIVE_MINUTES_PER_YEAR,
  MINUTES_PER_YEAR,
  minuteBars,
  REPORT_JSON_SCHEMA,
  type Report,
} from '@tickflow/eod/internal';
import type { History, HistoryConnection } from '@tickflow/history';
import { SmaCross } from '@tickflow/strategy';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_DATE, loadFixture } from './eod-fixture.ts';

/** Pure-TS references, written from the textbook formulas, independent of the SQL. */
const ln = Math.log;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sdSample = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};
const logReturns = (closes: number[]) => closes.slice(1).map((c, i) => ln(c / (closes[i] as number)));
type Ohlc = [o: number, h: number, l: number, c: number];
const parkinson = (bars: Ohlc[]) =>
  Math.sqrt((mean(bars.map(([, h, l]) => ln(h / l) ** 2)) / (4 * ln(2))) * MINUTES_PER_YEAR);
const garmanKlass = (bars: Ohlc[]) =>
  Math.sqrt(
    mean(bars.map(([o, h, l, c]) => 0.5 * ln(h / l) ** 2 - (2 * ln(2) - 1) * ln(c / o) ** 2)) *
      MINUTES_PER_YEAR,
  );
const rogersSatchell = (bars: Ohlc[]) =>
  Math.sqrt(
    mean(bars.map(([o, h, l, c]) => ln(h / c) * ln(h / o) + ln(l / c) * ln(l / o))) * MINUTES_PER_YEAR,
  );

/** AAA's 1-minute bars, worked out by hand from FIXTURE_TICKS. */
const AAA_BARS: Ohlc[] = [
  [100, 102, 99, 101],
  [103, 104, 103, 104],
  [100, 100, 100, 100],
  [105, 105, 105, 105],
  [98, 98, 98, 98],
];

describe('eod analytics on a hand-checked day (real DuckDB file)', () => {
  let dir: string;
  let history: History;
  let conn: HistoryConnection;
  let report: Report;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tickflow-eod-analytics-'));
    const database = join(dir, 'tickflow.duckdb');
    const fixture = await loadFixture(database);
    ({ history, conn } = fixture);
    const { load } = fixture;
    report = (
      await closeDay(conn, {
        date: FIXTURE_DATE,
        database,
        archiveDir: undefined,
        reportsDir: join(dir, 'reports'),
        factory: (venue, symbol) => new SmaCross(venue, symbol, { fast: 10, slow: 30, qty: '1' }),
        load,
      })
    ).report;
  });

  afterAll(() => {
    history?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds 1-minute OHLCV bars with VWAP, skipping minutes without trades', async () => {
    const bars = (await minuteBars(conn, FIXTURE_DATE)).filter((b) => b.symbol === 'AAA');
    expect(bars.map((b) => b.minute.slice(11, 16))).toEqual(['13:30', '13:31', '13:33', '13:35', '13:40']);
    expect(bars.map((b) => [b.open, b.high, b.low, b.close].map(Number))).toEqual(AAA_BARS);
    expect(bars[0]).toMatchObject({ ticks: 4, volume: '5', vwap: '100.8' }); // 504 / 5
    expect(bars[1]).toMatchObject({ ticks: 2, volume: '4', vwap: '103.5' }); // 414 / 4
  });

  it('reports daily OHLCV and VWAP per symbol, open and close by seq', () => {
    const aaa = report.bars.find((b) => b.symbol === 'AAA');
    expect(aaa).toMatchObject({
      ticks: 9,
      minutes: 5,
      open: '100',
      high: '105',
      low: '98',
      close: '98',
      volume: '12',
      turnover: '1221',
      vwap: '101.75',
    });
    // BBB's seq 3 printed earlier than seq 2 but is still the close; seq 2, stored twice, counts once.
    const bbb = report.bars.find((b) => b.symbol === 'BBB');
    expect(bbb).toMatchObject({ open: '10', close: '10.5', volume: '3', turnover: '31.5', vwap: '10.5' });
  });

  it('computes close-to-close, Parkinson, Garman–Klass and Rogers–Satchell volatility like the references', () => {
    const v = report.volatility.find((x) => x.symbol === 'AAA');
    const closes = AAA_BARS.map((b) => b[3]);
    const r1 = logReturns(closes);
    expect(v?.returns1m).toBe(4);
    expect(v?.closeToClose1m).toBeCloseTo(sdSample(r1) * Math.sqrt(MINUTES_PER_YEAR), 9);
    // 5-minute buckets 13:30 (last close 100), 13:35 (105), 13:40 (98).
    expect(v?.returns5m).toBe(2);
    expect(v?.closeToClose5m).toBeCloseTo(
      sdSample(logReturns([100, 105, 98])) * Math.sqrt(FIVE_MINUTES_PER_YEAR),
      9,
    );
    expect(v?.parkinson).toBeCloseTo(parkinson(AAA_BARS), 9);
    expect(v?.garmanKlass).toBeCloseTo(garmanKlass(AAA_BARS), 9);
    expect(v?.rogersSatchell).toBeCloseTo(rogersSatchell(AAA_BARS), 9);
    expect(v?.realisedVariance).toBeCloseTo(
      r1.reduce((a, r) => a + r * r, 0),
      12,
    );
    expect(v?.range).toBe('7');
    expect(v?.rangePct).toBeCloseTo(0.07, 12);
  });

  it('ranks symbols by 1-minute volatility, a symbol without returns last', () => {
    expect(report.volatility.map((v) => [v.symbol, v.rank])).toEqual([
      ['AAA', 1],
      ['BBB', 2],
    ]);
    const bbb = report.volatility.find((v) => v.symbol === 'BBB');
    expect(bbb?.closeToClose1m).toBeNull();
    expect(bbb?.parkinson).toBeCloseTo(parkinson([[10, 11, 10, 10.5]]), 9);
  });

  it('computes P&L from fills by average cost: realised, unrealised at the close, fees, trips, drawdown', () => {
    // BUY 2@100, BUY 1@103 (avg 101), SELL 3@104 → +9; SELL 1@100, BUY 2@105 → −5 and long 1 @105,
    // marked at the close 98 → −7. Fees 0.4. Net 4 − 7 − 0.4 = −3.4. Minute-end equity:
    // 1.9, 8.7, 8.65, 3.6, −3.4 → drawdown 8.7 − (−3.4) = 12.1. Trips: +8.7 (win), −5.1 (loss).
    const [aaa] = report.profitAndLoss.symbols;
    expect(aaa).toMatchObject({
      symbol: 'AAA',
      fills: 5,
      boughtQty: '5',
      soldQty: '4',
      turnover: '925.00000000',
      fees: '0.40000000',
      realised: '4.00000000',
      unrealised: '-7.00000000',
      net: '-3.40000000',
      position: '1',
      avgCost: '105',
      mark: '98',
      roundTrips: 2,
      wins: 1,
      winRate: 0.5,
      maxDrawdown: '12.10000000',
    });
    expect(report.profitAndLoss.total).toMatchObject({ net: '-3.40000000', maxDrawdown: '12.10000000' });
  });

  it('reconciles the average-cost P&L with the cash-flow P&L computed in SQL, exactly', () => {
    expect(report.pnl.total).toBe('-3.40000000');
    expect(report.reconciliation.pnl).toEqual({ averageCost: '-3.4', cashFlow: '-3.4', equal: true });
  });

  it('counts fills no decision of the day explains as breaks of the fill reconciliation', () => {
    // The fixture's fills are hand-made, with no decisions behind them: the batch layer cannot
    // recompute them, so the day does not reconcile.
    expect(report.reconciliation.fills).toMatchObject({ speed: 5, batch: 0, extra: 5, model: 'default' });
    expect(report.reconciliation.clean).toBe(false);
  });

  it('counts ticks, missing seqs, duplicates, out-of-order ticks and the longest stale period', () => {
    const [aaa, bbb] = report.quality.symbols;
    expect(aaa).toMatchObject({
      symbol: 'AAA',
      ticks: 9,
      missingSeqs: 1,
      seqGaps: 1,
      duplicates: 0,
      outOfOrder: 0,
      longestStaleSeconds: 300,
      longestStaleFrom: `${FIXTURE_DATE}T13:35:30.000000Z`,
    });
    // The load keeps one copy of seq 2 (duplicates.ts) and the quality section still counts the other.
    expect(bbb).toMatchObject({ symbol: 'BBB', ticks: 3, missingSeqs: 0, duplicates: 1, outOfOrder: 1 });
    expect(bbb?.longestStaleSeconds).toBe(3);
  });

  it('writes report.json as its schema, written beside it, describes it (rejects, breaks, no snapshot)', () => {
    const reportDir = join(dir, 'reports', FIXTURE_DATE);
    const written = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8'));
    const schema = JSON.parse(readFileSync(join(reportDir, 'report.schema.json'), 'utf8'));
    expect(schema).toEqual(JSON.parse(JSON.stringify(REPORT_JSON_SCHEMA)));
    expect(
      [...Value.Errors(REPORT_JSON_SCHEMA, written)].map((e) => `${e.instancePath} ${e.message}`),
    ).toEqual([]);
    // A decimal written as a number, or a count lost, is refused.
    expect(Value.Check(REPORT_JSON_SCHEMA, { ...written, pnl: { ...written.pnl, total: 1.5 } })).toBe(false);
    const { quality: _dropped, ...withoutQuality } = written;
    expect(Value.Check(REPORT_JSON_SCHEMA, withoutQuality)).toBe(false);
  });

  it('counts rejected ticks by venue and reason code', () => {
    expect(report.quality.rejects.map((r) => [r.venue, r.code, r.count])).toEqual([
      ['synth', 'PRICE_SPIKE', 2],
      ['synth', 'BAD_PRICE', 1],
    ]);
  });

  it('keeps the P&L computation pure and order-sensitive within a minute (short, then cover)', () => {
    const ts = Date.parse(`${FIXTURE_DATE}T10:00:00Z`) * 1000;
    const { symbols, total } = computePnl(
      [
        { symbol: 'S', side: 'SELL', qty: '0.5', price: '0.3', fee: '0.01', ts },
        { symbol: 'S', side: 'BUY', qty: '0.5', price: '0.1', fee: '0.01', ts: ts + 1 },
      ],
      [{ symbol: 'S', minute: Math.floor(ts / 60_000_000), price: '0.2' }],
    );
    // 0.5 × (0.3 − 0.1) = 0.1 exactly (no float 0.30000000000000004), less 0.02 fees.
    expect(symbols[0]).toMatchObject({ realised: '0.10000000', net: '0.08000000', roundTrips: 1, wins: 1 });
    expect(new Dec(total.netExact).eq('0.08')).toBe(true);
  });
});
