import { botBacklog } from '@tickflow/bot';
import { type Bus, subjects } from '@tickflow/bus';
import { signalsBacklog } from './nats-harness.ts';

/**
 * What two partitions (`--partition i/2`) still have to handle: each signals instance's backlog
 * plus each bot's (its durable `bot-p<i>of2`, on its own tick subjects). 0 once all is handled.
 */
export async function partitionsBacklog(
  bus: Bus,
  signals: readonly { port: number }[],
  bots: readonly { port: number }[],
): Promise<number> {
  let n = 0;
  for (const s of signals) n += await signalsBacklog(s.port);
  for (const [i, b] of bots.entries())
    n += await botBacklog(bus, b.port, `bot-p${i}of2`, subjects.ticksOf({ index: i, count: 2 }));
  return n;
}
