import { decode, readRecent, subjects } from '@tickflow/bus';
import type { Fill } from '@tickflow/core';
import { describe, expect, it } from 'vitest';
import { manualDecision, useBotBench } from './bot-bench.ts';
import { waitFor } from './nats-harness.ts';

const SYMBOL = 'WAIT-USD';

describe('an order still waiting for its tick when the bot stops', () => {
  const bench = useBotBench('bot-pending-test');
  const tick = (seq: number, price: string) => bench.tick(SYMBOL, seq, price, '1');
  const pendingOrders = async (port: number) =>
    ((await (await fetch(`http://127.0.0.1:${port}/v1/account`)).json()) as { pendingOrders: number })
      .pendingOrders;

  it('is given up unacked at the stop and filled once, at the next tick, by the next process', async () => {
    const { bus, publisher } = bench;
    const first = await bench.start();
    await tick(1, '10');
    const d = manualDecision(SYMBOL, 1, { action: 'BUY', qty: '3', refPrice: '10' });
    await bench.decide(d);
    await publisher.settle();
    await waitFor('the order to wait', async () => (await pendingOrders(first.port)) === 1);
    await first.close(); // must not hang on the waiting order
    const second = await bench.start();
    await tick(2, '11');
    await publisher.settle();
    await waitFor('the fill', async () => second.bot.filled === 1);
    const stored = async () =>
      (await readRecent(bus.js, bus.jsm, 'FILLS', { filterSubject: subjects.fill(SYMBOL), limit: 10 })).map(
        (m) => decode(m.data) as Fill,
      );
    // `filled` counts a fill when applied; its PubAck comes a moment later (a loaded CI run read
    // FILLS in between and found nothing).
    await waitFor('the fill stored', async () => (await stored()).length > 0);
    await new Promise((r) => setTimeout(r, 300)); // a second copy, if any, would be stored by now
    const fills = await stored();
    expect(fills.map((f) => [f.id, f.qty, f.price])).toEqual([[`fill:${d.id}`, '3', '11']]);
    expect(await pendingOrders(second.port)).toBe(0);
    await second.close();
  });
});
