import type { JetStreamManager } from 'nats';
import { storedMessage } from './direct.ts';
import type { StreamName } from './streams.ts';
import { isTransientBusError } from './transient.ts';

export interface SettleOptions {
  /** The last stored message must stay the same this long. Default 1,000 ms. */
  quietMs?: number;
  /** Give up waiting after this long (another live publisher keeps the subjects busy). Default 10 s. */
  maxMs?: number;
  /** Between reads. Default 100 ms. */
  pollMs?: number;
}

export interface SettleResult {
  /** Whether the subjects were quiet for `quietMs` (false: `maxMs` passed first). */
  quiet: boolean;
  /** Stream sequence of the last message on the subjects when it returned (0: none). */
  lastSeq: number;
  waitedMs: number;
}

/**
 * Waits until nothing new is stored on `subjects` for `quietMs`: what a process SIGKILLed a moment
 * ago published may still be on its way into the stream (read from its closed socket, queued behind
 * a busy stream: 0.6 s and more was seen under load). A restarted publisher that reads "the last
 * stored" before that has landed would continue from a stale position — the feed would give the
 * dead process's last seqs to new ticks (the stream keeps whichever copy comes first, and a live
 * subscriber sees both), signals would re-publish decisions it cannot yet see. So a restart waits
 * for its subjects to settle first. Direct get (`last_by_subj` accepts wildcards) when allowed.
 */
export async function waitForSettled(
  jsm: JetStreamManager,
  stream: StreamName,
  subjects: string,
  opts: SettleOptions = {},
): Promise<SettleResult> {
  const quietMs = opts.quietMs ?? 1000;
  const maxMs = opts.maxMs ?? 10_000;
  const pollMs = opts.pollMs ?? 100;
  const started = performance.now();
  // A read the broker cannot answer (restarting, a moment away) is not quiet: the wait goes on,
  // and only when no read at all has been answered by `maxMs` does its error end it.
  let failure: unknown;
  const read = async (): Promise<number | undefined> => {
    try {
      return await lastSeqOn(jsm, stream, subjects);
    } catch (err) {
      if (!isTransientBusError(err)) throw err;
      failure = err;
      return undefined;
    }
  };
  let last = await read();
  let since = performance.now();
  for (;;) {
    const now = performance.now();
    if (last !== undefined && now - since >= quietMs)
      return { quiet: true, lastSeq: last, waitedMs: now - started };
    if (now - started >= maxMs) {
      if (last === undefined) throw failure;
      return { quiet: false, lastSeq: last, waitedMs: now - started };
    }
    await new Promise((r) => setTimeout(r, pollMs));
    const seq = await read();
    if (seq === undefined || seq !== last) {
      last = seq;
      since = performance.now();
    }
  }
}

async function lastSeqOn(jsm: JetStreamManager, stream: StreamName, subject: string): Promise<number> {
  return (await storedMessage(jsm, stream, { last_by_subj: subject }))?.seq ?? 0;
}
