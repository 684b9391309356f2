import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type History, type HistoryConnection, openHistory } from '@tickflow/history';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { binanceDump, DAY_MS, writeZip } from './import-test-kit.ts';
import { type FileReport, importExitCode, runImport } from './run.ts';
import type { ImportConfig } from './spec.ts';

const DATE = '2026-03-02';
const SPOT = `BTCUSDT-trades-${DATE}`;

describe('tickflow import', () => {
  let dir: string;
  let history: History;
  let conn: HistoryConnection;

  beforeAll(async () => {
    history = await openHistory(':memory:');
    conn = await history.connect();
  });
  afterAll(() => {
    conn?.close();
    history?.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tickflow-import-'));
    return () => rmSync(dir, { recursive: true, force: true });
  });

  const config = (over: Partial<ImportConfig> = {}): ImportConfig => ({
    format: 'auto',
    timeUnit: 'auto',
    symbol: undefined,
    venue: undefined,
    dataDir: dir,
    archiveDir: undefined,
    quarantineDir: undefined,
    ...over,
  });
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const one = async (path: string, over: Partial<ImportConfig> = {}): Promise<FileReport> => {
    const [report] = await runImport([path], config(over));
    return report as FileReport;
  };
  /** The archived ticks of the date, as text, in (symbol, seq) order. */
  const archived = async () =>
    conn.rows(
      `SELECT venue, symbol, seq::INTEGER AS seq, ts::VARCHAR AS ts, price::VARCHAR AS price, size::VARCHAR AS size, side
       FROM read_parquet($glob) ORDER BY symbol, seq`,
      { glob: join(dir, 'archive', 'ticks', `date=${DATE}`, '*.parquet') },
    );

  it('imports a spot dump without a header and with millisecond times, saying the unit was detected', async () => {
    const r = await one(file(`${SPOT}.csv`, binanceDump(5, { unit: 'ms', header: false })));
    expect(r).toMatchObject({ exit: 0, rows: 5, imported: 5, bad: {}, lane: 'binance:BTC-USDT' });
    expect(r.unit).toEqual({ unit: 'ms', how: 'detected' });
    const rows = await archived();
    expect(rows.map((t) => t.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]).toEqual({
      venue: 'binance',
      symbol: 'BTC-USDT',
      seq: 1,
      ts: String((DAY_MS + 1000) * 1000),
      price: '101.5000000000',
      size: '0.0010000000',
      side: 'sell', // is_buyer_maker true: the aggressor sold
    });
    expect(rows[1]?.side).toBe('buy');
  });

  it('reads a zipped futures-style dump with a header and microsecond times into the same ticks', async () => {
    const r = await one(file(`${SPOT}.csv`, binanceDump(5, { unit: 'ms', header: false })));
    expect(r.exit).toBe(0);
    const fromMs = await archived();
    const zip = join(dir, `${SPOT}.zip`);
    writeZip(zip, `${SPOT}.csv`, binanceDump(5, { unit: 'us', header: true }));
    const z = await one(zip);
    expect(z).toMatchObject({ exit: 0, rows: 5, imported: 5, unit: { unit: 'us', how: 'detected' } });
    expect(await archived()).toEqual(fromMs);
  });

  it('counts bad rows by code, quarantines them with their text, and keeps seq gap-free', async () => {
    const extra = {
      at: 2,
      lines: [
        'x,1,1,1,1772445600000,true,true', // BAD_TRADE_ID
        '90,-1,1,1,1772445603000,true,true', // NON_POSITIVE_PRICE
        '91,abc,1,1,1772445603000,true,true', // BAD_PRICE
        '92,1,1,1,1772445603000,maybe,true', // BAD_SIDE
        '93,1,1,1772445603000,true,true', // BAD_CSV (6 cells)
        '94,1,1,1,1772445603000000,true,true', // TIME_UNIT_MISMATCH
        '95,1,1,1,1772532000000,true,true', // OUTSIDE_DATE (the next day)
      ],
    };
    // The unit given: a time in the other unit is then a bad row, not a reason to stop (see below).
    const r = await one(file(`${SPOT}.csv`, binanceDump(6, { unit: 'ms', header: false, extra })), {
      timeUnit: 'ms',
    });
    expect(r.exit).toBe(0);
    expect(r.unit).toEqual({ unit: 'ms', how: 'given' });
    expect(r.bad).toEqual({
      BAD_TRADE_ID: 1,
      NON_POSITIVE_PRICE: 1,
      BAD_PRICE: 1,
      BAD_SIDE: 1,
      BAD_CSV: 1,
      TIME_UNIT_MISMATCH: 1,
      OUTSIDE_DATE: 1,
    });
    expect(r).toMatchObject({ rows: 13, imported: 6 });
    const quarantined = readFileSync(r.quarantine as string, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(quarantined[0]).toEqual({
      row: 3,
      code: 'BAD_TRADE_ID',
      reason: 'trade id "x" is not an integer',
      raw: 'x,1,1,1,1772445600000,true,true',
    });
    expect(quarantined.map((q) => q.code)).toContain('OUTSIDE_DATE');
    expect((await archived()).map((t) => t.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('refuses a dump whose times mix milliseconds and microseconds, importing nothing (exit 2)', async () => {
    const extra = { at: 3, lines: ['50,1,1,1,1772445603000000,true,true'] };
    const r = await one(file(`${SPOT}.csv`, binanceDump(5, { unit: 'ms', header: false, extra })));
    expect(r.exit).toBe(2);
    expect(r.error).toMatch(
      /mix 13-digit \(millisecond, 5 rows\) and 16-digit \(microsecond, 1 rows\).*--time-unit/,
    );
    expect(importExitCode([r])).toBe(2);
    expect(r.dates).toEqual([]);
  });

  it('imports what a truncated zip holds before the cut and says where it stopped (exit 3)', async () => {
    const zip = join(dir, `${SPOT}.zip`);
    const whole = writeZip(zip, `${SPOT}.csv`, binanceDump(2000, { unit: 'ms', header: false }));
    writeFileSync(zip, whole.subarray(0, Math.floor(whole.length / 2)));
    const r = await one(zip);
    expect(r.exit).toBe(3);
    expect(r.imported).toBeGreaterThan(100);
    expect(r.imported).toBeLessThan(2000);
    expect(r.stopped).toMatch(
      /unexpected end of file .* line \d+ \(byte \d+ of the text, \d+ bytes of the file read\)/,
    );
    const rows = await archived();
    expect(rows).toHaveLength(r.imported);
    expect(rows.at(-1)?.seq).toBe(r.imported);
  });

  it('replaces a date and symbol on re-import, never duplicating, and keeps other symbols', async () => {
    const btc = file(`${SPOT}.csv`, binanceDump(5, { unit: 'ms', header: false }));
    const eth = file(`ETHUSDT-trades-${DATE}.csv`, binanceDump(3, { unit: 'ms', header: false }));
    await one(btc);
    await one(eth);
    await one(btc);
    const first = await archived();
    expect(first.filter((t) => t.symbol === 'BTC-USDT')).toHaveLength(5);
    expect(first.filter((t) => t.symbol === 'ETH-USDT')).toHaveLength(3);
    // A shorter dump of BTCUSDT for the date replaces the five ticks, ETH untouched.
    await one(file(`${SPOT}.csv`, binanceDump(2, { unit: 'ms', header: false })));
    const again = await archived();
    expect(again.filter((t) => t.symbol === 'BTC-USDT').map((t) => t.seq)).toEqual([1, 2]);
    expect(again.filter((t) => t.symbol === 'ETH-USDT')).toEqual(
      first.filter((t) => t.symbol === 'ETH-USDT'),
    );
  });

  it("imports the project's own replay NDJSON (gzip) through the feed's reader", async () => {
    const ts = (DAY_MS + 5000) * 1000;
    const lines = [
      JSON.stringify({ ts, symbol: 'ETH-USD', price: '10.5', size: '2', side: 'buy' }),
      JSON.stringify({ ts: ts + 1, symbol: 'ETH-USD', price: 'ten', size: '2' }),
      JSON.stringify({ ts: ts + 2, symbol: 'ETH-USD', price: '11', size: '1', side: 's' }),
    ];
    const path = join(dir, 'day.ndjson.gz');
    writeFileSync(path, gzipSync(`${lines.join('\n')}\n`));
    const r = await one(path, { venue: 'rec' });
    expect(r).toMatchObject({ exit: 0, kind: 'replay', rows: 3, imported: 2, bad: { BAD_PRICE: 1 } });
    expect((await archived()).map((t) => [t.venue, t.symbol, t.seq, t.price, t.side])).toEqual([
      ['rec', 'ETH-USD', 1, '10.5000000000', 'buy'],
      ['rec', 'ETH-USD', 2, '11.0000000000', 'sell'],
    ]);
  });

  it('files each tick under its own UTC date, seq from 1 per date, venue and symbol', async () => {
    const night = Date.parse(`${DATE}T23:59:59Z`) * 1000;
    const csv = [
      'ts,symbol,price,size',
      `${night},AAA,1,1`,
      `${night + 500_000},AAA,2,1`,
      `${night + 1_000_000},AAA,3,1`,
    ];
    const r = await one(file('span.csv', `${csv.join('\n')}\n`));
    expect(r.dates.map((d) => [d.date, d.imported, d.lanes])).toEqual([
      [DATE, 2, ['replay:AAA']],
      ['2026-03-03', 1, ['replay:AAA']],
    ]);
    expect((await archived()).map((t) => [t.seq, t.price])).toEqual([
      [1, '1.0000000000'],
      [2, '2.0000000000'],
    ]);
  });

  it('refuses a .zip that is not a zip as a usage error', async () => {
    const r = await one(file(`${SPOT}.zip`, 'not a zip at all'));
    expect(r).toMatchObject({ exit: 2, error: expect.stringMatching(/is not a zip file/) });
  });

  it('refuses a file of unknown kind and a missing file as usage errors', async () => {
    const unknown = await one(file('notes.txt', 'hello\n'));
    expect(unknown).toMatchObject({ exit: 2, error: expect.stringMatching(/neither a Binance dump/) });
    const missing = await one(join(dir, `${SPOT}.zip`));
    expect(missing).toMatchObject({ exit: 2, error: expect.stringMatching(/not found/) });
  });
});
