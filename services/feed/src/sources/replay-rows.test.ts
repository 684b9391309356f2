import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RAW_CHARS, splitCsvLine } from './replay-rows.ts';
import { invalidsOf, RECV_TS, replay, T0, tempDir, tradesOf, writeLines } from './replay-test-kit.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(() => tmp.cleanup());

const ISO = '2026-11-23T14:30:00Z';

describe('replay column mapping', () => {
  it('maps custom column names given in columns, leaving other columns alone', async () => {
    const file = await writeLines(tmp.path('custom.csv'), [
      'Exchange Time,Instrument,Px,Vol,Aggressor,ts',
      `${ISO},btc_usd,101.25,0.5,S,not-a-time`,
    ]);
    const columns = {
      ts: 'Exchange Time',
      symbol: 'instrument',
      price: 'Px',
      size: 'Vol',
      side: 'Aggressor',
    };
    const { events } = await replay({ file, columns });
    expect(tradesOf(events)).toEqual([
      {
        venue: 'replay',
        symbol: 'BTC-USD',
        ts: T0,
        price: '101.25',
        size: '0.5',
        side: 'sell',
        recvTs: RECV_TS,
      },
    ]);
  });

  it('finds aliases case-insensitively in CSV headers and NDJSON keys', async () => {
    const csv = await writeLines(tmp.path('alias.csv'), [
      'Timestamp,SYMBOL,Price,Qty,Side,Id',
      `${T0},ETH-USD,3000.5,2,buy,A1`,
    ]);
    const ndjson = await writeLines(tmp.path('alias.ndjson'), [
      JSON.stringify({
        time: T0,
        symbol: 'ETH-USD',
        price: '3000.5',
        Amount: '2',
        side: 'buy',
        tradeId: 'A1',
      }),
      JSON.stringify({ TIME: T0, Symbol: 'ETH-USD', PRICE: '3000.5', quantity: '2', side: 'buy', ID: 'A1' }),
    ]);
    const want = {
      venue: 'replay',
      symbol: 'ETH-USD',
      ts: T0,
      price: '3000.5',
      size: '2',
      side: 'buy',
      tradeId: 'A1',
    };
    expect(tradesOf((await replay({ file: csv })).events)).toEqual([{ ...want, recvTs: RECV_TS }]);
    expect(tradesOf((await replay({ file: ndjson })).events)).toEqual([
      { ...want, recvTs: RECV_TS },
      { ...want, recvTs: RECV_TS },
    ]);
  });

  it('takes a per-row venue column over the venue option', async () => {
    const file = await writeLines(tmp.path('venue.csv'), [
      'ts,symbol,price,size,venue',
      `${T0},AAPL,236.5,10,NASDAQ`,
      `${T0},AAPL,236.5,10,`,
    ]);
    const trades = tradesOf((await replay({ file, venue: 'tape' })).events);
    expect(trades.map((t) => t.venue)).toEqual(['nasdaq', 'tape']);
  });
});

describe('replay bad rows', () => {
  it('turns every kind of bad CSV row into an invalid event with its code and original line', async () => {
    const bad: [string, string][] = [
      ['yesterday,BTC-USD,100.5,1,buy,2', 'BAD_TIMESTAMP'],
      [`${ISO},,100.5,1,buy,3`, 'MISSING_FIELD'],
      [`${ISO},BTC-USD,,1,buy,4`, 'MISSING_FIELD'],
      [`${ISO},BTC-USD,100.5`, 'BAD_CSV'],
      [`${ISO},BTC-USD,100.5,1,buy,13,extra`, 'BAD_CSV'],
      [`${ISO},BTC-USD,abc,1,buy,5`, 'BAD_PRICE'],
      [`${ISO},BTC-USD,1e5,1,buy,6`, 'BAD_PRICE'],
      [`${ISO},BTC-USD,100.5,x,buy,7`, 'BAD_SIZE'],
      [`${ISO},BTC-USD,100.5,1,long,8`, 'BAD_SIDE'],
      [`${ISO},BTC.USD,100.5,1,buy,9`, 'BAD_SYMBOL'],
      [`${ISO},"BTC-USD,100.5,1,buy,10`, 'BAD_CSV'],
      [`${ISO},"BTC"-USD,100.5,1,buy,10`, 'BAD_CSV'],
    ];
    const good = [
      `${ISO},BTC-USD,100.50,1,buy,1`,
      `${ISO},eth/usd,2000.25,0.5,S,11`,
      `${ISO},"AAPL",236,"3",,12`,
    ];
    const file = await writeLines(tmp.path('bad.csv'), [
      'ts,symbol,price,size,side,trade_id',
      good[0] as string,
      ...bad.map(([line]) => line),
      ...good.slice(1),
    ]);
    const { events, source } = await replay({ file });
    expect(invalidsOf(events).map(({ raw, code }) => [raw, code])).toEqual(bad);
    for (const e of invalidsOf(events))
      expect(e).toMatchObject({ venue: 'replay', reason: expect.any(String) });
    expect(tradesOf(events).map((t) => [t.symbol, t.price, t.size, t.side, t.tradeId])).toEqual([
      ['BTC-USD', '100.50', '1', 'buy', '1'],
      ['ETH-USD', '2000.25', '0.5', 'sell', '11'],
      ['AAPL', '236', '3', undefined, '12'],
    ]);
    // File order survives: the first event is the first good row, the last two are good rows.
    expect(events.map((e) => e.kind)).toEqual(['trade', ...bad.map(() => 'invalid'), 'trade', 'trade']);
    expect(source.stats).toEqual({ rows: 15, emitted: 3, invalid: 12, filtered: 0 });
  });

  it('turns every kind of bad NDJSON line into an invalid event, and reads JSON numbers by their shortest form', async () => {
    const row = { ts: T0, symbol: 'BTC-USD', price: '100.5', size: '1' };
    const bad: [string, string][] = [
      ['not json', 'BAD_JSON'],
      ['[1,2]', 'BAD_JSON'],
      ['null', 'BAD_JSON'],
      ['"a string"', 'BAD_JSON'],
      [JSON.stringify({ ...row, ts: '2026-11-23' }), 'BAD_TIMESTAMP'],
      [JSON.stringify({ ...row, ts: 1.7954442e21 }), 'BAD_TIMESTAMP'],
      [JSON.stringify({ ...row, price: undefined }), 'MISSING_FIELD'],
      [JSON.stringify({ ...row, price: null }), 'MISSING_FIELD'],
      ['{"ts":1795444200000000,"symbol":"BTC-USD","price":1e21,"size":"1"}', 'BAD_PRICE'],
      ['{"ts":1795444200000000,"symbol":"BTC-USD","price":1e-7,"size":"1"}', 'BAD_PRICE'],
      [JSON.stringify({ ...row, price: true }), 'BAD_PRICE'],
      [JSON.stringify({ ...row, size: '1,5' }), 'BAD_SIZE'],
      [JSON.stringify({ ...row, side: 'up' }), 'BAD_SIDE'],
      [JSON.stringify({ ...row, symbol: { name: 'BTC' } }), 'BAD_SYMBOL'],
      [JSON.stringify({ ...row, symbol: 'BTC USD' }), 'BAD_SYMBOL'],
    ];
    const file = await writeLines(tmp.path('bad.ndjson'), [
      ...bad.map(([line]) => line),
      '{"ts":1795444200.25,"symbol":"BTC-USD","price":101.5,"size":0.25,"side":"b","tradeId":77}',
    ]);
    const { events, source } = await replay({ file });
    expect(invalidsOf(events).map(({ raw, code }) => [raw, code])).toEqual(bad);
    expect(tradesOf(events)).toEqual([
      {
        venue: 'replay',
        symbol: 'BTC-USD',
        ts: T0 + 250_000,
        price: '101.5',
        size: '0.25',
        side: 'buy',
        tradeId: '77',
        recvTs: RECV_TS,
      },
    ]);
    expect(source.stats).toMatchObject({ rows: 16, emitted: 1, invalid: 15 });
  });

  it('cuts the raw text of an over-long line', async () => {
    const file = await writeLines(tmp.path('long.ndjson'), [`{"symbol":"${'y'.repeat(MAX_RAW_CHARS * 2)}"}`]);
    const [event] = invalidsOf((await replay({ file })).events);
    expect(event?.code).toBe('MISSING_FIELD');
    expect(event?.raw).toHaveLength(MAX_RAW_CHARS);
    expect(event?.reason).toMatch(/clipped from 32781 chars/);
  });
});

describe('replay timestamps', () => {
  it('reads µs, ms, s, fractional s and ISO with 0, 3 and 6 fraction digits exactly', async () => {
    const cells = [
      ['1795444200123456', T0 + 123_456],
      ['1795444200123', T0 + 123_000],
      ['1795444200', T0],
      ['1795444200.000007', T0 + 7],
      ['1795444200123.456', T0 + 123_456],
      ['2026-11-23T14:30:00Z', T0],
      ['2026-11-23T14:30:00.123Z', T0 + 123_000],
      ['2026-11-23T14:30:00.123456Z', T0 + 123_456],
    ] as const;
    const file = await writeLines(tmp.path('ts.csv'), [
      'ts,symbol,price,size',
      ...cells.map(([c]) => `${c},AAPL,1,1`),
    ]);
    expect(tradesOf((await replay({ file })).events).map((t) => t.ts)).toEqual(cells.map(([, us]) => us));
  });
});

describe('splitCsvLine', () => {
  it('splits plain and quoted cells and refuses malformed quoting', () => {
    expect(splitCsvLine('a,b,,c,')).toEqual(['a', 'b', '', 'c', '']);
    expect(splitCsvLine('"a,b","say ""hi""",c')).toEqual(['a,b', 'say "hi"', 'c']);
    expect(splitCsvLine('""')).toEqual(['']);
    expect(splitCsvLine('"a')).toBeUndefined();
    expect(splitCsvLine('"a"b,c')).toBeUndefined();
    expect(splitCsvLine('a"b,c')).toBeUndefined();
  });
});
