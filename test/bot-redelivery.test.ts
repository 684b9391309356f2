import type { Decision, Fill } from '@tickflow/core';
import { describe, expect, it } from 'vitest';
import { manualDecision, useBotBench } from './bot-bench.ts';
import { readAll } from './bot-kit.ts';
import { waitFor } from './nats-harness.ts';

const SYMBOL = 'PART-USD';

/**
 * Idempotency must not rest on the stream's duplicate window: a decision redelivered after the
 * window has passed (a restart minutes later, a consumer whose ack floor went back) recomputes fills
 * already stored, and those must not be stored again.
 */
describe('a decision redelivered after its first fills are stored and the duplicate window passed', () => {
  const bench = useBotBench('bot-redelivery-test');
  const start = () => bench.start({ partialFills: 'true' });
  const tick = (seq: number, price: string, size: string) => bench.tick(SYMBOL, seq, price, size);
  /** Shortens a stream's duplicate window, so the test need not wait the default 2 minutes. */
  const shortWindow = async (stream: 'FILLS' | 'ORDERS') => {
    const info = await bench.bus.jsm.streams.info(stream);
    await bench.bus.jsm.streams.update(stream, { ...info.config, duplicate_window: 1_000_000_000 });
  };
  const stored = () => readAll<Fill>(bench.bus, 'FILLS');

  it('stores each fill id once, the ones recomputed from the stream included', async () => {
    const { publisher } = bench;
    const first = await start();
    await tick(1, '10', '1');
    const d = manualDecision(SYMBOL, 1, { action: 'BUY', qty: '3', refPrice: '10' });
    await bench.decide(d);
    await tick(2, '11', '1'); // fills 1 of 3; the order waits for more
    await publisher.settle();
    await waitFor('the first partial fill', async () => (await stored()).length === 1);
    await first.close(); // the decision stays unacked: it comes back to the next process
    // The stored fill's id leaves the (shortened) duplicate window before the next process starts.
    await shortWindow('FILLS');
    await new Promise((r) => setTimeout(r, 2_500));
    const second = await start();
    await shortWindow('FILLS'); // the bot set its own window at start
    await tick(3, '12', '5'); // fills the other 2
    await publisher.settle();
    await waitFor('the order filled', async () => second.bot.pendingOrders === 0 && second.bot.filled === 2);
    await new Promise((r) => setTimeout(r, 500)); // a duplicate publish would be stored by now
    const fills = await stored();
    expect(fills.map((f) => [f.id, f.qty, f.price])).toEqual([
      [`fill:${d.id}`, '1', '11'],
      [`fill:${d.id}:2`, '2', '12'],
    ]);
    await second.close();
  });

  it('stores nothing again when its consumer comes back with its ack floor at 0 and every decision is redelivered', async () => {
    const { bus, publisher } = bench;
    const symbol = 'ACKD-USD';
    const bot = await start();
    const t = (seq: number) => bench.tick(symbol, seq, String(20 + seq), '10');
    const decisions = [1, 3].map((seq) =>
      manualDecision(symbol, seq, { action: seq === 1 ? 'BUY' : 'FLAT', qty: '2', refPrice: '20' }),
    );
    for (const seq of [1, 2, 3, 4]) await t(seq);
    for (const d of decisions) await bench.decide(d);
    await publisher.settle();
    const mine = async () => (await stored()).filter((f) => f.symbol === symbol);
    await waitFor('both orders filled', async () => (await mine()).length === 2);
    await waitFor('both decisions acked', async () => {
      const info = await bus.jsm.consumers.info('DECISIONS', 'bot');
      return info.num_ack_pending === 0 && info.num_pending === 0;
    });
    await bot.close();
    // The durable consumer is lost (as after a broker kill): the next one starts from the first decision.
    await bus.jsm.consumers.delete('DECISIONS', 'bot');
    await shortWindow('FILLS');
    await new Promise((r) => setTimeout(r, 2_500));
    const again = await start();
    await shortWindow('FILLS');
    await waitFor('every decision handled again', async () => {
      const info = await bus.jsm.consumers.info('DECISIONS', 'bot');
      const last = (await bus.jsm.streams.info('DECISIONS')).state.last_seq;
      return info.num_ack_pending === 0 && info.num_pending === 0 && info.delivered.stream_seq >= last;
    });
    await new Promise((r) => setTimeout(r, 500)); // a duplicate publish would be stored by now
    expect((await mine()).map((f) => [f.id, f.side, f.qty])).toEqual([
      [`fill:${decisions[0]?.id}`, 'BUY', '2'],
      [`fill:${decisions[1]?.id}`, 'SELL', '2'],
    ]);
    await again.close();
  });

  it('finishes the order left unacked before it starts a later decision of the symbol delivered first', async () => {
    const { publisher } = bench;
    const symbol = 'ORDR-USD';
    const t = (seq: number, size: string) => bench.tick(symbol, seq, String(30 + seq), size);
    const decide = (seq: number, action: Decision['action']) =>
      manualDecision(symbol, seq, { action, qty: '3', refPrice: '30' });
    const first = await start();
    const buy = decide(1, 'BUY');
    await t(1, '1');
    await bench.decide(buy);
    await t(2, '1'); // the BUY fills 1 of 3 and waits
    await publisher.settle();
    const mine = async () => (await stored()).filter((f) => f.symbol === symbol);
    await waitFor('the first partial fill', async () => (await mine()).length === 1);
    await first.close(); // the BUY stays unacked: redelivered once its ack wait (5 s) is over
    // While the bot is down: the BUY's other ticks, then a FLAT, then the tick the FLAT fills at.
    await t(3, '5');
    const flat = decide(3, 'FLAT');
    await bench.decide(flat);
    await t(4, '5');
    await publisher.settle();
    const second = await start();
    // The FLAT closes what the BUY left in full (3), as the batch layer runs them: in decision order.
    await waitFor(
      'the FLAT filled',
      async () => (await mine()).some((f) => f.decisionId === flat.id),
      20_000,
    );
    expect((await mine()).map((f) => [f.id, f.side, f.qty])).toEqual([
      [`fill:${buy.id}`, 'BUY', '1'],
      [`fill:${buy.id}:2`, 'BUY', '2'],
      [`fill:${flat.id}`, 'SELL', '3'],
    ]);
    await second.close();
  });
});
