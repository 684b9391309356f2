import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayFileError, ReplaySource, replaySource } from './replay.ts';
import { CLOCK, isoOf, RECV_TS, replay, T0, tempDir, tradesOf, writeLines } from './replay-test-kit.ts';

const SAMPLES = fileURLToPath(new URL('../../../../data/samples/', import.meta.url));

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(() => tmp.cleanup());

const HEADER = 'ts,symbol,price,size,side,trade_id';
/** Three trades as CSV lines and as NDJSON lines (epoch µs, string prices). */
const ROWS = [
  { ts: T0, symbol: 'BTC-USD', price: '87250.10', size: '0.0100', side: 'buy', tradeId: '1' },
  { ts: T0 + 1_500, symbol: 'ETH-USD', price: '3125.00', size: '1.5000', side: 'sell', tradeId: '7' },
  { ts: T0 + 2_000_000, symbol: 'AAPL', price: '236.41', size: '100.0000', side: 'buy', tradeId: '9' },
];
const CSV = [
  HEADER,
  ...ROWS.map((r) => `${isoOf(r.ts)},${r.symbol},${r.price},${r.size},${r.side},${r.tradeId}`),
];
const NDJSON = ROWS.map((r) => JSON.stringify(r));
const EXPECTED = ROWS.map((r) => ({ venue: 'replay', ...r, recvTs: RECV_TS }));

/** `n` trades `stepMicros` apart from T0, as CSV lines. */
const ticks = (n: number, stepMicros: number, perTs = 1): string[] => [
  HEADER,
  ...Array.from(
    { length: n * perTs },
    (_, i) => `${T0 + Math.floor(i / perTs) * stepMicros},BTC-USD,100.5,1,buy,${i}`,
  ),
];

describe('ReplaySource', () => {
  it('reads the same trades from CSV, NDJSON, JSONL and their gzip forms', async () => {
    const files = [
      await writeLines(tmp.path('a.csv'), CSV),
      await writeLines(tmp.path('a.ndjson'), NDJSON),
      await writeLines(tmp.path('a.jsonl'), NDJSON),
      await writeLines(tmp.path('a.csv.gz'), gzipSync(`${CSV.join('\n')}\n`)),
      await writeLines(tmp.path('a.ndjson.gz'), gzipSync(`${NDJSON.join('\n')}\n`)),
      // gzip content without the .gz name: found by its magic bytes.
      await writeLines(tmp.path('b.csv'), gzipSync(`${CSV.join('\n')}\n`)),
    ];
    for (const file of files) {
      const { events, source } = await replay({ file });
      expect(events, file).toEqual(EXPECTED.map((trade) => ({ kind: 'trade', trade })));
      expect(source.stats).toEqual({ rows: 3, emitted: 3, invalid: 0, filtered: 0 });
    }
  });

  it('reads a file as the given format whatever its extension', async () => {
    const file = await writeLines(tmp.path('ticks.txt'), NDJSON);
    expect(tradesOf((await replay({ file, format: 'ndjson' })).events)).toEqual(EXPECTED);
  });

  it('handles CRLF line endings, a byte order mark and blank lines', async () => {
    const file = tmp.path('crlf.csv');
    await writeLines(file, Buffer.from(`\uFEFF${CSV.join('\r\n')}\r\n\r\n`));
    const { events, source } = await replay({ file });
    expect(tradesOf(events)).toEqual(EXPECTED);
    expect(source.stats.rows).toBe(3);
  });

  it('keeps only ticks with from <= ts < to and counts the rest as filtered', async () => {
    const file = await writeLines(tmp.path('filter.csv'), ticks(10, 1_000_000));
    const { events, source } = await replay({ file, from: T0 + 2_000_000, to: T0 + 5_000_000 });
    expect(tradesOf(events).map((t) => t.ts)).toEqual([T0 + 2e6, T0 + 3e6, T0 + 4e6]);
    expect(source.stats).toEqual({ rows: 10, emitted: 3, invalid: 0, filtered: 7 });
  });

  it('uses the venue option, stamps recvTs from the clock and cuts batches at batchSize', async () => {
    const file = await writeLines(tmp.path('batches.csv'), ticks(25, 1_000));
    const { batches } = await replay({ file, venue: 'tape', batchSize: 10 });
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    for (const t of tradesOf(batches.flat())) expect([t.venue, t.recvTs]).toEqual(['tape', RECV_TS]);
  });

  it('emits an hour of ticks at once with speed 0', async () => {
    const started = performance.now();
    const { source } = await replay({ file: `${SAMPLES}ticks-sample.csv`, speed: 0 });
    expect(source.stats.emitted).toBe(2_000);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('paces 2 s of ticks at speed 10 in about 0.2 s, the first at once', async () => {
    const file = await writeLines(tmp.path('pace.csv'), ticks(21, 100_000));
    const source = new ReplaySource({ file, speed: 10, clock: CLOCK });
    const started = performance.now();
    const at: number[] = [];
    for await (const batch of source.batches()) at.push(...batch.map(() => performance.now() - started));
    expect(at).toHaveLength(21);
    expect(at[0]).toBeLessThan(50);
    expect((at[20] as number) / 1000).toBeGreaterThan(0.15);
    expect((at[20] as number) / 1000).toBeLessThan(1.0);
    // Never early: tick i is due 10 ms × i after the first (less the 1 ms slack).
    for (const [i, ms] of at.entries()) expect(ms).toBeGreaterThanOrEqual(i * 10 - 2);
  });

  it('emits ticks that are due together as one batch, never splitting a group', async () => {
    const file = await writeLines(tmp.path('together.csv'), ticks(3, 100_000, 4));
    const { batches } = await replay({ file, speed: 1 });
    // Groups 100 ms apart are normally one batch each; on a loaded machine two may fall due together.
    expect(batches.reduce((n, b) => n + b.length, 0)).toBe(12);
    expect(batches.every((b) => b.length % 4 === 0)).toBe(true);
  });

  it('ends the iteration when stop() is called mid-file', async () => {
    const file = await writeLines(tmp.path('big.csv'), ticks(20_000, 1_000));
    const source = new ReplaySource({ file, speed: 0, batchSize: 500, clock: CLOCK });
    let batches = 0;
    for await (const _ of source.batches()) {
      batches++;
      expect(source.health()).toMatchObject({
        ok: true,
        detail: expect.stringMatching(/^reading: 500 rows/),
      });
      source.stop();
    }
    expect(batches).toBe(1);
    expect(source.stats.emitted).toBe(500);
    expect(source.health()).toMatchObject({ ok: true, detail: expect.stringMatching(/^stopped: 500 rows/) });
  });

  it('cuts a pacing wait short when stop() is called', async () => {
    const file = await writeLines(tmp.path('slow.csv'), ticks(2, 60_000_000));
    const source = replaySource({ file, speed: 1, clock: CLOCK });
    const started = performance.now();
    let emitted = 0;
    for await (const batch of source.batches()) {
      emitted += batch.length;
      setTimeout(() => source.stop(), 20);
    }
    expect(emitted).toBe(1);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('reports rows, emitted, invalid and filtered counts in health()', async () => {
    const file = await writeLines(tmp.path('health.csv'), [...CSV, 'garbage,row']);
    const source = new ReplaySource({ file, speed: 0, to: T0 + 1_000_000, clock: CLOCK });
    expect(source.health()).toEqual({ ok: true, detail: 'idle: 0 rows, 0 emitted, 0 invalid, 0 filtered' });
    for await (const _ of source.batches());
    expect(source.health()).toEqual({
      ok: true,
      detail: 'done: 4 rows, 2 emitted, 1 invalid, 1 filtered',
      lastMessageAt: RECV_TS / 1000,
    });
  });
});

describe('ReplaySource on the sample files', () => {
  it('reads 2,000 trades in 3 symbols from ticks-sample.csv with no invalid rows', async () => {
    const { events, source } = await replay({ file: `${SAMPLES}ticks-sample.csv` });
    expect(source.stats).toEqual({ rows: 2_000, emitted: 2_000, invalid: 0, filtered: 0 });
    const trades = tradesOf(events);
    expect(new Set(trades.map((t) => t.symbol))).toEqual(new Set(['BTC-USD', 'ETH-USD', 'AAPL']));
    expect(trades[0]?.ts).toBeGreaterThanOrEqual(T0);
    expect(trades.at(-1)?.ts).toBeLessThan(T0 + 3_600_000_000);
  });

  it('reads the same trades from ticks-sample.ndjson.gz as from the CSV', async () => {
    const csv = await replay({ file: `${SAMPLES}ticks-sample.csv` });
    const ndjson = await replay({ file: `${SAMPLES}ticks-sample.ndjson.gz` });
    expect(ndjson.source.stats).toEqual(csv.source.stats);
    expect(tradesOf(ndjson.events)).toEqual(tradesOf(csv.events));
  });
});

describe('ReplayFileError', () => {
  it('is thrown by batches() and open() for a missing file', async () => {
    const file = tmp.path('missing.csv');
    const err = await replay({ file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplayFileError);
    expect(err).toMatchObject({ name: 'ReplayFileError', file, message: expect.stringMatching(/not found/) });
    await expect(ReplaySource.open({ file })).rejects.toThrow(ReplayFileError);
  });

  it('is thrown for an unknown format, a header without price and a corrupt gzip file', async () => {
    const unknown = await writeLines(tmp.path('ticks.dat'), CSV);
    await expect(ReplaySource.open({ file: unknown })).rejects.toThrow(/unknown format/);
    const headless = await writeLines(tmp.path('nopx.csv'), ['ts,symbol,size', `${T0},BTC-USD,1`]);
    await expect(replay({ file: headless })).rejects.toThrow(/has no price column/);
    const corrupt = await writeLines(tmp.path('bad.ndjson.gz'), gzipSync(NDJSON.join('\n')).subarray(0, 40));
    await expect(replay({ file: corrupt })).rejects.toThrow(/read failed/);
    const garbage = await writeLines(tmp.path('garbage.csv.gz'), Buffer.from('not gzip at all\n'));
    await expect(replay({ file: garbage })).rejects.toThrow(ReplayFileError);
  });

  it('leaves health() not ok with the reason after a failure', async () => {
    const source = new ReplaySource({ file: tmp.path('gone.ndjson'), speed: 0 });
    await expect(source.batches().next()).rejects.toThrow(ReplayFileError);
    expect(source.health()).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/failed: .*not found/),
    });
  });
});
