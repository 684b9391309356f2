import { type Bus, type BusMessage, decode, readStream, type StreamName } from '@tickflow/bus';
import {
  type Decision,
  decisionProblem,
  type Fill,
  fillProblem,
  type RejectedTick,
  rejectProblem,
  utcDateRange,
  validateTick,
} from '@tickflow/core';
import type { DayLoader, Watermarks } from './loader.ts';

/**
 * Reads TICKS, REJECTS, DECISIONS and FILLS back from JetStream and hands the date's messages to
 * the loader. A message is in the date by its exchange time within the session range (the UTC day
 * by default): a tick's `ts`, a decision's `tickTs`, a fill's `ts`, a reject's `at`. Unparseable messages are counted, not dropped silently.
 */
export async function collectDay(
  bus: Bus,
  loader: DayLoader,
  onStream?: (stream: StreamName) => void,
  /** The session's exchange-time range, epoch µs; default the UTC date. */
  range: { start: number; end: number } = utcDateRange(loader.date),
): Promise<Watermarks> {
  const { start, end } = range;
  const inDay = (ts: number) => ts >= start && ts < end;
  const read = async (stream: StreamName, onValue: (value: unknown, m: BusMessage) => void) => {
    onStream?.(stream);
    const r = await readStream(bus.js, bus.jsm, stream, (m) => {
      let value: unknown;
      try {
        value = decode(m.data);
      } catch {
        loader.unparseable();
        return;
      }
      onValue(value, m);
    });
    return r.lastSeq;
  };
  const ticks = await read('TICKS', (v, m) => {
    const checked = validateTick(v, { now: Number.MAX_SAFE_INTEGER });
    if (!checked.ok) loader.unparseable();
    else if (inDay(checked.tick.ts)) loader.tick(checked.tick, m.streamSeq);
  });
  const rejects = await read('REJECTS', (v, m) => {
    const r = v as RejectedTick;
    if (rejectProblem(r)) loader.unparseable();
    else if (inDay(r.at)) loader.reject(r, m.streamSeq);
  });
  const decisions = await read('DECISIONS', (v, m) => {
    const d = v as Decision;
    if (decisionProblem(d)) loader.unparseable();
    else if (inDay(d.tickTs)) loader.decision(d, m.streamSeq);
  });
  const fills = await read('FILLS', (v, m) => {
    const f = v as Fill;
    if (fillProblem(f)) loader.unparseable();
    else if (inDay(f.ts)) loader.fill(f, m.streamSeq);
  });
  return { ticks, rejects, decisions, fills };
}
