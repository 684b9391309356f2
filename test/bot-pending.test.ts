import { botSpec, startBot } from '@tickflow/bot';
import { Bus, DurablePublisher, decode, readRecent, subjects } from '@tickflow/bus';
import type { Decision, Fill } from '@tickflow/core';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const silent = createLogger('test', 'silent');
const T0 = 1_780_000_000_000_000;
const SYMBOL = 'WAIT-USD';

describe('an order still waiting for its tick when the bot stops', () => {
  let nats: TestNats;
  let bus: Bus;
  let publisher: DurablePublisher;
  const start = () => startBot(resolveConfig(botSpec, { port: '0' }, { NATS_URL: nats.url }), silent);
  const tick = (seq: number, price: string) =>
    publisher.publish(
      subjects.tick('synth', SYMBOL),
      { v: 1, venue: 'synth', symbol: SYMBOL, seq, ts: T0 + seq * 1000, price, size: '1', recvTs: T0 },
      `synth:${SYMBOL}:${seq}`,
    );
  const pendingOrders = async (port: number) =>
    ((await (await fetch(`http://127.0.0.1:${port}/v1/account`)).json()) as { pendingOrders: number })
      .pendingOrders;

  beforeAll(async () => {
    nats = await startTestNats();
    bus = await Bus.connect({ url: nats.url, name: 'bot-pending-test' });
    publisher = new DurablePublisher(bus.js);
  });
  afterAll(async () => {
    await bus?.drain();
    await nats?.stop();
  });

  it('is given up unacked at the stop and filled once, at the next tick, by the next process', async () => {
    const first = await start();
    await tick(1, '10');
    const d: Decision = {
      v: 1,
      id: `manual:synth:${SYMBOL}:1`,
      strategy: 'manual',
      venue: 'synth',
      symbol: SYMBOL,
      action: 'BUY',
      qty: '3',
      refPrice: '10',
      tickSeq: 1,
      tickTs: T0 + 1000,
      decidedAt: T0 + 1100,
      reason: 'test',
      indicators: {},
    };
    await publisher.publish(subjects.decision(SYMBOL), d, d.id);
    await publisher.settle();
    await waitFor('the order to wait', async () => (await pendingOrders(first.port)) === 1);
    await first.close(); // must not hang on the waiting order
    const second = await start();
    await tick(2, '11');
    await publisher.settle();
    await waitFor('the fill', async () => second.bot.filled === 1);
    const fills = (
      await readRecent(bus.js, bus.jsm, 'FILLS', { filterSubject: subjects.fill(SYMBOL), limit: 10 })
    ).map((m) => decode(m.data) as Fill);
    expect(fills.map((f) => [f.id, f.qty, f.price])).toEqual([[`fill:${d.id}`, '3', '11']]);
    expect(await pendingOrders(second.port)).toBe(0);
    await second.close();
  });
});
