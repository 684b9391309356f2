import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveDate } from './archive.ts';
import { dailyBars, dailyPnl, dailyVolatility } from './archive-queries.ts';
import type { HistoryConnection } from './connection.ts';
import { type History, openHistory } from './database.ts';
import { InvalidDateError } from './date.ts';

const D1 = '2026-03-02';
const D2 = '2026-03-03';
const D3 = '2026-03-04';
const at = (date: string, second: number) => Date.parse(`${date}T10:00:00Z`) * 1000 + second * 1_000_000;

/** [date, symbol, seq, second of the day after 10:00, price, size] */
const TICKS: [string, string, number, number, string, string][] = [
  [D1, 'BTC-USD', 1, 0, '100', '1'],
  [D1, 'BTC-USD', 2, 30, '110', '1'],
  [D1, 'BTC-USD', 3, 60, '105', '2'],
  [D1, 'ETH-USD', 1, 0, '10', '5'],
  [D2, 'BTC-USD', 1, 0, '105', '1'],
  [D2, 'BTC-USD', 2, 60, '120', '1'],
  [D3, 'BTC-USD', 1, 0, '90', '3'],
];
/** [date, side, qty, price, fee] for BTC-USD */
const FILLS: [string, string, string, string, string][] = [
  [D1, 'buy', '2', '100', '0.1'],
  [D2, 'sell', '1', '120', '0.1'],
];

describe('multi-day questions over the archive', () => {
  let dir: string;
  let history: History;
  let conn: HistoryConnection;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tickflow-history-queries-'));
    history = await openHistory(':memory:');
    conn = await history.connect();
    for (const [date, symbol, seq, second, price, size] of TICKS)
      await conn.run(
        `INSERT INTO ticks VALUES ($date::DATE, 'v', $symbol, $seq, $ts, $price::DECIMAL(24,10),
          $size::DECIMAL(24,10), 'buy', $ts, $seq)`,
        { date, symbol, seq, ts: at(date, second), price, size },
      );
    for (const [i, [date, side, qty, price, fee]] of FILLS.entries())
      await conn.run(
        `INSERT INTO fills VALUES ($date::DATE, $id, $id, 'BTC-USD', $side, $qty::DECIMAL(24,10),
          $price::DECIMAL(24,10), $fee::DECIMAL(24,10), $ts, $seq)`,
        { date, id: `f${i}`, side, qty, price, fee, ts: at(date, 90), seq: i + 1 },
      );
    for (const date of [D1, D2, D3]) await archiveDate(conn, join(dir, 'archive'), date, ['ticks', 'fills']);
  });

  afterAll(() => {
    conn?.close();
    history?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const archive = () => join(dir, 'archive');

  it('gives daily bars per symbol with open and close by seq and the vwap', async () => {
    const rows = await dailyBars(conn, archive(), { from: D1, to: D2 });
    expect(rows).toEqual([
      {
        date: D1,
        venue: 'v',
        symbol: 'BTC-USD',
        ticks: 3,
        open: '100',
        high: '110',
        low: '100',
        close: '105',
        volume: '4',
        vwap: '105',
      },
      {
        date: D1,
        venue: 'v',
        symbol: 'ETH-USD',
        ticks: 1,
        open: '10',
        high: '10',
        low: '10',
        close: '10',
        volume: '5',
        vwap: '10',
      },
      {
        date: D2,
        venue: 'v',
        symbol: 'BTC-USD',
        ticks: 2,
        open: '105',
        high: '120',
        low: '105',
        close: '120',
        volume: '2',
        vwap: '112.5',
      },
    ]);
  });

  it('keeps only the symbols asked for and the dates in the range', async () => {
    const rows = await dailyBars(conn, archive(), { from: D2, to: D3, symbols: ['ETH-USD'] });
    expect(rows).toEqual([]);
    const btc = await dailyBars(conn, archive(), { from: D3, to: D3, symbols: ['BTC-USD'] });
    expect(btc.map((r) => [r.date, r.close])).toEqual([[D3, '90']]);
  });

  it('computes the daily log return, the realised volatility of 1-minute returns and the range', async () => {
    const rows = await dailyVolatility(conn, archive(), { from: D1, to: D3, symbols: ['BTC-USD'] });
    expect(rows.map((r) => r.date)).toEqual([D1, D2, D3]);
    const [d1, d2, d3] = rows as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    // D1: minute closes 110 then 105; high 110, low 100.
    expect(d1.log_return).toBeNull();
    expect(d1.realised_vol).toBeCloseTo(Math.abs(Math.log(105 / 110)), 9);
    expect(d1.range).toBeCloseTo(Math.log(110 / 100), 9);
    expect(d1.minute_returns).toBe(1);
    expect(d2.log_return).toBeCloseTo(Math.log(120 / 105), 9);
    expect(d2.realised_vol).toBeCloseTo(Math.log(120 / 105), 9);
    expect(d3.log_return).toBeCloseTo(Math.log(90 / 120), 9);
    expect(d3.realised_vol).toBe(0);
    expect(d3.range).toBe(0);
  });

  it('computes cash-flow P&L from the fills, marked at each date close, across days without fills', async () => {
    const rows = await dailyPnl(conn, archive(), { from: D1, to: D3 });
    expect(
      rows.map(({ date, fills, position, mark, cash, equity, pnl }) => ({
        date,
        fills,
        position,
        mark,
        cash,
        equity,
        pnl,
      })),
    ).toEqual([
      // buy 2 @ 100, fee 0.1: cash −200.1; marked at the close 105: 2 × 105 − 200.1 = 9.9
      { date: D1, fills: 1, position: '2', mark: '105', cash: '-200.1', equity: '9.9', pnl: '9.9' },
      // sell 1 @ 120, fee 0.1: cash −80.2; 1 × 120 − 80.2 = 39.8
      { date: D2, fills: 1, position: '1', mark: '120', cash: '-80.2', equity: '39.8', pnl: '29.9' },
      // no fill; 1 × 90 − 80.2 = 9.8
      { date: D3, fills: 0, position: '1', mark: '90', cash: '-80.2', equity: '9.8', pnl: '-30' },
    ]);
  });

  it('refuses a date that is not a calendar date before any SQL runs', async () => {
    await expect(dailyBars(conn, archive(), { from: '2026-02-30', to: D1 })).rejects.toThrow(
      InvalidDateError,
    );
  });

  it('answers nothing from an empty archive', async () => {
    expect(await dailyPnl(conn, join(dir, 'none'), { from: D1, to: D3 })).toEqual([]);
  });
});
