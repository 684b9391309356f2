import { type Bus, readStream } from '@tickflow/bus';
import { type Decision, partitionOf } from '@tickflow/core';

/**
 * The ids of the decisions stored in DECISIONS from stream sequence `fromSeq` on (this instance's
 * partition only), and DECISIONS' last sequence when read. After a restart the replay re-emits the
 * decisions since the checkpoint with the same ids; these are not published again, however long
 * ago they were stored (the stream's duplicate window covers 2 minutes only).
 */
export async function storedDecisionIds(
  bus: Bus,
  fromSeq: number,
  partition: { index: number; count: number },
): Promise<{ ids: Set<string>; lastSeq: number }> {
  const ids = new Set<string>();
  const decoder = new TextDecoder();
  const { lastSeq } = await readStream(
    bus.js,
    bus.jsm,
    'DECISIONS',
    (m) => {
      let d: Partial<Decision>;
      try {
        d = JSON.parse(decoder.decode(m.data)) as Partial<Decision>;
      } catch {
        return; // not a decision: nothing to skip
      }
      if (typeof d.id !== 'string') return;
      if (
        partition.count > 1 &&
        partitionOf(d.venue ?? '', d.symbol ?? '', partition.count) !== partition.index
      )
        return;
      ids.add(d.id);
    },
    fromSeq,
  );
  return { ids, lastSeq };
}
