import type { JetStreamManager } from 'nats';
import { lastMessageOn, lastSeqOn } from './last-on.ts';
import { streamSubjects } from './subjects.ts';

/**
 * Whether `stream` holds messages in the plain layout (`ticks.*.*`, `decisions.*`) and none on a
 * partitioned reader's `filter`: its publishers run without `--partitions`, and the reader would
 * wait for ever. Checked once at start, to say so in the log.
 */
export async function onlyPlainLayout(
  jsm: JetStreamManager,
  stream: 'TICKS' | 'DECISIONS',
  filter: string,
): Promise<boolean> {
  const [mine, plain] = await Promise.all([
    lastMessageOn(jsm, stream, filter),
    lastMessageOn(jsm, stream, streamSubjects[stream].plain),
  ]);
  return mine === undefined && plain !== undefined;
}

/** `p<i>of<n>`: the partition count of a partitioned subject's last token. */
const COUNT = /^p\d+of(\d+)$/;

/**
 * Stream sequence of the last message of `stream` stored in a subject layout other than partition
 * count `count`'s: plain (`ticks.*.*`) or partitioned for another count (`ticks.*.*.p1of3`); 0 when
 * there is none, or when `count` is 1 (its readers read every layout). A partition's instance
 * reads everything up to it, so a day the feed began with another `--partitions` is replayed whole
 * (its own share: the others' ticks are skipped).
 */
export async function otherLayoutsEnd(
  jsm: JetStreamManager,
  stream: 'TICKS' | 'DECISIONS',
  count: number,
): Promise<number> {
  if (count <= 1) return 0;
  const { plain, partitioned } = streamSubjects[stream];
  let end = await lastSeqOn(jsm, stream, plain);
  // The partition tokens stored, from the subjects list (one entry per venue+symbol and token).
  const info = await jsm.streams.info(stream, { subjects_filter: partitioned });
  const others = new Set<string>();
  for (const subject of Object.keys(info.state.subjects ?? {})) {
    const token = subject.slice(subject.lastIndexOf('.') + 1);
    const n = COUNT.exec(token)?.[1];
    if (n !== undefined && Number(n) !== count) others.add(token);
  }
  const prefix = partitioned.slice(0, -1); // `ticks.*.*.` / `decisions.*.`
  for (const token of others) end = Math.max(end, await lastSeqOn(jsm, stream, `${prefix}${token}`));
  return end;
}
