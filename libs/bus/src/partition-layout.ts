import type { JetStreamManager } from 'nats';
import { lastMessageOn } from './consume.ts';
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
