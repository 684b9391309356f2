import { type BusMessage, decodeText } from '@tickflow/bus';
import { utcDateOf } from '@tickflow/core';
import type { SegmentLog } from './segment-log.ts';
import { exchangeTime, type StreamRules } from './stream-rules.ts';
import { scanTickLayout, writeScannedTick } from './tick-csv-bytes.ts';

/**
 * The log line of a message and the date it belongs to, or undefined when it is invalid. A tick
 * becomes a CSV line; any other message keeps its own JSON bytes, with `stream_seq` as the first
 * field: no re-encoding.
 */
export function logLine(rules: StreamRules, m: BusMessage): { date: string; line: string } | undefined {
  try {
    if (rules.csv) {
      const value = rules.valid(rules.decode(m.data));
      return value === undefined
        ? undefined
        : { date: utcDateOf(exchangeTime(rules, value)), line: rules.csv.line(m.streamSeq, value) };
    }
    const text = decodeText(m.data);
    const value = text.startsWith('{') ? rules.valid(JSON.parse(text)) : undefined;
    if (value === undefined) return undefined;
    const rest = text.slice(1).trimStart();
    return {
      date: utcDateOf(exchangeTime(rules, value)),
      line: `{"stream_seq":${m.streamSeq}${rest === '}' ? '' : ','}${rest}\n`,
    };
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
