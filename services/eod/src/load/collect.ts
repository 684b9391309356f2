import { type Bus, type BusMessage, decode, readStream, type StreamName } from '@tickflow/bus';
import { type Decision, type Fill, type RejectedTick, utcDateRange, validateTick } from '@tickflow/core';
import type { DayLoader, Watermarks } from '@tickflow/history';
import { exchangeTime } from '../daylog/exchange-time.ts';
import { LOG_STREAMS, logPositionFile } from '../daylog/log-archiver.ts';
import { readPosition } from '../daylog/segment-log.ts';

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
  /** Per stream, the stream sequence to start at (default: the first). */
  fromSeqs: Partial<Record<StreamName, number>> = {},
): Promise<{ watermarks: Watermarks; read: Record<string, number> }> {
  const { start, end } = range;
  const inDay = (ts: number) => ts >= start && ts < end;
  const counts: Record<string, number> = {};
  const read = async (stream: StreamName, onValue: (value: unknown, m: BusMessage) => void) => {
    onStream?.(stream);
    let n = 0;
    const r = await readStream(
      bus.js,
      bus.jsm,
      stream,
      (m) => {
        n++;
        let value: unknown;
        try {
          value = decode(m.data);
        } catch {
          loader.unparseable();
          return;
        }
        onValue(value, m);
      },
      fromSeqs[stream],
    );
    counts[stream] = n;
    return r.lastSeq;
  };
  /** A valid message of the date: true; an invalid one is counted. */
  const ofDay = (stream: StreamName, v: unknown) => {
    const ts = exchangeTime(stream, v);
    if (ts === undefined) loader.unparseable();
    return ts !== undefined && inDay(ts);
  };
  const ticks = await read('TICKS', (v, m) => {
    const checked = validateTick(v, { now: Number.MAX_SAFE_INTEGER });
    if (!checked.ok) loader.unparseable();
    else if (inDay(checked.tick.ts)) loader.tick(checked.tick, m.streamSeq);
  });
  const rejects = await read('REJECTS', (v, m) => {
    if (ofDay('REJECTS', v)) loader.reject(v as RejectedTick, m.streamSeq);
  });
  const decisions = await read('DECISIONS', (v, m) => {
    if (ofDay('DECISIONS', v)) loader.decision(v as Decision, m.streamSeq);
  });
  const fills = await read('FILLS', (v, m) => {
    if (ofDay('FILLS', v)) loader.fill(v as Fill, m.streamSeq);
  });
  return { watermarks: { ticks, rejects, decisions, fills }, read: counts };
}

/**
 * `eod run --from-log` first reads from JetStream what the day log may be missing: for each
 * stream, everything after the log's position (`<log>/<STREAM>/position.json`, written by `eod
 * archive` after each fsync; from the start when there is none) up to the stream's end — what the
 * archiver has not (or not yet) written because it was down or behind. The commit keeps one row
 * per stream sequence, so a message also in the log counts once. Returns, per stream, the messages
 * read.
 */
export async function backfillDay(
  bus: Bus,
  loader: DayLoader,
  logRoot: string,
  range: { start: number; end: number },
): Promise<Record<string, number>> {
  const fromSeqs: Partial<Record<StreamName, number>> = {};
  for (const stream of LOG_STREAMS) fromSeqs[stream] = readPosition(logPositionFile(logRoot, stream)) + 1;
  return (await collectDay(bus, loader, undefined, range, fromSeqs)).read;
}
