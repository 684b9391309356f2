import {
  type Bus,
  decode,
  lastMessageOn,
  readRange,
  readStream,
  subjects,
  waitForSettled,
} from '@tickflow/bus';
import { type Fill, fillProblem, isDecimalString, type OrderEvent } from '@tickflow/core';
import type { TapeTick } from '@tickflow/paper';
import type { PaperBot } from './bot.ts';

/** Stream sequences scanned back for a symbol's latest tick: more than a feed re-send window. */
const TAIL = 10_000;

/**
 * A symbol's latest trade by seq, among its ticks in the last TAIL messages of TICKS. Not simply the
 * last one stored: a tick the feed re-sent after a broker hiccup is stored after newer ones.
 */
async function latestTick(
  bus: Bus,
  bot: PaperBot,
  venue: string,
  symbol: string,
  end: number,
): Promise<TapeTick | undefined> {
  const { messages } = await readRange(bus.js, 'TICKS', {
    filterSubject: await bot.tickSubjects.of(venue, symbol),
    fromSeq: Math.max(1, end - TAIL),
    toSeq: end,
    limit: TAIL + 1,
  });
  let best: TapeTick | undefined;
  // Quiet for longer than the tail: its last stored tick is its latest.
  const datas =
    messages.length > 0
      ? messages.map((m) => m.data)
      : [await lastMessageOn(bus.jsm, 'TICKS', await bot.tickSubjects.of(venue, symbol))];
  for (const data of datas) {
    if (!data) continue;
    try {
      const t = decode(data) as Partial<TapeTick>;
      if (
        Number.isSafeInteger(t.seq) &&
        Number.isSafeInteger(t.ts) &&
        isDecimalString(t.price) &&
        isDecimalString(t.size)
      )
        if (!best || (t.seq as number) > best.seq)
          best = { seq: t.seq as number, ts: t.ts as number, price: t.price, size: t.size };
    } catch {
      // not a tick
    }
  }
  return best;
}

/** A rebuild that stopped short of a stream's end would publish again what is stored: refused. */
export class RebuildIncompleteError extends Error {
  override name = 'RebuildIncompleteError';
}

/** Throws unless the read reached the stream's last sequence as it was when the read started. */
function complete(stream: string, seen: number, read: { count: number; lastSeq: number }): void {
  if (read.count > 0 && seen < read.lastSeq)
    throw new RebuildIncompleteError(
      `${stream} read back to sequence ${seen} of ${read.lastSeq}: the rebuild would be incomplete`,
    );
}

/**
 * Rebuilds positions, cash and P&L after a restart: every fill in FILLS is applied again (in
 * stream order, each id once), the rejected and expired decisions in ORDERS are remembered (never
 * executed again), then each open position is marked at the latest trade (by seq) in TICKS on the
 * venue its decisions came from (`<strategy>:<venue>:<symbol>:<seq>`); the tape only notes its seq (an
 * order reads the ticks before the live tape's start back in full). Decisions redelivered afterwards
 * recompute the same fills, find them applied and publish nothing new.
 */
export async function rebuildBot(
  bus: Bus,
  bot: PaperBot,
  /** TICKS's last sequence when the bot started: the live tape follows from the next one. */
  ticksEnd: number,
): Promise<{ fills: number; closed: number; marked: number }> {
  // What a SIGKILLed predecessor published may still be landing: read FILLS and ORDERS once it has,
  // or a fill in flight would be recomputed and sent again (stored once, but seen twice live).
  await Promise.all(
    (['FILLS', 'ORDERS'] as const).map((stream) =>
      waitForSettled(bus.jsm, stream, stream === 'FILLS' ? subjects.allFills : subjects.allOrderEvents),
    ),
  );
  const venues = new Map<string, string>();
  let fills = 0;
  let seen = 0;
  const fillsRead = await readStream(bus.js, bus.jsm, 'FILLS', (m) => {
    seen = m.streamSeq;
    let f: Fill;
    try {
      f = decode(m.data) as Fill;
    } catch {
      return;
    }
    if (fillProblem(f)) return;
    const venue = f.decisionId.split(':')[1];
    if (!bot.owns(venue ?? '', f.symbol)) return; // another partition's position
    if (bot.portfolio.apply(f)) {
      bot.decisionFills.add(f);
      fills++;
    }
    if (venue) venues.set(f.symbol, venue);
  });
  complete('FILLS', seen, fillsRead);
  let closed = 0;
  seen = 0;
  const ordersRead = await readStream(bus.js, bus.jsm, 'ORDERS', (m) => {
    seen = m.streamSeq;
    try {
      const e = decode(m.data) as Partial<OrderEvent>;
      const venue = typeof e.decisionId === 'string' ? (e.decisionId.split(':')[1] ?? '') : '';
      if (typeof e.symbol === 'string' && !bot.owns(venue, e.symbol)) return; // another partition's
      if (typeof e.decisionId === 'string' && !bot.closedDecisions.has(e.decisionId)) {
        bot.closedDecisions.add(e.decisionId);
        if (e.status === 'REJECTED') bot.rejected++;
        closed++;
      }
    } catch {
      // not an order event: nothing to remember
    }
  });
  complete('ORDERS', seen, ordersRead);
  let marked = 0;
  for (const [symbol, venue] of venues) {
    const last = await latestTick(bus, bot, venue, symbol, ticksEnd);
    if (last) {
      bot.portfolio.mark(symbol, last.price);
      // Not a tick of the tape (the live tape starts after `ticksEnd`, and an order reads what comes
      // before it back in full): only what a live tick must beat to move the mark.
      bot.tape.noteLatest(venue, symbol, last.seq);
      marked++;
    }
  }
  bot.filled = fills;
  return { fills, closed, marked };
}
