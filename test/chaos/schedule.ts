import { SeededRandom } from '@tickflow/feed';
import type { VictimName } from './options.ts';

/** Uniform in [0, 1) from the feed's seeded PRNG, so a campaign's kill schedule is repeated by its seed. */
export function seededRandom(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}

/** Something the campaign can kill with SIGKILL and bring back. */
export interface Victim {
  /** Up and running (answered its health check since its last start). */
  readonly up: boolean;
  killAndRestart(): Promise<void>;
}

export interface KillRecord {
  /** Seconds since the campaign's feed started. */
  at: number;
  victim: VictimName;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Every `every` seconds (uniform in the range, drawn from `random`), SIGKILLs one victim chosen
 * at random (the broker only when its last kill is `brokerEvery` seconds old) and restarts it;
 * until `until` (epoch ms). The restart runs while the schedule goes on.
 */
export async function runKillSchedule(opts: {
  victims: Map<VictimName, Victim>;
  random: () => number;
  every: [number, number];
  brokerEvery: number;
  startedAt: number;
  until: number;
  onKill: (k: KillRecord) => void;
}): Promise<KillRecord[]> {
  const kills: KillRecord[] = [];
  const restarts: Promise<void>[] = [];
  let lastBrokerKill = opts.startedAt;
  for (;;) {
    const [lo, hi] = opts.every;
    const wait = (lo + (hi - lo) * opts.random()) * 1000;
    if (Date.now() + wait >= opts.until) break;
    await sleep(wait);
    const now = Date.now();
    const candidates = [...opts.victims.entries()].filter(
      ([name]) => name !== 'broker' || now - lastBrokerKill >= opts.brokerEvery * 1000,
    );
    if (candidates.length === 0) continue;
    const [name, victim] = candidates[Math.floor(opts.random() * candidates.length)] as [VictimName, Victim];
    // A victim still starting after its last kill is waited for (not passed over), so a seed's
    // schedule does not depend on start-up times, and every kill hits a running process.
    const upBy = Date.now() + 60_000;
    while (!victim.up && Date.now() < upBy) await sleep(50);
    if (name === 'broker') lastBrokerKill = Date.now();
    const record = { at: (Date.now() - opts.startedAt) / 1000, victim: name };
    kills.push(record);
    opts.onKill(record);
    restarts.push(victim.killAndRestart());
  }
  await Promise.all(restarts);
  return kills;
}
