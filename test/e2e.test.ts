import { join } from 'node:path';
import { botBacklog, botSpec, startBot } from '@tickflow/bot';
import { Bus } from '@tickflow/bus';
import { Dec, type Tick } from '@tickflow/core';
import { eodSpec, runEod } from '@tickflow/eod';
import { feedSpec, startFeed } from '@tickflow/feed';
import { openHistory, type SqlParams } from '@tickflow/history';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { signalsSpec, startSignals } from '@tickflow/signals';
import { replayDecisions, SmaCross } from '@tickflow/strategy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalsBacklog, startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const DATE = '2026-03-02';
const TICKS = 6000;
const silent = createLogger('test', 'silent');

describe('synthetic feed → signals → bot → eod', () => {
  let nats: TestNats;
  let db: string;
  let botPnl: { net: string; fills: number };
  let report: Awaited<ReturnType<typeof runEod>>['report'];

  beforeAll(async () => {
    nats = await startTestNats();
    db = join(nats.dir, 'tickflow.duckdb');
    const env = { NATS_URL: nats.url };
    const signals = await startSignals(resolveConfig(signalsSpec, { port: '0' }, env), silent);
    const bot = await startBot(resolveConfig(botSpec, { port: '0' }, env), silent);
    const feed = await startFeed(
      resolveConfig(
        feedSpec,
        {
          port: '0',
          count: String(TICKS),
          rate: '20000',
          symbols: '3',
          start: `${DATE}T13:30:00Z`,
          timeScale: '6000',
        },
        env,
      ),
      silent,
    );
    const stats = await feed.done;
    await feed.close();
    expect(stats.published).toBe(TICKS);

    const bus = await Bus.connect({ url: nats.url, name: 'e2e' });
    await waitFor('signals and bot to drain', async () => {
      const backlog = (await signalsBacklog(signals.port)) + (await botBacklog(bus, bot.port));
      return backlog === 0;
    });
    await bus.drain();
    botPnl = (await (await fetch(`http://127.0.0.1:${bot.port}/v1/pnl`)).json()) as typeof botPnl;
    await signals.close();
    await bot.close();

    const config = resolveConfig(
      eodSpec,
      { date: DATE, db, dataDir: nats.dir, reportsDir: join(nats.dir, 'reports') },
      env,
    );
    report = (await runEod(config, silent)).report;
  });

  afterAll(async () => {
    await nats?.stop();
  });

  async function query<T>(sql: string, params?: SqlParams): Promise<T[]> {
    const history = await openHistory(db, { readOnly: true });
    const conn = await history.connect();
    try {
      return (await conn.rows(sql, params)) as T[];
    } finally {
      history.close();
    }
  }

  it('stores every published tick in DuckDB, seq gap-free per symbol', async () => {
    const rows = await query<{ symbol: string; n: bigint; lo: bigint; hi: bigint; distinct_seq: bigint }>(
      `SELECT symbol, count(*) AS n, min(seq) AS lo, max(seq) AS hi, count(DISTINCT seq) AS distinct_seq
       FROM ticks WHERE trade_date = $date GROUP BY symbol`,
      { date: DATE },
    );
    expect(rows).toHaveLength(3);
    expect(rows.reduce((n, r) => n + Number(r.n), 0)).toBe(TICKS);
    for (const r of rows) {
      expect(Number(r.lo)).toBe(1);
      expect(Number(r.hi)).toBe(Number(r.n));
      expect(Number(r.distinct_seq)).toBe(Number(r.n));
    }
  });

  it('stores decisions equal to a batch recomputation of the rule over the archived ticks', async () => {
    const ticks = (
      await query<{ venue: string; symbol: string; seq: bigint; ts: bigint; price: string; recv_ts: bigint }>(
        `SELECT venue, symbol, seq, ts, price::VARCHAR AS price, recv_ts FROM ticks WHERE trade_date = $date`,
        { date: DATE },
      )
    ).map(
      (r): Tick => ({
        v: 1,
        venue: r.venue,
        symbol: r.symbol,
        seq: Number(r.seq),
        ts: Number(r.ts),
        price: new Dec(r.price).toFixed(),
        size: '1',
        recvTs: Number(r.recv_ts),
      }),
    );
    const batch = replayDecisions(
      ticks,
      (venue, symbol) => new SmaCross(venue, symbol, { fast: 10, slow: 30, qty: '1' }),
    );
    const stored = await query<{ id: string; action: string; ref_price: string }>(
      `SELECT id, action, ref_price::VARCHAR AS ref_price FROM decisions WHERE trade_date = $date ORDER BY id`,
      { date: DATE },
    );
    expect(batch.length).toBeGreaterThan(10);
    const fromBatch = batch
      .map((d) => ({ id: d.id, action: d.action, price: d.refPrice }))
      .sort((a, b) => a.id.localeCompare(b.id));
    const fromSpeed = stored.map((d) => ({
      id: d.id,
      action: d.action,
      price: new Dec(d.ref_price).toFixed(),
    }));
    expect(fromSpeed).toEqual(fromBatch);
    expect(report.reconciliation.clean).toBe(true);
  });

  it("recomputes every one of the bot's fills with its own model, from its session snapshot", () => {
    const f = report.reconciliation.fills;
    expect(f.model).toBe('snapshot');
    expect(f.speed).toBe(report.load.fills);
    expect([f.matched, f.missing, f.extra, f.differing]).toEqual([f.speed, 0, 0, 0]);
    expect(f.snapshot).toEqual({ positionsEqual: true, detail: [] });
  });

  it("reports the bot's final P&L to the cent (exactly, in fact)", () => {
    expect(botPnl.fills).toBe(report.load.fills);
    expect(botPnl.fills).toBeGreaterThan(10);
    expect(new Dec(report.pnl.total).toFixed(2)).toBe(new Dec(botPnl.net).toFixed(2));
    expect(new Dec(report.pnl.total).eq(botPnl.net)).toBe(true);
  });

  it('reports per-symbol OHLC, tick counts and an annualised 1-minute volatility', () => {
    expect(report.symbols).toHaveLength(3);
    for (const s of report.symbols) {
      expect(new Dec(s.high).gte(s.open) && new Dec(s.low).lte(s.close)).toBe(true);
      expect(s.returns1m).toBeGreaterThan(10);
      expect(s.volatility1mAnnualised).toBeGreaterThan(0);
    }
  });

  it('replaces the date on a re-run: same counts, no duplicates', async () => {
    const config = resolveConfig(
      eodSpec,
      { date: DATE, db, dataDir: nats.dir, reportsDir: join(nats.dir, 'reports') },
      { NATS_URL: nats.url },
    );
    const again = (await runEod(config, silent)).report;
    expect(again.load.ticks).toBe(TICKS);
    expect(again.pnl.total).toBe(report.pnl.total);
    const [row] = await query<{ n: bigint; loads: bigint }>(
      `SELECT (SELECT count(*) FROM ticks) AS n, (SELECT count(*) FROM loads) AS loads`,
    );
    expect(Number(row?.n)).toBe(TICKS);
    expect(Number(row?.loads)).toBe(1);
  });
});
