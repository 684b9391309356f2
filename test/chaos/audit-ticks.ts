import { type Bus, type BusMessage, decodeTick, readStream, StreamReadShortError } from '@tickflow/bus';
import { utcDateOf } from '@tickflow/core';
import { SeqCounter } from './seq-counter.ts';

/** One audit line of the table: what was checked, whether it held, and the figures that say so. */
export interface Audit {
  name: string;
  pass: boolean;
  figures: string;
}

export interface TickAudit {
  stored: number;
  series: number;
  /** Per venue+symbol: the highest seq stored (the ends audit reads "a tick after this one?"). */
  maxSeq: Map<string, number>;
  /** UTC dates of the ticks' exchange times. */
  dates: string[];
  /** Seqs below a series' highest that are not stored. */
  missing: number;
  /** Ticks stored again (a seq already stored for the series). */
  duplicates: number;
  /** Ticks stored after a higher seq of their series (by stream sequence), and the worst lag. */
  outOfOrder: number;
  worstLag: number;
  unreadable: number;
  /** What the read should have reached (TICKS' state before it) and what it did reach. */
  expected: { lastSeq: number; messages: number };
  lastRead: number;
  examples: string[];
  audits: Audit[];
}

const n = (x: number) => x.toLocaleString('en-US');
const DAY_MICROS = 86_400_000_000;

/** Reads every message of TICKS, in stream order (the audit's own reader unless a test gives one). */
export type TicksReader = (bus: Bus, onMessage: (m: BusMessage) => void) => Promise<unknown>;

/** A read that stops short is this audit's to report (against TICKS' state), not an exception. */
const readTicks: TicksReader = (bus, onMessage) =>
  readStream(bus.js, bus.jsm, 'TICKS', onMessage).catch((err: unknown) => {
    if (!(err instanceof StreamReadShortError)) throw err;
  });

/**
 * Reads TICKS from its first message to its last (an ordered consumer, in stream sequence) and
 * checks each venue+symbol's `seq`: from 1 to its highest with none missing, none stored twice, and
 * each stored after every lower one (a tick stored after a higher seq is out of order, however the
 * consumers coped with it). The read itself is checked against TICKS' state taken before it: a
 * read that stopped short (one did on a cluster) fails the audit instead of auditing part of the day.
 */
export async function auditTicks(bus: Bus, read: TicksReader = readTicks): Promise<TickAudit> {
  const before = (await bus.jsm.streams.info('TICKS')).state;
  const expected = { lastSeq: before.last_seq, messages: before.messages };
  let lastRead = 0;
  const series = new SeqCounter();
  const days = new Set<number>();
  const r: Omit<TickAudit, 'audits' | 'maxSeq' | 'dates' | 'series' | 'expected' | 'lastRead'> = {
    stored: 0,
    missing: 0,
    duplicates: 0,
    outOfOrder: 0,
    worstLag: 0,
    unreadable: 0,
    examples: [],
  };
  await read(bus, (m) => {
    r.stored++;
    if (m.streamSeq > lastRead) lastRead = m.streamSeq;
    let t: { venue?: unknown; symbol?: unknown; seq?: unknown; ts?: unknown };
    try {
      t = decodeTick(m.data) as typeof t;
    } catch {
      r.unreadable++;
      return;
    }
    if (!Number.isSafeInteger(t.seq) || (t.seq as number) < 0 || typeof t.ts !== 'number') {
      r.unreadable++;
      return;
    }
    const seq = t.seq as number;
    const key = `${String(t.venue)}:${String(t.symbol)}`;
    // Day numbers, turned into dates once at the end (a Date per tick costs).
    days.add(Math.floor(t.ts / DAY_MICROS));
    const highest = series.max(key);
    if (series.add(key, seq) > 0) {
      r.duplicates++;
      if (r.examples.length < 5) r.examples.push(`duplicate ${key}:${seq} at stream seq ${m.streamSeq}`);
    } else if (seq < highest) {
      r.outOfOrder++;
      r.worstLag = Math.max(r.worstLag, highest - seq);
      if (r.examples.length < 5)
        r.examples.push(`${key}:${seq} stored at stream seq ${m.streamSeq}, after ${key}:${highest}`);
    }
  });
  const maxSeq = new Map<string, number>();
  for (const key of series.keys()) {
    maxSeq.set(key, series.max(key));
    const missing = series.missing(key);
    r.missing += missing.count;
    if (missing.count > 0 && r.examples.length < 5)
      r.examples.push(`${key}: ${n(missing.count)} seqs missing, the first ${missing.first}`);
  }
  const over = `over ${maxSeq.size} series, ${n(r.stored)} ticks stored`;
  // TICKS only grows during the audit (nothing deletes): everything up to its state before the read
  // must have been read, the last sequence and as many messages.
  const whole = lastRead >= expected.lastSeq && r.stored >= expected.messages;
  if (!whole)
    r.examples.unshift(
      `the read of TICKS stopped short: ${n(r.stored)} of ${n(expected.messages)} messages, to seq ${n(lastRead)} of ${n(expected.lastSeq)}`,
    );
  return {
    ...r,
    expected,
    lastRead,
    series: maxSeq.size,
    maxSeq,
    dates: [...days].sort((a, b) => a - b).map((d) => utcDateOf(d * DAY_MICROS)),
    audits: [
      {
        name: 'TICKS read to its end',
        pass: whole,
        figures: `${n(r.stored)} of ${n(expected.messages)} messages, to seq ${n(lastRead)} of ${n(expected.lastSeq)}`,
      },
      {
        name: 'TICKS seq gap-free',
        pass: r.missing === 0 && r.unreadable === 0 && r.stored > 0 && whole,
        figures: `${n(r.missing)} missing ${over}${r.unreadable ? `; ${r.unreadable} unreadable` : ''}`,
      },
      { name: 'TICKS no duplicates', pass: r.duplicates === 0, figures: `${n(r.duplicates)} stored twice` },
      {
        name: 'TICKS stored in seq order',
        pass: r.outOfOrder === 0,
        figures: `${n(r.outOfOrder)} stored after a higher seq${r.outOfOrder ? ` (worst ${n(r.worstLag)} seqs behind)` : ''}`,
      },
    ],
  };
}
