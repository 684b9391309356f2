import { type Bus, type CatchUp, otherLayoutsEnd, type Partition, subjects } from '@tickflow/bus';
import type { Logger } from '@tickflow/runtime';

/**
 * The feed ran with another --partitions earlier (today's first ticks plain, say): a partition's
 * symbols then have ticks on subjects its filter does not match. It reads every tick up to the
 * last of those (the other partitions' skipped, counted), then only its own subjects: each lane
 * goes on from its seq wherever the subject changed, with no gap to wait for. Undefined when
 * there is nothing to catch up on (one partition, one layout, or a position past it).
 */
export async function layoutCatchUp(
  bus: Bus,
  partition: Partition,
  lastApplied: number,
  log: Logger,
): Promise<CatchUp | undefined> {
  const end = await otherLayoutsEnd(bus.jsm, 'TICKS', partition.count);
  if (lastApplied >= end) return undefined;
  log.info(
    { from: lastApplied + 1, through: end },
    'TICKS holds ticks in another partition layout (the feed’s --partitions changed): reading every tick up to its last, this partition’s applied',
  );
  return {
    filterSubject: subjects.allTicks,
    throughSeq: end,
    onSwitch: (nextSeq) =>
      log.info(
        { nextSeq, filter: subjects.ticksOf(partition) },
        'other layouts read: this partition’s ticks only from here',
      ),
  };
}
