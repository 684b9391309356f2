import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { botBacklog, botSpec, startBot } from '@tickflow/bot';
import { Bus } from '@tickflow/bus';
import { Dec, type Fill, type OrderEvent } from '@tickflow/core';
import { eodSpec, runEod } from '@tickflow/eod';
import { feedSpec, startFeed } from '@tickflow/feed';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { signalsSpec, startSignals } from '@tickflow/signals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAll } from './bot-kit.ts';
import { signalsBacklog, startTestNats, type TestNats, waitFor } from './nats-harness.ts';
import { runTickflow } from './tickflow-process.ts';

const DAY = '2026-06-03';
const TICKS = 8000;
const silent = createLogger('test', 'silent');
const STRATEGIES = join(import.meta.dirname, '..', 'libs', 'strategy', 'examples', 'strategies.json');
/** The bot's flags, given to the live bot and to `tickflow backtest` under the same names. */
const FLAGS = { maxPosition: '3', maxNotional: '1300', partialFills: 'true', latencyMs: '3', feeBps: '2' };
const cli = (f: typeof FLAGS) => [
  '--max-position',
  f.maxPosition,
  '--max-notional',
  f.maxNotional,
  '--partial-fills',
  '--latency-ms',
  f.latencyMs,
  '--fee-bps',
  f.feeBps,
];

const plain = (x: string) => new Dec(x).toFixed();
const csvRows = (path: string) => {
  const [head = '', ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const names = head.split(',');
  // The message column may hold commas (quoted): only the leading columns are compared.
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i] as string, v])));
};

/**
 * The bot's risk limits in the backtest: a recorded day run by the live services with
 * --max-position and --max-notional, backtested by the CLI with the same flags, gives the bot's
 * fills and refuses exactly the orders the bot refused, for the same reasons.
 */
describe('backtest under the bot’s risk limits against the live services', () => {
  let nats: TestNats;
  let fills: Fill[];
  let rejected: OrderEvent[];

  beforeAll(async () => {
    nats = await startTestNats();
    const env = { NATS_URL: nats.url };
    const signals = await startSignals(
      resolveConfig(signalsSpec, { port: '0', strategies: STRATEGIES }, env),
      silent,
    );
    const paper = await startBot(resolveConfig(botSpec, { port: '0', ...FLAGS }, env), silent);
    const bus = await Bus.connect({ url: nats.url, name: 'backtest-risk' });
    const feed = await startFeed(
      resolveConfig(
        feedSpec,
        {
          port: '0',
          count: String(TICKS),
          rate: '20000',
          symbols: '4',
          start: `${DAY}T14:00:00Z`,
          timeScale: '12000',
        },
        env,
      ),
      silent,
    );
    expect((await feed.done).published).toBe(TICKS);
    await feed.close();
    await waitFor('signals and bot to drain', async () => {
      const backlog = (await signalsBacklog(signals.port)) + (await botBacklog(bus, paper.port));
      return backlog === 0;
    });
    fills = await readAll<Fill>(bus, 'FILLS');
    rejected = (await readAll<OrderEvent>(bus, 'ORDERS')).filter((e) => e.status === 'REJECTED');
    await bus.drain();
    await signals.close();
    await paper.close();
    await runEod(
      resolveConfig(
        eodSpec,
        {
          date: DAY,
          db: join(nats.dir, 'tickflow.duckdb'),
          dataDir: nats.dir,
          reportsDir: join(nats.dir, 'reports'),
          strategies: STRATEGIES,
        },
        env,
      ),
      silent,
    );
  }, 120_000);

  afterAll(async () => {
    await nats?.stop();
  });

  it('refuses the orders the bot refused, with its reasons, and makes exactly its fills', () => {
    const out = join(nats.dir, 'backtests');
    const r = runTickflow([
      'backtest',
      '--from',
      DAY,
      '--strategies',
      STRATEGIES,
      ...cli(FLAGS),
      '--data-dir',
      nats.dir,
      '--db',
      join(nats.dir, 'none.duckdb'),
      '--out',
      out,
    ]);
    expect(r.code, r.err).toBe(0);
    const [id] = readdirSync(out);
    const dir = join(out, id as string);
    // The live run refused some orders for each limit, and filled others.
    const reasons = new Set(rejected.map((e) => e.reason));
    expect(reasons).toEqual(new Set(['MAX_POSITION', 'MAX_NOTIONAL']));
    expect(fills.length).toBeGreaterThan(20);

    const ours = csvRows(join(dir, 'rejected.csv')).map(
      (x) => `${x.decision_id} ${x.reason} ${x.side} ${plain(x.qty as string)}`,
    );
    expect(ours.sort()).toEqual(
      rejected.map((e) => `${e.decisionId} ${e.reason} ${e.side} ${plain(e.qty)}`).sort(),
    );
    const trades = csvRows(join(dir, 'trades.csv')).map(
      (f) =>
        `${f.id} ${f.side} ${plain(f.qty as string)} @ ${plain(f.price as string)} fee ${plain(f.fee as string)}`,
    );
    expect(trades.sort()).toEqual(
      fills.map((f) => `${f.id} ${f.side} ${plain(f.qty)} @ ${plain(f.price)} fee ${plain(f.fee)}`).sort(),
    );
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.rejectedOrders).toBe(rejected.length);
    expect(report.config.limits).toEqual({
      maxPosition: '3',
      maxNotional: '1300',
      maxGrossExposure: '',
      dailyLossLimit: '',
    });
    expect(r.out).toContain(`${rejected.length} order(s) refused by the risk limits`);
  });
});
