import { botSpec, startBot } from '@tickflow/bot';
import { Bus, DurablePublisher, decode, readRecent, subjects } from '@tickflow/bus';
import type { Decision, Fill, OrderEvent } from '@tickflow/core';
import { BOT_BUCKET, type SessionSnapshot } from '@tickflow/paper';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const silent = createLogger('test', 'silent');
const T0 = 1_780_000_000_000_000; // 2026-05-28T20:26:40Z, µs
const SYMBOL = 'RISK-USD';

describe('bot risk limits, expiry and the daily loss limit against a real nats-server', () => {
  let nats: TestNats;
  let bus: Bus;
  let bot: Awaited<ReturnType<typeof startBot>>;
  let publisher: DurablePublisher;

  const tick = (seq: number, ms: number, price: string, size: string) =>
    publisher.publish(
      subjects.tick('synth', SYMBOL),
      { v: 1, venue: 'synth', symbol: SYMBOL, seq, ts: T0 + ms * 1000, price, size, recvTs: T0 + ms * 1000 },
      `synth:${SYMBOL}:${seq}`,
    );
  const decision = (strategy: string, tickSeq: number, action: Decision['action'], qty: string) => {
    const d: Decision = {
      v: 1,
      id: `${strategy}:synth:${SYMBOL}:${tickSeq}`,
      strategy,
      venue: 'synth',
      symbol: SYMBOL,
      action,
      qty,
      refPrice: '100',
      tickSeq,
      tickTs: T0 + tickSeq * 1000,
      decidedAt: T0 + tickSeq * 1000 + 100,
      reason: 'test',
      indicators: {},
    };
    return publisher.publish(subjects.decision(SYMBOL), d, d.id);
  };
  const account = async () =>
    (await (await fetch(`http://127.0.0.1:${bot.port}/v1/account`)).json()) as {
      halted: boolean;
      haltReason: string;
      rejected: number;
      dayPnl: string;
    };
  const orderEvents = async () =>
    (await readRecent(bus.js, bus.jsm, 'ORDERS', { filterSubject: `orders.*.${SYMBOL}`, limit: 100 })).map(
      (m) => decode(m.data) as OrderEvent,
    );
  const fills = async () =>
    (await readRecent(bus.js, bus.jsm, 'FILLS', { filterSubject: subjects.fill(SYMBOL), limit: 100 })).map(
      (m) => decode(m.data) as Fill,
    );

  beforeAll(async () => {
    nats = await startTestNats();
    bot = await startBot(
      resolveConfig(
        botSpec,
        {
          port: '0',
          adminToken: 'secret',
          maxPosition: '1',
          dailyLossLimit: '5',
          partialFills: 'true',
          orderTtlMs: '1000',
        },
        { NATS_URL: nats.url },
      ),
      silent,
    );
    bus = await Bus.connect({ url: nats.url, name: 'bot-risk-test' });
    publisher = new DurablePublisher(bus.js);
    await tick(1, 1, '100', '10');
    await decision('manual', 1, 'BUY', '1'); // fills at seq 2
    await decision('manual', 2, 'BUY', '0.5'); // would make 1.5 > max position 1
    await decision('close', 2, 'SELL', '1'); // reduces: allowed; 0.4 + 0.4 then expires
    await tick(2, 2, '100', '10');
    await tick(3, 3, '100', '0.4');
    await tick(4, 4, '100', '0.4');
    await tick(5, 2003, '100', '5'); // past the close order's 1 s time to live
    await publisher.settle();
    await waitFor('the expiry', async () => (await orderEvents()).length === 2);
    await tick(6, 2004, '50', '1'); // 0.2 left long marked 50 below cost: day P&L < -5
    await publisher.settle();
    await waitFor('the halt', async () => (await account()).halted);
    await decision('manual', 6, 'BUY', '0.1');
    await publisher.settle();
    await waitFor('the halted rejection', async () => (await orderEvents()).length === 3);
  });
  afterAll(async () => {
    await bot?.close();
    await bus?.drain();
    await nats?.stop();
  });

  it('fills the next ticks, partially by printed size, and never beyond what the limits allow', async () => {
    expect((await fills()).map((f) => [f.decisionId, f.side, f.qty, f.price, f.ts])).toEqual([
      [`manual:synth:${SYMBOL}:1`, 'BUY', '1', '100', T0 + 2000],
      [`close:synth:${SYMBOL}:2`, 'SELL', '0.4', '100', T0 + 3000],
      [`close:synth:${SYMBOL}:2`, 'SELL', '0.4', '100', T0 + 4000],
    ]);
  });

  it('publishes each rejection and expiry on ORDERS with its reason and unfilled quantity', async () => {
    expect((await orderEvents()).map((e) => [e.id, e.status, e.reason, e.side, e.qty])).toEqual([
      [`rejected:manual:synth:${SYMBOL}:2`, 'REJECTED', 'MAX_POSITION', 'BUY', '0.5'],
      [`expired:close:synth:${SYMBOL}:2`, 'EXPIRED', 'TTL', 'SELL', '0.2'],
      [`rejected:manual:synth:${SYMBOL}:6`, 'REJECTED', 'HALTED', 'BUY', '0.1'],
    ]);
  });

  it('halts on the daily loss limit and says why', async () => {
    const a = await account();
    expect(a.halted).toBe(true);
    expect(a.haltReason).toMatch(/^daily loss limit: the day's net P&L is -10\.\d+, limit -5$/);
    expect(a.rejected).toBe(2);
  });

  it('describes its REST API in OpenAPI at /docs', async () => {
    const doc = (await (await fetch(`http://127.0.0.1:${bot.port}/docs/json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/positions',
        '/v1/fills',
        '/v1/pnl',
        '/v1/account',
        '/v1/orders',
        '/v1/halt',
      ]),
    );
  });

  it('stores an end-of-session snapshot of positions and P&L in NATS when it stops', async () => {
    await bot.close();
    const snap = await bus.objectGet<SessionSnapshot>(BOT_BUCKET, 'bot.session.2026-05-28');
    expect(snap?.positions).toEqual([
      expect.objectContaining({ symbol: SYMBOL, qty: '0.2', lastPrice: '50' }),
    ]);
    expect(snap).toMatchObject({ date: '2026-05-28', halted: true, fills: 3, rejected: 2 });
    expect(snap?.dayPnl).toBe(snap?.pnl.net);
  });
});
