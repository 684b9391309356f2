import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fill, Tick } from '@tickflow/core';
import { buildBars1m, symbolAnalytics, tickQuality } from '@tickflow/eod/internal';
import { DayLoader, openHistory } from '@tickflow/history';
import { describe, expect, it } from 'vitest';

const DATE = '2026-04-01';
const T = Date.parse(`${DATE}T12:00:00Z`) * 1000;
const tick = (venue: string, seq: number, price: string): Tick => ({
  v: 1,
  venue,
  symbol: 'BTC-USD',
  seq,
  ts: T + seq * 1_000_000,
  price,
  size: '1',
  recvTs: T,
});
const fill = (n: number, venue: string, side: Fill['side'], price: string): Fill => ({
  v: 1,
  id: `fill:s:${venue}:BTC-USD:${n}`,
  decisionId: `s:${venue}:BTC-USD:${n}`,
  symbol: 'BTC-USD',
  side,
  qty: '1',
  price,
  fee: '0',
  ts: T + n * 1_000_000,
});

describe('eod P&L of a symbol traded on two venues (real DuckDB file)', () => {
  it("counts each fill once, on its decision's venue, marked at that venue's close", async () => {
    const history = await openHistory(join(mkdtempSync(join(tmpdir(), 'tickflow-venues-')), 'v.duckdb'));
    const conn = await history.connect();
    const loader = await DayLoader.open(conn, DATE);
    let seq = 0;
    for (const t of [
      tick('binance', 1, '100'),
      tick('binance', 2, '110'),
      tick('coinbase', 1, '101'),
      tick('coinbase', 2, '99'),
    ])
      loader.tick(t, ++seq);
    // Bought 1 on binance at 100 (closes 110: +10); bought 1 on coinbase at 101 (closes 99: -2).
    loader.fill(fill(1, 'binance', 'BUY', '100'), ++seq);
    loader.fill(fill(1, 'coinbase', 'BUY', '101'), ++seq);
    await loader.commit({ ticks: seq, decisions: 0, fills: seq, rejects: 0 });
    await buildBars1m(conn, DATE); // symbolAnalytics reads its 1-minute closes from bars_1m
    const rows = await symbolAnalytics(conn, DATE, await tickQuality(conn, DATE));
    expect(rows.map((r) => [r.venue, r.fills, r.pnl])).toEqual([
      ['binance', 1, '10.00000000'],
      ['coinbase', 1, '-2.00000000'],
    ]);
    history.close();
  });
});
