import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Tick } from '@tickflow/core';
import { DayLoader, forEachSymbol } from '@tickflow/eod';
import { afterAll, describe, expect, it } from 'vitest';

const DATE = '2026-03-02';
const t0 = Date.parse(`${DATE}T10:00:00Z`) * 1000;
const tick = (
  venue: string,
  symbol: string,
  seq: number,
  price: string,
  size: string,
  side?: 'buy' | 'sell',
): Tick => ({
  v: 1,
  venue,
  symbol,
  seq,
  ts: t0 + seq * 1000,
  price,
  size,
  recvTs: t0 + seq * 1000 + 7,
  ...(side ? { side } : {}),
});

async function readBack(ticks: Tick[]): Promise<Tick[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-readback-'));
  dirs.push(dir);
  const instance = await DuckDBInstance.create(join(dir, 'db.duckdb'));
  const conn = await instance.connect();
  try {
    const loader = await DayLoader.open(conn, DATE);
    for (const [i, t] of ticks.entries()) loader.tick(t, i + 1);
    await loader.commit({ ticks: ticks.length, decisions: 0, fills: 0, rejects: 0 });
    const groups: Tick[][] = [];
    await forEachSymbol(conn, DATE, (g) => groups.push(g));
    return groups;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
const dirs: string[] = [];

describe('forEachSymbol (the reconciliation reading ticks back from DuckDB)', () => {
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('gives each symbol its ticks, venue by venue in seq order, with the exact prices, sizes and sides', async () => {
    const ticks = [
      tick('kraken', 'BTC-USD', 2, '100.50', '0.010', 'sell'),
      tick('coinbase', 'ETH-USD', 1, '3000', '2'),
      tick('coinbase', 'BTC-USD', 1, '100.25', '1.5', 'buy'),
      tick('kraken', 'BTC-USD', 1, '100.4', '0.5', 'buy'),
    ];
    const groups = await readBack(ticks);
    expect(groups.map((g) => g.map((t) => `${t.venue}:${t.symbol}:${t.seq}`))).toEqual([
      ['coinbase:BTC-USD:1', 'kraken:BTC-USD:1', 'kraken:BTC-USD:2'],
      ['coinbase:ETH-USD:1'],
    ]);
    // Prices and sizes come back in plain form (trailing zeros dropped), sides as they were.
    expect(groups[0]?.[2]).toEqual({ ...tick('kraken', 'BTC-USD', 2, '100.5', '0.01', 'sell') });
    expect(groups[1]?.[0]).toEqual(tick('coinbase', 'ETH-USD', 1, '3000', '2'));
  });

  it('keeps apart prices that one DOUBLE cannot tell apart', async () => {
    // 14 integer digits and 10 decimals: these differ only beyond a double's precision.
    const a = '12345678901234.0000000001';
    const b = '12345678901234.0000000002';
    const groups = await readBack([
      tick('x', 'BIG', 1, a, '1'),
      tick('x', 'BIG', 2, b, '1'),
      tick('x', 'BIG', 3, a, '1'),
    ]);
    expect(groups[0]?.map((t) => t.price)).toEqual([a, b, a]);
  });
});
