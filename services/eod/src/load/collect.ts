import { type Bus, readStream, type StreamName } from '@tickflow/bus';
import { utcDateRange } from '@tickflow/core';
import type { DayLoader, Watermarks } from '@tickflow/history';
import { logPositionFile } from '../daylog/log-archiver.ts';
import { readPosition } from '../daylog/segment-log.ts';
import { exchangeTime, KEPT_STREAMS, LOG_STREAMS, type StreamRules } from '../daylog/stream-rules.ts';

/**
 * Reads TICKS, REJECTS, DECISIONS and FILLS back from JetStream and hands the date's messages to
 * the loader. A message is in the date by its exchange time within the session range (the UTC day
 * by default): a tick's `ts`, a decision's `tickTs`, a fill's `ts`, a reject's `at` (stream-rules.ts).
 * Unparseable and invalid messages are counted, not dropped silently.
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
  const counts: Record<string, number> = {};
  const read = async (rules: StreamRules) => {
    const { stream } = rules;
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
          value = rules.valid(rules.decode(m.data));
        } catch {
          value = undefined;
        }
        if (value === undefined) {
          loader.unparseable();
          return;
        }
        const ts = exchangeTime(rules, value);
        if (ts >= start && ts < end) rules.load(loader, value, m.streamSeq);
      },
      fromSeqs[stream],
    );
    counts[stream] = n;
    return r.lastSeq;
  };
  const watermarks: Partial<Watermarks> = {};
  for (const rules of KEPT_STREAMS) watermarks[rules.table] = await read(rules);
  return { watermarks: watermarks as Watermarks, read: counts };
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
