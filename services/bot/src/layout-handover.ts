import { type Bus, type BusMessage, decode, otherLayoutsEnd, readRange, subjects } from '@tickflow/bus';
import { partitionOf } from '@tickflow/core';
import type { Logger } from '@tickflow/runtime';
import type { PaperBot } from './bot.ts';

/** Whether a DECISIONS message is a decision of partition `index` of `count`. */
function ownedBy(m: BusMessage, index: number, count: number): boolean {
  try {
    const d = decode(m.data) as { venue?: unknown; symbol?: unknown };
    return (
      typeof d.venue === 'string' &&
      typeof d.symbol === 'string' &&
      partitionOf(d.venue, d.symbol, count) === index
    );
  } catch {
    return false; // not a decision: the consumer counts it when it gets there
  }
}

/**
 * A partition's instance started for the first time (its DECISIONS consumer does not exist yet) on
 * a day whose earlier decisions signals published in another layout (plain, or for another number
 * of bot partitions): its consumer's filter would never deliver them. Its symbols' decisions up to
 * the last one stored in another layout are taken up, in stream order, as after a restart: one
 * filled or closed before is found so (FILLS and ORDERS, read at the rebuild) and not done again;
 * one the previous instance left waiting for its ticks is carried out. Returns how many.
 */
export async function takeUpOtherLayouts(
  bus: Bus,
  bot: PaperBot,
  durable: string,
  partition: { index: number; count: number },
  log: Logger,
): Promise<number> {
  if (partition.count <= 1) return 0;
  const exists = await bus.jsm.consumers.info('DECISIONS', durable).then(
    () => true,
    () => false,
  );
  if (exists) return 0;
  const end = await otherLayoutsEnd(bus.jsm, 'DECISIONS', partition.count);
  if (end === 0) return 0;
  let from = 1;
  let count = 0;
  while (from <= end) {
    const read = await readRange(bus.js, 'DECISIONS', {
      filterSubject: subjects.allDecisions,
      fromSeq: from,
      toSeq: end,
      limit: 5_000,
    });
    const mine = read.messages.filter((m) => ownedBy(m, partition.index, partition.count));
    bot.resume(mine);
    count += mine.length;
    from = read.next;
  }
  log.info(
    { decisions: count, through: end },
    'DECISIONS holds decisions in another partition layout (signals’ --partitions changed): this partition’s taken up, in stream order',
  );
  return count;
}
