import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tick } from '@tickflow/core';
import {
  DayLoader,
  forEachSymbol,
  type HistoryConnection,
  openHistory,
  type ReadSymbolsOptions,
  readSymbols,
  type SymbolTicks,
} from '@tickflow/history';
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

async function readBack(ticks: Tick[], opts: ReadSymbolsOptions = {}): Promise<Tick[][]> {
  return withDay(ticks, async (conn) => {
    const groups: Tick[][] = [];
    if (Object.keys(opts).length)
      await readSymbols(
        conn,
        DATE,
        (s) => {
          groups.push(s.toArray());
        },
        opts,
      );
    else await forEachSymbol(conn, DATE, (g) => groups.push(g));
    return groups;
  });
}

async function withDay<T>(ticks: Tick[], read: (conn: HistoryConnection) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-readback-'));
  dirs.push(dir);
  const history = await openHistory(join(dir, 'db.duckdb'));
  const conn = await history.connect();
  try {
    const loader = await DayLoader.open(conn, DATE);
    for (const [i, t] of ticks.entries()) loader.tick(t, i + 1);
    await loader.commit({ ticks: ticks.length, decisions: 0, fills: 0, rejects: 0 });
    return await read(conn);
  } finally {
    history.close();
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

  it.each([
    ['lanes keyed by hash', {}],
    ['lanes numbered by a join', { joinLanes: true }],
    // A day this small is read from a materialised result; a bigger one is streamed chunk by chunk.
    ['streamed', { materializeRows: 0 }],
    // 4,000 rows a symbol, at most 5,000 in memory: one symbol a group, through files on disk.
    ['in groups of symbols through a spill directory', { maxRowsInMemory: 5000 }],
    ['in groups of symbols, lanes numbered by a join', { maxRowsInMemory: 9000, joinLanes: true }],
    // Each symbol copied out in its callback: the groups may share one storage, overwritten in turn.
    ['in groups sharing one storage', { maxRowsInMemory: 5000, transientViews: true }],
  ] as [string, ReadSymbolsOptions][])(
    'puts every lane in seq order across many chunks, whatever order the rows were loaded in (%s)',
    async (_, opts) => {
      // 3 symbols × 2 venues, 2,000 ticks each (several DuckDB chunks), loaded interleaved; one lane
      // loaded backwards and one with its second half first (as a backfill appended after the log).
      const lanes = ['A', 'B', 'C'].flatMap((s) => ['v1', 'v2'].map((v) => ({ s, v })));
      const n = 2000;
      const loaded: Tick[] = [];
      for (let i = 1; i <= n; i++)
        for (const [k, { s, v }] of lanes.entries()) {
          const seq = k === 1 ? n + 1 - i : k === 4 ? ((i + n / 2 - 1) % n) + 1 : i;
          loaded.push(tick(v, s, seq, `${100 + k}.${seq}`, `0.${seq}`, seq % 2 ? 'buy' : 'sell'));
        }
      const spillDir = mkdtempSync(join(tmpdir(), 'tickflow-readback-spill-'));
      dirs.push(spillDir);
      const groups = await readBack(loaded, { ...opts, ...(opts.maxRowsInMemory ? { spillDir } : {}) });
      // The spill files are gone once the read-back is done.
      expect(readdirSync(spillDir)).toEqual([]);
      const expected = ['A', 'B', 'C'].map((s) =>
        loaded.filter((t) => t.symbol === s).sort((a, b) => a.venue.localeCompare(b.venue) || a.seq - b.seq),
      );
      expect(groups.map((g) => g.length)).toEqual([2 * n, 2 * n, 2 * n]);
      // Values as loaded (plain form: the loaded ones have no trailing zeros but for sizes like 0.10).
      const plain = (x: string) => x.replace(/\.?0+$/, '');
      expect(groups).toEqual(
        expected.map((g) => g.map((t) => ({ ...t, price: plain(t.price), size: plain(t.size) }))),
      );
    },
  );

  it('gives the paper broker a tape per venue that reads only the ticks it is asked for', async () => {
    const views = await withDay(
      [
        tick('kraken', 'BTC-USD', 2, '100.50', '0.010', 'sell'),
        tick('coinbase', 'BTC-USD', 1, '100.25', '1.5', 'buy'),
        tick('kraken', 'BTC-USD', 1, '100.4', '0.5', 'buy'),
      ],
      async (conn) => {
        const out: { symbol: string; length: number; kraken: unknown[]; other: number }[] = [];
        await readSymbols(conn, DATE, (s: SymbolTicks) => {
          const tape = s.tape('kraken');
          out.push({
            symbol: s.symbol,
            length: s.length,
            kraken: [0, 1].map((i) => ({ seqAt: tape.seqAt(i), ...tape.at(i) })),
            other: s.tape('binance').length,
          });
        });
        return out;
      },
    );
    expect(views).toEqual([
      {
        symbol: 'BTC-USD',
        length: 3,
        kraken: [
          { seqAt: 1, seq: 1, ts: t0 + 1000, price: '100.4', size: '0.5' },
          { seqAt: 2, seq: 2, ts: t0 + 2000, price: '100.5', size: '0.01' },
        ],
        other: 0,
      },
    ]);
  });
});
