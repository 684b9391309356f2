import { type Bus, decode, lastMessageOn, readStream, subjects } from '@tickflow/bus';
import { type Fill, fillProblem, isDecimalString } from '@tickflow/core';
import type { Portfolio } from '@tickflow/paper';

/**
 * Rebuilds positions, cash and P&L after a restart: every fill in FILLS is applied again (in
 * stream order, each id once), then each symbol is marked at the last trade in TICKS on the venue
 * its decisions came from (`<strategy>:<venue>:<symbol>:<seq>`). Decisions redelivered afterwards
 * find their fill already applied and do nothing.
 */
export async function rebuildFromFills(
  bus: Bus,
  portfolio: Portfolio,
): Promise<{ fills: number; marked: number }> {
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
    if (portfolio.apply(f)) fills++;
    const venue = f.decisionId.split(':')[1];
    if (venue) venues.set(f.symbol, venue);
  });
  let marked = 0;
  for (const [symbol, venue] of venues) {
    const data = await lastMessageOn(bus.jsm, 'TICKS', subjects.tick(venue, symbol)).catch(() => undefined);
    const price = data ? (decode(data) as { price?: unknown }).price : undefined;
    if (isDecimalString(price)) {
      portfolio.mark(symbol, price);
      marked++;
    }
  }
  return { fills, marked };
}
