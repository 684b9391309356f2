import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDay, type Report } from '@tickflow/eod/internal';
import { archiveDate, type History, type HistoryConnection, sqlString } from '@tickflow/history';
import { SmaCross } from '@tickflow/strategy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_DATE, loadFixture } from './eod-fixture.ts';

const TABLES = ['ticks', 'decisions', 'fills', 'rejects', 'bars_1m'];

describe('eod Parquet archive and report files (real DuckDB file)', () => {
  let dir: string;
  let archive: string;
  let history: History;
  let conn: HistoryConnection;
  let load: Awaited<ReturnType<typeof loadFixture>>['load'];
  let report: Report;
  let paths: Awaited<ReturnType<typeof closeDay>>['paths'];

  const close = () =>
    closeDay(conn, {
      date: FIXTURE_DATE,
      database: join(dir, 'tickflow.duckdb'),
      archiveDir: archive,
      reportsDir: join(dir, 'reports'),
      factory: (venue, symbol) => new SmaCross(venue, symbol, { fast: 10, slow: 30, qty: '1' }),
      load,
    });

  const rows = (sql: string) => conn.rows(sql);
  const glob = (table: string) =>
    `read_parquet(${sqlString(`${archive}/${table}/*/*.parquet`)}, hive_partitioning = true)`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tickflow-eod-archive-'));
    archive = join(dir, 'archive');
    ({ history, conn, load } = await loadFixture(join(dir, 'tickflow.duckdb')));
    ({ report, paths } = await close());
  });

  afterAll(() => {
    history?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one Hive partition per table whose rows read back equal the DuckDB rows', async () => {
    expect(report.archive.map((a) => [a.table, a.rows])).toEqual([
      ['ticks', 12], // BBB's seq 2, stored twice, is loaded once
      ['decisions', 0],
      ['fills', 5],
      ['rejects', 3],
      ['bars_1m', 6],
    ]);
    for (const t of TABLES) {
      expect(readdirSync(join(archive, t))).toEqual([`date=${FIXTURE_DATE}`]);
      const diff = await rows(`
        SELECT count(*) AS n FROM (
          (SELECT * EXCLUDE (date) FROM ${glob(t)} EXCEPT ALL SELECT * EXCLUDE (trade_date) FROM ${t})
          UNION ALL
          (SELECT * EXCLUDE (trade_date) FROM ${t} EXCEPT ALL SELECT * EXCLUDE (date) FROM ${glob(t)}))`);
      expect(Number(diff[0]?.n), t).toBe(0);
    }
    const [dates] = await rows(`SELECT min(date)::VARCHAR AS d, count(*) AS n FROM ${glob('ticks')}`);
    expect(dates).toEqual({ d: FIXTURE_DATE, n: 12n });
  });

  it('keeps prices and money DECIMAL in the Parquet files', async () => {
    const types = await rows(`SELECT typeof(price) AS p, typeof(fee) AS f FROM ${glob('fills')} LIMIT 1`);
    expect(types).toEqual([{ p: 'DECIMAL(24,10)', f: 'DECIMAL(24,10)' }]);
  });

  it('replaces the partition on a re-run: one copy of each row, no temp directories left', async () => {
    await close();
    await close();
    for (const t of TABLES) expect(readdirSync(join(archive, t))).toEqual([`date=${FIXTURE_DATE}`]);
    const [n] = await rows(`SELECT count(*) AS n FROM ${glob('ticks')}`);
    expect(Number(n?.n)).toBe(12);
  });

  it('recovers a partition a crash left moved aside, and drops a half-written temp directory', async () => {
    const parent = join(archive, 'fills');
    const final = join(parent, `date=${FIXTURE_DATE}`);
    // Crash between the two renames: the old partition is aside, the new one not in place.
    const aside = join(parent, `.old-date=${FIXTURE_DATE}-999999`);
    rmSync(aside, { recursive: true, force: true });
    renameSync(final, aside);
    const half = join(parent, `.tmp-date=${FIXTURE_DATE}-999998`);
    mkdirSync(half);
    writeFileSync(join(half, 'data.parquet'), 'not parquet');
    await archiveDate(conn, archive, FIXTURE_DATE, ['fills']);
    expect(readdirSync(parent)).toEqual([`date=${FIXTURE_DATE}`]);
    expect(existsSync(half)).toBe(false);
    const [n] = await rows(`SELECT count(*) AS n FROM ${glob('fills')}`);
    expect(Number(n?.n)).toBe(5);
  });

  it('writes report.html self-contained with the verdict, and one CSV per table', () => {
    const html = readFileSync(paths.html, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<(script|link|img)\b|src=|href=/i);
    // The fixture's fills have no decisions behind them: the verdict says so and lists them.
    expect(html).toContain('NOT reconciled');
    expect(html).toContain('extra fill fill:1');
    expect(html).toContain('Garman–Klass');
    const names = paths.csv.map((p) => p.replace(/^.*\//, '')).sort();
    expect(names).toEqual(
      [
        'bars_1m.csv',
        'bars_daily.csv',
        'pnl.csv',
        'quality.csv',
        'reconciliation_breaks.csv',
        'rejects.csv',
        'symbols.csv',
        'volatility.csv',
      ].sort(),
    );
    const pnl = readFileSync(join(dir, 'reports', FIXTURE_DATE, 'pnl.csv'), 'utf8').split('\r\n');
    expect(pnl[0]).toBe(
      'symbol,fills,turnover,fees,realised,unrealised,net,position,mark,roundTrips,winRate,maxDrawdown',
    );
    expect(pnl[1]).toBe(
      'AAA,5,925.00000000,0.40000000,4.00000000,-7.00000000,-3.40000000,1,98,2,0.5,12.10000000',
    );
    const bars = readFileSync(join(dir, 'reports', FIXTURE_DATE, 'bars_1m.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(bars).toHaveLength(1 + 6);
  });

  it('marks the report NOT reconciled and lists a decision the batch recomputation does not make', async () => {
    await conn.run(
      `INSERT INTO decisions (trade_date, id, strategy, venue, symbol, action, qty, ref_price,
      tick_seq, tick_ts, decided_at, reason, indicators, stream_seq)
      VALUES ($date, 'ghost:synth:AAA:4', 'ghost', 'synth', 'AAA', 'BUY', 1, 101, 4, 0, 0, 'test', '{}', 99)`,
      { date: FIXTURE_DATE },
    );
    const broken = await close();
    expect(broken.report.reconciliation.clean).toBe(false);
    expect(broken.report.reconciliation.decisions.extra).toBeGreaterThanOrEqual(1);
    const html = readFileSync(broken.paths.html, 'utf8');
    expect(html).toContain('NOT reconciled');
    expect(html).toContain('ghost:synth:AAA:4');
    const csv = readFileSync(join(dir, 'reports', FIXTURE_DATE, 'reconciliation_breaks.csv'), 'utf8');
    expect(csv).toContain('extra,ghost:synth:AAA:4,');
    expect(readFileSync(broken.paths.markdown, 'utf8')).toContain('NOT RECONCILED');
  });
});
