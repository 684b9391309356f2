import { type Bus, decode, lastMessageOn, readStream, subjects } from '@tickflow/bus';
import { type Fill, fillProblem, isDecimalString, type OrderEvent } from '@tickflow/core';
import type { PaperBot } from './bot.ts';

/**
 * Rebuilds positions, cash and P&L after a restart: every fill in FILLS is applied again (in
 * stream order, each id once), the rejected and expired decisions in ORDERS are remembered (never
 * executed again), then each symbol is marked at the last trade in TICKS on the venue its
 * decisions came from (`<strategy>:<venue>:<symbol>:<seq>`). Decisions redelivered afterwards
 * recompute the same fills, find them applied and publish nothing new.
 */
export async function rebuildBot(
  bus: Bus,
  bot: PaperBot,
): Promise<{ fills: number; closed: number; marked: number }> {
  const venues = new Map<string, string>();
  let fills = 0;
  await readStream(bus.js, bus.jsm, 'FILLS', (m) => {
    let f: Fill;
    try {
      f = decode(m.data) as Fill;
    } catch {
      return;
    }
    if (fillProblem(f)) return;
    if (bot.portfolio.apply(f)) {
      bot.decisionFills.add(f);
      fills++;
    }
    const venue = f.decisionId.split(':')[1];
    if (venue) venues.set(f.symbol, venue);
  });
  let closed = 0;
  await readStream(bus.js, bus.jsm, 'ORDERS', (m) => {
    try {
      const e = decode(m.data) as Partial<OrderEvent>;
      if (typeof e.decisionId === 'string' && !bot.closedDecisions.has(e.decisionId)) {
        bot.closedDecisions.add(e.decisionId);
        if (e.status === 'REJECTED') bot.rejected++;
        closed++;
      }
    } catch {
      // not an order event: nothing to remember
    }
  });
  let marked = 0;
  for (const [symbol, venue] of venues) {
    const data = await lastMessageOn(bus.jsm, 'TICKS', subjects.tick(venue, symbol)).catch(() => undefined);
    const price = data ? (decode(data) as { price?: unknown }).price : undefined;
    if (isDecimalString(price)) {
      bot.portfolio.mark(symbol, price);
      marked++;
    }
  }
  bot.filled = fills;
  return { fills, closed, marked };
}
