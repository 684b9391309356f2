import type { Decision, Fill } from '@tickflow/core';
import { DEFAULT_EXECUTION, simulateExecution } from '@tickflow/paper';
import { describe, expect, it } from 'vitest';
import { manualDecision, useBotBench } from './bot-bench.ts';
import { readAll, storedTapes } from './bot-kit.ts';
import { waitFor } from './nats-harness.ts';

/** Stored order of the seqs: 3 and 4 stored late, as an old feed's re-send after a broker restart. */
const STORED = [1, 2, 5, 6, 3, 4, 7, 8];

/**
 * Ticks stored out of seq order (an old broker restart) reach the bot live, or before it starts;
 * either way each order must fill at exactly the ticks the batch layer gives it (every seq after the
 * decision's, in seq order), never past a gap and never without a late tick.
 */
describe('orders over ticks stored out of seq order', () => {
  const bench = useBotBench('bot-tape-order-test');
  const start = () => bench.start({ partialFills: 'true' });
  /** Stores the lane's ticks one by one in `STORED` order; returns each seq's stream sequence. */
  const storeTicks = async (symbol: string) => {
    const streamSeqOf = new Map<number, number>();
    for (const seq of STORED) {
      await bench.tick(symbol, seq, String(100 + seq), '1', true);
      const last = (await bench.bus.jsm.streams.info('TICKS')).state.last_seq;
      streamSeqOf.set(seq, last);
    }
    return streamSeqOf;
  };
  const decide = (symbol: string, tickSeq: number, tickStreamSeq: number): Decision =>
    manualDecision(symbol, tickSeq, {
      action: tickSeq % 2 === 0 ? 'BUY' : 'SELL',
      qty: '2',
      refPrice: '100',
      tickStreamSeq,
    });
  const expectBatchFills = async (symbol: string, decisions: Decision[]) => {
    const tape = (await storedTapes(bench.bus)).get(`synth:${symbol}`) ?? [];
    const batch = simulateExecution(decisions, () => tape, { ...DEFAULT_EXECUTION, partialFills: true });
    // The bot counts a fill when it makes it; FILLS stores it a moment later (seen under load).
    let fills: Fill[] = [];
    const stored = async () => {
      fills = (await readAll<Fill>(bench.bus, 'FILLS')).filter((f) => f.symbol === symbol);
      return fills.length >= batch.fills.length;
    };
    await waitFor('the fills stored', stored, 10_000).catch(() => {});
    expect(fills.map((f) => [f.id, f.qty, f.price])).toEqual(batch.fills.map((f) => [f.id, f.qty, f.price]));
  };

  it('fills at the late ticks when they reach the running bot after newer ones', async () => {
    const bot = await start();
    const before = bot.bot.filled;
    const at = await storeTicks('LIVE-USD');
    await waitFor('the ticks taped', () => bot.bot.tapeStreamSeq >= (at.get(8) as number));
    const decisions = [
      decide('LIVE-USD', 2, at.get(2) as number),
      decide('LIVE-USD', 4, at.get(4) as number),
    ];
    for (const d of decisions) await bench.decide(d, true);
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
    for (const d of decisions) await bench.decide(d, true);
    await waitFor('both orders filled', () => bot.bot.filled === before + 4 && bot.bot.pendingOrders === 0);
    await expectBatchFills('PAST-USD', decisions);
    await bot.close();
  });
});
