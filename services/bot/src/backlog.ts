import { type Bus, consumerBacklog, lastSeqOn } from '@tickflow/bus';

/**
 * What the bot has yet to handle: ticks not yet read plus decisions not yet taken. Decisions
 * taken whose orders wait for later ticks (its `pendingOrders`) do not count: with the feed
 * stopped they wait for ticks that have not happened, so a drained pipeline reads 0 here.
 */
export async function botBacklog(
  bus: Bus,
  port: number,
  durable = 'bot',
  /** A partition's instance: the ticks it reads (`subjects.ticksOf`); TICKS' last tick is not its. */
  ticksFilter?: string,
): Promise<number> {
  const ticksEnd = ticksFilter
    ? await lastSeqOn(bus.jsm, 'TICKS', ticksFilter)
    : (await bus.jsm.streams.info('TICKS')).state.last_seq;
  // Read the backlog on both sides of the count: an order finishing in between cannot hide one.
  const before = await consumerBacklog(bus.jsm, 'DECISIONS', durable);
  const account = (await (await fetch(`http://127.0.0.1:${port}/v1/account`)).json()) as {
    pendingOrders?: number;
    tapeStreamSeq?: number;
    ticksBacklog?: number | null;
  };
  const after = await consumerBacklog(bus.jsm, 'DECISIONS', durable);
  // The marks consumer's own count when it gives one: a partition's ticks only. Else stream
  // sequences up to the last tick it reads (an upper bound for a partition's instance).
  const ticks =
    typeof account.ticksBacklog === 'number'
      ? account.ticksBacklog
      : Math.max(0, ticksEnd - (account.tapeStreamSeq ?? 0));
  return ticks + Math.max(0, Math.max(before, after) - (account.pendingOrders ?? 0));
}
