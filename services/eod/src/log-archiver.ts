import { join, resolve } from 'node:path';
import {
  Bus,
  type BusMessage,
  type Consumption,
  consumeDurable,
  decodeText,
  decodeTick,
  type StreamName,
} from '@tickflow/bus';
import {
  type Decision,
  decisionProblem,
  type Fill,
  fillProblem,
  type RejectedTick,
  rejectProblem,
  utcDateOf,
  validateTick,
} from '@tickflow/core';
import type { Logger, ServiceHandle } from '@tickflow/runtime';
import type { EodArchiveConfig } from './archive-config.ts';
import { CSV, repairSegments, SegmentLog } from './segment-log.ts';
import { TICK_CSV_HEADER, tickCsvLine } from './tick-csv.ts';

export const LOG_STREAMS: readonly StreamName[] = ['TICKS', 'REJECTS', 'DECISIONS', 'FILLS'];

/** The exchange time a message belongs to its date by (as `eod run` loads it), or undefined if invalid. */
function exchangeTime(stream: StreamName, value: unknown): number | undefined {
  switch (stream) {
    case 'REJECTS':
      return rejectProblem(value as RejectedTick) ? undefined : (value as RejectedTick).at;
    case 'DECISIONS':
      return decisionProblem(value as Decision) ? undefined : (value as Decision).tickTs;
    case 'FILLS':
      return fillProblem(value as Fill) ? undefined : (value as Fill).ts;
    default:
      return undefined;
  }
}

/**
 * The log line of a message and the date it belongs to, or undefined when it is invalid. A tick
 * becomes a CSV line; any other message keeps its own JSON bytes, with `stream_seq` as the first
 * field: no re-encoding.
 */
function logLine(stream: StreamName, m: BusMessage): { date: string; line: string } | undefined {
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

export interface LogArchiverStats {
  written: Record<string, number>;
  invalid: Record<string, number>;
}

/**
 * `tickflow eod archive`: one durable consumer per stream (`<durable>-<STREAM>`, explicit acks)
 * appends each valid message to `<log-dir>/<STREAM>/<date>/<first seq>.ndjson` (its JSON with
 * `stream_seq` added) or, for ticks, `.csv` (tick-csv.ts), the date by exchange time. Lines are written and
 * fsynced in group commits and each message is acked after the fsync that covers it, so a message
 * acked is a message on disk; a kill loses only unacked messages, which JetStream redelivers. Invalid messages are counted and logged,
 * not written (the JetStream load counts them as unparseable).
 */
export async function startLogArchiver(
  config: EodArchiveConfig,
  log: Logger,
): Promise<ServiceHandle<void> & { stats: LogArchiverStats }> {
  const root = resolve(config.logDir ?? join(config.dataDir, 'log'));
  const stats: LogArchiverStats = { written: {}, invalid: {} };
  const bus = await Bus.connect({ url: config.natsUrl, name: 'tickflow-eod-archive' });
  await bus.ensureStreams();
  const logs: SegmentLog[] = [];
  const consumptions: Consumption[] = [];
  for (const stream of LOG_STREAMS) {
    const dir = join(root, stream);
    const repaired = repairSegments(dir);
    if (repaired) log.warn({ stream, repaired }, 'finished segments a previous run left open');
    const segments = new SegmentLog(dir, {
      segmentBytes: config.segmentMib * 1024 * 1024,
      idleCloseMs: config.idleCloseSeconds * 1000,
      ...(stream === 'TICKS' ? { suffix: CSV, header: TICK_CSV_HEADER } : {}),
    });
    logs.push(segments);
    stats.written[stream] = 0;
    stats.invalid[stream] = 0;
    const handler = (m: BusMessage): Promise<void> | void => {
      const entry = logLine(stream, m);
      if (entry === undefined) {
        stats.invalid[stream] = (stats.invalid[stream] ?? 0) + 1;
        log.warn({ stream, streamSeq: m.streamSeq }, 'invalid message not written to the log');
        return undefined;
      }
      segments.append(entry.date, m.streamSeq, entry.line);
      stats.written[stream] = (stats.written[stream] ?? 0) + 1;
      // Acked (by consumeDurable) only once the group commit holding this line has been fsynced.
      return segments.syncSoon();
    };
    // Explicit acks, one per message, on purpose: with AckPolicy.All, after a crash the server sends
    // new messages at once but redelivers the dead process's unacked ones only after ack_wait, so
    // acking the newest would also ack the skipped ones before they were written (a test caught it).
    consumptions.push(
      await consumeDurable(
        bus.js,
        bus.jsm,
        {
          stream,
          durable: `${config.durable}-${stream}`,
          batch: 2000,
          maxAckPending: 20_000,
          maxOutstanding: 10_000,
          ackWaitSeconds: 30,
        },
        handler,
        (err) => log.error({ err, stream }, 'log archiver error (message nak-ed, will be redelivered)'),
      ),
    );
  }
  // Finishes idle segments even when no message arrives (the consumer commits only after messages).
  const idle = setInterval(
    () => {
      for (const s of logs) s.sync().catch((err: unknown) => log.error({ err }, 'segment sync failed'));
    },
    Math.max(100, (config.idleCloseSeconds * 1000) / 2),
  );
  log.info({ root, streams: LOG_STREAMS }, 'archiving streams to day-log segments');
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      clearInterval(idle);
      for (const c of consumptions) await c.stop();
      for (const s of logs) await s.close();
      await bus.drain();
      log.info(stats, 'log archiver stopped');
    })();
    return closing;
  };
  return {
    done: Promise.all(consumptions.map((c) => c.done)).then(() => undefined),
    close,
    port: 0,
    stats,
  };
}
