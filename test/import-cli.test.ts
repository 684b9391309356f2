import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeZip } from '../services/cli/src/import/import-test-kit.ts';
import { runTickflow } from './tickflow-process.ts';

const DATE = '2026-03-02';
const START_MS = Date.parse(`${DATE}T10:00:00Z`);

/** A futures-style dump (header, µs times) whose price swings ±5 around 100 every ~125 trades. */
function swingingDump(n: number, startMs = START_MS): string {
  const rows = ['id,price,qty,quote_qty,time,is_buyer_maker'];
  for (let i = 1; i <= n; i++) {
    const price = (100 + 5 * Math.sin(i / 20)).toFixed(2);
    rows.push(`${i},${price},0.5,1,${(startMs + i * 1000) * 1000},${i % 2 === 0}`);
  }
  return `${rows.join('\n')}\n`;
}

describe('tickflow import, then backtest and history over what it imported', () => {
  let dir: string;
  const data = () => join(dir, 'data');
  /** SMA 5/20 over the imported dates from..to. */
  const backtest = (from: string, to: string) =>
    runTickflow([
      'backtest',
      '--from',
      from,
      '--to',
      to,
      '--data-dir',
      data(),
      '--fast',
      '5',
      '--slow',
      '20',
      '--out',
      join(dir, 'reports'),
    ]);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tickflow-import-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists its exit codes in --help', () => {
    const r = runTickflow(['import', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /Exit codes[^\n]*\n\s+0\s+imported[^\n]*\n\s+1\s+failed[^\n]*\n\s+2\s+invalid flag[\s\S]*\n\s+3\s+a file is damaged/,
    );
  });

  it('imports a zipped dump, says the detected unit, and a backtest of that date trades', () => {
    const zip = join(dir, `BTCUSDT-trades-${DATE}.zip`);
    writeZip(zip, `BTCUSDT-trades-${DATE}.csv`, swingingDump(600));
    const imported = runTickflow(['import', zip, '--data-dir', data()]);
    expect(imported.err).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.out).toContain('times in microseconds (detected from the values)');
    expect(imported.out).toMatch(/rows 600, imported 600, bad 0/);

    const bt = backtest(DATE, DATE);
    expect(bt.err).toBe('');
    expect(bt.code).toBe(0);
    expect(bt.out).toMatch(/ticks 600 /);
    const trades = Number(/trades (\d+)/.exec(bt.out)?.[1]);
    expect(trades).toBeGreaterThan(0);
  });

  it('backtests two imported dates as one run: the second date, numbered from 1 again, goes on from the first', () => {
    const next = '2026-03-03';
    const zip = join(dir, `BTCUSDT-trades-${next}.zip`);
    writeZip(zip, `BTCUSDT-trades-${next}.csv`, swingingDump(600, Date.parse(`${next}T10:00:00Z`)));
    expect(runTickflow(['import', zip, '--data-dir', data()]).code).toBe(0);
    const bt = backtest(DATE, next);
    expect(bt.err).toBe('');
    expect(bt.code).toBe(0);
    // Before, every tick of the second date was skipped as at or below the lane's last seq.
    expect(bt.out).toMatch(/ticks 1200 /);
    expect(bt.out).not.toContain('skipped');
  });

  it('answers daily bars of the imported date as JSON', () => {
    const r = runTickflow(['history', 'bars', '--from', DATE, '--data-dir', data(), '--format', 'json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      date: DATE,
      venue: 'binance',
      symbol: 'BTC-USDT',
      ticks: 600,
      open: (100 + 5 * Math.sin(1 / 20)).toFixed(2),
      volume: '300',
    });
  });

  it('exits 2 on a dump whose time unit cannot be told, with no stack trace', () => {
    const mixed = join(dir, `ETHUSDT-trades-${DATE}.csv`);
    writeFileSync(mixed, `1,10,1,10,${START_MS},true,true\n2,10,1,10,${START_MS * 1000},true,true\n`);
    const r = runTickflow(['import', mixed, '--data-dir', data()]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/NOT IMPORTED: .*mix 13-digit .*--time-unit/);
    expect(r.out + r.err).not.toMatch(/\n\s+at /);
  });

  it('exits 1 when nothing is archived in the range', () => {
    const r = runTickflow(['history', 'pnl', '--from', DATE, '--data-dir', data()]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`no archived fills from ${DATE} to ${DATE}`);
  });
});
