import { botSpec, startBot } from '@tickflow/bot';
import { Bus, DurablePublisher, decode, readStream, subjects } from '@tickflow/bus';
import type { Decision, Fill, Tick } from '@tickflow/core';
import { DEFAULT_EXECUTION, simulateExecution, type TapeTick } from '@tickflow/paper';
import { createLogger, resolveConfig } from '@tickflow/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNats, type TestNats, waitFor } from './nats-harness.ts';

const silent = createLogger('test', 'silent');
const T0 = 1_780_000_000_000_000;
/** Stored order of the seqs: 3 and 4 stored late, as an old feed's re-send after a broker restart. */
const STORED = [1, 2, 5, 6, 3, 4, 7, 8];

/**
 * Ticks stored out of seq order (an old broker restart) reach the bot live, or before it starts;
 * either way each order must fill at exactly the ticks the batch layer gives it (every seq after the
 * decision's, in seq order), never past a gap and never without a late tick.
 */
describe('orders over ticks stored out of seq order', () => {
  let nats: TestNats;
  let bus: Bus;
  let publisher: DurablePublisher;
  const start = () =>
    startBot(resolveConfig(botSpec, { port: '0', partialFills: 'true' }, { NATS_URL: nats.url }), silent);
  /** Stores the lane's ticks one by one in `STORED` order; returns each seq's stream sequence. */
  const storeTicks = async (symbol: string) => {
    const streamSeqOf = new Map<number, number>();
    for (const seq of STORED) {
      const t: Tick = {
        v: 1,
        venue: 'synth',
        symbol,
        seq,
        ts: T0 + seq * 1000,
        price: String(100 + seq),
        size: '1',
        recvTs: T0,
      };
      await publisher.publishAcked(subjects.tick('synth', symbol), t, `synth:${symbol}:${seq}`);
      const last = (await bus.jsm.streams.info('TICKS')).state.last_seq;
      streamSeqOf.set(seq, last);
    }
    return streamSeqOf;
  };
  const decide = (symbol: string, tickSeq: number, tickStreamSeq: number): Decision => ({
    v: 1,
    id: `manual:synth:${symbol}:${tickSeq}`,
    strategy: 'manual',
    venue: 'synth',
    symbol,
    action: tickSeq % 2 === 0 ? 'BUY' : 'SELL',
    qty: '2',
    refPrice: '100',
    tickSeq,
    tickTs: T0 + tickSeq * 1000,
    tickStreamSeq,
    decidedAt: T0 + tickSeq * 1000 + 100,
    reason: 'test',
    indicators: {},
  });
  const expectBatchFills = async (symbol: string, decisions: Decision[]) => {
    const fills: Fill[] = [];
    await readStream(bus.js, bus.jsm, 'FILLS', (m) => {
      const f = decode(m.data) as Fill;
      if (f.symbol === symbol) fills.push(f);
    });
    const tape: TapeTick[] = [];
    await readStream(bus.js, bus.jsm, 'TICKS', (m) => {
      const t = decode(m.data) as Tick;
      if (t.symbol === symbol) tape.push({ seq: t.seq, ts: t.ts, price: t.price, size: t.size });
    });
    tape.sort((a, b) => a.seq - b.seq);
    const batch = simulateExecution(decisions, () => tape, { ...DEFAULT_EXECUTION, partialFills: true });
    expect(fills.map((f) => [f.id, f.qty, f.price])).toEqual(batch.fills.map((f) => [f.id, f.qty, f.price]));
  };

  beforeAll(async () => {
    nats = await startTestNats();
    bus = await Bus.connect({ url: nats.url, name: 'bot-tape-order-test' });
    publisher = new DurablePublisher(bus.js);
  });
  afterAll(async () => {
    await bus?.drain();
    await nats?.stop();
  });

  it('fills at the late ticks when they reach the running bot after newer ones', async () => {
    const bot = await start();
    const before = bot.bot.filled;
    const at = await storeTicks('LIVE-USD');
    await waitFor('the ticks taped', () => bot.bot.tapeStreamSeq >= (at.get(8) as number));
    const decisions = [
      decide('LIVE-USD', 2, at.get(2) as number),
      decide('LIVE-USD', 4, at.get(4) as number),
    ];
    for (const d of decisions) await publisher.publishAcked(subjects.decision(d.symbol), d, d.id);
    await waitFor('both orders filled', () => bot.bot.filled === before + 4 && bot.bot.pendingOrders === 0);
    await expectBatchFills('LIVE-USD', decisions);
    await bot.close();
  });

  it('fills at the late ticks when they were stored before the bot started', async () => {
    const at = await storeTicks('PAST-USD');
    const bot = await start();
    const before = bot.bot.filled;
    const decisions = [
      decide('PAST-USD', 2, at.get(2) as number),
      decide('PAST-USD', 4, at.get(4) as number),
    ];
    for (const d of decisions) await publisher.publishAcked(subjects.decision(d.symbol), d, d.id);
    await waitFor('both orders filled', () => bot.bot.filled === before + 4 && bot.bot.pendingOrders === 0);
    await expectBatchFills('PAST-USD', decisions);
    await bot.close();
  });
});
