import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { botBacklog } from '@tickflow/bot';
import type { Bus } from '@tickflow/bus';
import { LOG_STREAMS } from '@tickflow/eod/internal';

/** Signals' backlog from its /readyz (TICKS messages not yet handled); unknown: Infinity. */
async function signalsBacklog(port: number): Promise<number> {
  const body = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { backlog: number | null };
  return body.backlog ?? Number.POSITIVE_INFINITY;
}

/**
 * Messages each stream holds past the archiver's position (`<log>/<STREAM>/position.json`, the
 * sequence up to which the day log is on disk), summed over the streams it archives.
 */
async function archiveBacklog(bus: Bus, logRoot: string): Promise<number> {
  let behind = 0;
  for (const stream of LOG_STREAMS) {
    const last = (await bus.jsm.streams.info(stream)).state.last_seq;
    const file = join(logRoot, stream, 'position.json');
    const position = existsSync(file)
      ? Number((JSON.parse(readFileSync(file, 'utf8')) as { seq: unknown }).seq)
      : 0;
    behind += Math.max(0, last - position);
  }
  return behind;
}

export interface Backlogs {
  signals: number;
  bot: number;
  archive: number;
}

const ask = (f: () => Promise<number>) => f().catch(() => Number.POSITIVE_INFINITY);

/**
 * Waits until signals, the bot and the archiver have handled everything the streams hold (the
 * bot's orders waiting for ticks that will not come do not count: see botBacklog), three polls in a
 * row, so a decision published between two reads cannot slip through. Returns the last backlogs
 * read; throws after `timeoutMs` with them.
 */
export async function drain(
  bus: Bus,
  ports: { signals: number; bot: number },
  logRoot: string,
  timeoutMs: number,
): Promise<Backlogs> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  for (;;) {
    const b: Backlogs = {
      signals: await ask(() => signalsBacklog(ports.signals)),
      bot: await ask(() => botBacklog(bus, ports.bot)),
      archive: await ask(() => archiveBacklog(bus, logRoot)),
    };
    quiet = b.signals + b.bot + b.archive === 0 ? quiet + 1 : 0;
    if (quiet >= 3) return b;
    if (Date.now() > deadline)
      throw new DrainTimeoutError(
        `still behind after ${timeoutMs / 1000} s: signals ${b.signals}, bot ${b.bot}, archive ${b.archive}`,
      );
    await new Promise((r) => setTimeout(r, 500));
  }
}

export class DrainTimeoutError extends Error {
  override name = 'DrainTimeoutError';
}
