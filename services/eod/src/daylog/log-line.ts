import { type BusMessage, decodeText, decodeTick, type StreamName } from '@tickflow/bus';
import { utcDateOf, validateTick } from '@tickflow/core';
import { exchangeTime } from './exchange-time.ts';
import type { SegmentLog } from './segment-log.ts';
import { tickCsvLine } from './tick-csv.ts';
import { scanTickLayout, writeScannedTick } from './tick-csv-bytes.ts';

/**
 * The log line of a message and the date it belongs to, or undefined when it is invalid. A tick
 * becomes a CSV line; any other message keeps its own JSON bytes, with `stream_seq` as the first
 * field: no re-encoding.
 */
export function logLine(stream: StreamName, m: BusMessage): { date: string; line: string } | undefined {
  try {
    if (stream === 'TICKS') {
      // Ticks are most of the day: their fixed layout is read straight from the bytes.
      const checked = validateTick(decodeTick(m.data), { now: Number.MAX_SAFE_INTEGER });
      return checked.ok
        ? { date: utcDateOf(checked.tick.ts), line: tickCsvLine(m.streamSeq, checked.tick) }
        : undefined;
    }
    const text = decodeText(m.data);
    const ts = text.startsWith('{') ? exchangeTime(stream, JSON.parse(text)) : undefined;
    if (ts === undefined) return undefined;
    const rest = text.slice(1).trimStart();
    return { date: utcDateOf(ts), line: `{"stream_seq":${m.streamSeq}${rest === '}' ? '' : ','}${rest}\n` };
  } catch {
    return undefined;
  }
}

/** The tick fast path (tick-csv-bytes.ts): true when the message was appended, false to go the general way. */
export function appendScannedTick(segments: SegmentLog, m: BusMessage): boolean {
  const ts = scanTickLayout(m.data);
  if (ts < 0) return false;
  writeScannedTick(segments.lineBuffer(utcDateOf(ts), m.streamSeq), m.streamSeq, m.data);
  return true;
}
