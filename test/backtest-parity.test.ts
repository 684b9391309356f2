import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { botBacklog, botSpec, startBot } from '@tickflow/bot';
import { Bus } from '@tickflow/bus';
import { Dec, type Decision, type Fill, utcDateOf } from '@tickflow/core';
import { eodSpec, runEod } from '@tickflow/eod';
import { feedSpec, startFeed } from '@tickflow/feed';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { signalsSpec, startSignals } from '@tickflow/signals';
import Value from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BacktestReportSchema } from '../services/cli/src/backtest/report-schema.ts';
import { runBacktest } from '../services/cli/src/backtest/run.ts';
import { backtestSpec } from '../services/cli/src/backtest/spec.ts';
import { openTearsheet } from './backtest-tearsheet.ts';
import { readAll } from './bot-kit.ts';
import { signalsBacklog, startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const DAY1 = '2026-06-01';
const DAY2 = '2026-06-02';
const TICKS_PER_DAY = 8000;
const silent = createLogger('test', 'silent');
/** The example config: RSI, Bollinger (limit orders), Donchian, MACD with trading hours, gates, sizing. */
const STRATEGIES = join(import.meta.dirname, '..', 'libs', 'strategy', 'examples', 'strategies.json');
/** The bot's richest execution model, given to the bot and to the backtest under the same names. */
const MODEL = {
  latencyMs: '3',
  slippageBps: '1.5',
  impactBps: '4',
  partialFills: true,
  minFee: '0.01',
  feeBps: '2',
  makerFeeBps: '0.5',
};

interface Csv {
  header: string[];
  rows: Record<string, string>[];
}

function readCsv(path: string): Csv {
  const [head = '', ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const header = head.split(',');
  return {
    header,
    rows: lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i] as string, v]))),
  };
}

const plain = (x: string) => new Dec(x).toFixed();
const decisionKey = (d: { id: string; action: string; qty: string; refPrice: string }) =>
  `${d.id} ${d.action} ${plain(d.qty)} @ ${plain(d.refPrice)}`;
const fillKey = (f: {
  id: string;
  side: string;
  qty: string;
  price: string;
  fee: string;
  ts: number | string;
}) => `${f.id} ${f.side} ${plain(f.qty)} @ ${plain(f.price)} fee ${plain(f.fee)} ts ${f.ts}`;

describe('backtest over the archive against the live services', () => {
  let nats: TestNats;
  let decisions: Decision[];
  let fills: Fill[];
  let bot: { net: string; positions: { symbol: string; qty: string }[] };

  /** By default every tick comes from the Parquet archive (no day table); `fromDb`: the reverse. */
  const backtest = (from: string, to: string, out: string, fromDb = false) =>
    runBacktest(
      resolveConfig(
        backtestSpec,
        {
          from,
          to,
          strategies: STRATEGIES,
          ...MODEL,
          archiveDir: join(nats.dir, fromDb ? 'no-archive' : 'archive'),
          db: join(nats.dir, fromDb ? 'tickflow.duckdb' : 'none.duckdb'),
          out: join(nats.dir, out),
        },
        {},
      ),
    );

  beforeAll(async () => {
    nats = await startTestNats();
    const env = { NATS_URL: nats.url };
    const signals = await startSignals(
      resolveConfig(signalsSpec, { port: '0', strategies: STRATEGIES }, env),
      silent,
    );
    const paper = await startBot(resolveConfig(botSpec, { port: '0', ...MODEL }, env), silent);
    const bus = await Bus.connect({ url: nats.url, name: 'backtest-parity' });
    // Two trading days through the same running signals and bot: state and positions carry over.
    for (const date of [DAY1, DAY2]) {
      const feed = await startFeed(
        resolveConfig(
          feedSpec,
          {
            port: '0',
            count: String(TICKS_PER_DAY),
            rate: '20000',
            symbols: '4',
            start: `${date}T14:00:00Z`,
            timeScale: '12000',
          },
          env,
        ),
        silent,
      );
      expect((await feed.done).published).toBe(TICKS_PER_DAY);
      await feed.close();
      await waitFor('signals and bot to drain', async () => {
        const backlog = (await signalsBacklog(signals.port)) + (await botBacklog(bus, paper.port));
        return backlog === 0;
      });
    }
    decisions = await readAll<Decision>(bus, 'DECISIONS');
    fills = await readAll<Fill>(bus, 'FILLS');
    const get = async (path: string) => (await fetch(`http://127.0.0.1:${paper.port}${path}`)).json();
    bot = {
      net: ((await get('/v1/pnl')) as { net: string }).net,
      positions: ((await get('/v1/positions')) as { positions: { symbol: string; qty: string }[] }).positions,
    };
    await bus.drain();
    await signals.close();
    await paper.close();
    for (const date of [DAY1, DAY2]) {
      const config = resolveConfig(
        eodSpec,
        {
          date,
          db: join(nats.dir, 'tickflow.duckdb'),
          dataDir: nats.dir,
          reportsDir: join(nats.dir, 'reports'),
          strategies: STRATEGIES,
        },
        env,
      );
      await runEod(config, silent);
    }
  }, 120_000);

  afterAll(async () => {
    await nats?.stop();
  });

  it('gives exactly the decisions (same ids) and fills (id, side, qty, price, fee, ts) of a recorded day', async () => {
    const { report, dir } = await backtest(DAY1, DAY1, 'one-day');
    const liveDecisions = decisions.filter((d) => utcDateOf(d.tickTs) === DAY1);
    const liveIds = new Set(liveDecisions.map((d) => d.id));
    const liveFills = fills.filter((f) => liveIds.has(f.decisionId) && utcDateOf(f.ts) === DAY1);
    expect(liveDecisions.length).toBeGreaterThan(20);
    expect(new Set(liveFills.map((f) => f.symbol)).size).toBeGreaterThan(2);

    const ours = readCsv(join(dir, 'decisions.csv')).rows.map((d) =>
      decisionKey({
        id: d.id as string,
        action: d.action as string,
        qty: d.qty as string,
        refPrice: d.ref_price as string,
      }),
    );
    expect(ours.sort()).toEqual(liveDecisions.map(decisionKey).sort());
    const trades = readCsv(join(dir, 'trades.csv')).rows.map((f) =>
      fillKey({
        id: f.id as string,
        side: f.side as string,
        qty: f.qty as string,
        price: f.price as string,
        fee: f.fee as string,
        ts: f.ts as string,
      }),
    );
    expect(trades.sort()).toEqual(liveFills.map(fillKey).sort());
    expect(report.decisions).toBe(liveDecisions.length);
    expect(report.days).toMatchObject([{ date: DAY1, source: 'archive', ticks: TICKS_PER_DAY }]);
    expect(
      Value.Check(BacktestReportSchema, JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))),
    ).toBe(true);
  });

  it('carries strategy state and positions across days: two days equal the live run, P&L continuous', async () => {
    const { report, dir } = await backtest(DAY1, DAY2, 'two-days');
    const ours = readCsv(join(dir, 'decisions.csv')).rows.map((d) => d.id as string);
    expect(ours.sort()).toEqual(decisions.map((d) => d.id).sort());
    expect(decisions.some((d) => utcDateOf(d.tickTs) === DAY2)).toBe(true);
    const trades = readCsv(join(dir, 'trades.csv')).rows.map((f) =>
      fillKey({
        id: f.id as string,
        side: f.side as string,
        qty: f.qty as string,
        price: f.price as string,
        fee: f.fee as string,
        ts: f.ts as string,
      }),
    );
    expect(trades.sort()).toEqual(fills.map(fillKey).sort());
    // P&L continuity: day 2 starts from day 1's close, the days add up to the total (each day's
    // figure is rounded to 8 places once), and the total is the bot's own, to the last digit.
    expect(report.days[1]?.equity).toBe(report.pnl.endEquity);
    const summed = report.days.reduce((s, d) => s.plus(d.pnl), new Dec(0));
    expect(summed.minus(report.pnl.total).abs().lte('0.00000002')).toBe(true);
    expect(new Dec(report.pnl.endEquity).minus(report.pnl.startEquity).eq(report.pnl.total)).toBe(true);
    expect(new Dec(report.pnl.total).eq(bot.net)).toBe(true);
    const held = (ps: { symbol: string; qty: string }[]) =>
      ps
        .filter((p) => !new Dec(p.qty).isZero())
        .map((p) => `${p.symbol} ${plain(p.qty)}`)
        .sort();
    expect(held(report.symbols)).toEqual(held(bot.positions));
    expect(report.duplicateTicks).toBe(0);
    // The tearsheet: its charts drawn by Chromium from the file alone, with the report's metrics.
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    for (const text of ['Sharpe', 'Sortino', 'Calmar', 'max drawdown duration', 'win rate', 'profit factor'])
      expect(html).toContain(text);
    for (const figure of [report.pnl.total, report.turnover, report.pnl.fees, report.maxDrawdown])
      expect(html).toContain(figure);
    expect(report.exposure).toBeGreaterThan(0);
    expect(html).toContain(`${((report.exposure as number) * 100).toFixed(2)} %`);
    expect(html).not.toMatch(/<script|<link|src=/i);
    const drawn = await openTearsheet(join(dir, 'report.html'));
    expect(drawn.errors).toEqual([]);
    expect(drawn.requests).toEqual([]);
    expect(Object.keys(drawn.charts).sort()).toEqual(['daily-returns', 'drawdown', 'equity']);
    expect(drawn.charts.equity?.points).toBe(3); // the starting cash and two days
    expect(drawn.charts.drawdown?.paths).toBeGreaterThan(0);
    expect(drawn.charts['daily-returns']?.bars).toBe(2);
    for (const c of Object.values(drawn.charts)) expect(c.width).toBeGreaterThan(500);
  });

  it('reads a date that is not archived from the DuckDB day tables, with the same result', async () => {
    const archived = await backtest(DAY1, DAY2, 'from-archive');
    const fromDb = await backtest(DAY1, DAY2, 'from-db', true);
    expect(fromDb.report.days.map((d) => d.source)).toEqual(['db', 'db']);
    expect(readFileSync(join(fromDb.dir, 'trades.csv'), 'utf8')).toBe(
      readFileSync(join(archived.dir, 'trades.csv'), 'utf8'),
    );
    expect(fromDb.report.pnl).toEqual(archived.report.pnl);
  });

  it('keeps only the symbols asked for; the same run twice writes two reports; refuses a range with no ticks (no report left behind)', async () => {
    const btc = resolveConfig(
      backtestSpec,
      {
        from: DAY1,
        symbols: 'BTC-USD',
        strategies: STRATEGIES,
        ...MODEL,
        dataDir: nats.dir,
        out: join(nats.dir, 'btc'),
      },
      {},
    );
    const first = await runBacktest(btc);
    const second = await runBacktest(btc);
    const { report } = first;
    expect(report.symbols.map((s) => s.symbol)).toEqual(['BTC-USD']);
    expect(report.ticks).toBeGreaterThan(1000);
    expect(report.ticks).toBeLessThan(TICKS_PER_DAY);
    expect(readdirSync(join(nats.dir, 'btc')).sort()).toEqual([first.report.id, second.report.id].sort());
    expect(second.report.pnl).toEqual(report.pnl);
    const empty = join(nats.dir, 'empty');
    await expect(
      runBacktest(
        resolveConfig(
          backtestSpec,
          { from: '2026-05-01', to: '2026-05-03', dataDir: nats.dir, out: empty },
          {},
        ),
      ),
    ).rejects.toThrow(/no ticks from 2026-05-01 to 2026-05-03/);
    expect(readdirSync(empty)).toEqual([]);
  });
});
