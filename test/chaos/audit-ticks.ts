import { type Bus, decodeTick, readStream } from '@tickflow/bus';
import { utcDateOf } from '@tickflow/core';

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
  examples: string[];
  audits: Audit[];
}

interface Series {
  seen: Set<number>;
  max: number;
  missingExamples: number[];
}

const n = (x: number) => x.toLocaleString('en-US');

/**
 * Reads TICKS from its first message to its last (an ordered consumer, in stream sequence) and
 * checks each venue+symbol's `seq`: from 1 to its highest with none missing, none stored twice, and
 * each stored after every lower one (a tick stored after a higher seq is out of order, however the
 * consumers coped with it).
 */
export async function auditTicks(bus: Bus): Promise<TickAudit> {
  const series = new Map<string, Series>();
  const dates = new Set<string>();
  const r: Omit<TickAudit, 'audits' | 'maxSeq' | 'dates' | 'series'> = {
    stored: 0,
    missing: 0,
    duplicates: 0,
    outOfOrder: 0,
    worstLag: 0,
    unreadable: 0,
    examples: [],
  };
  await readStream(bus.js, bus.jsm, 'TICKS', (m) => {
    r.stored++;
    let t: { venue?: unknown; symbol?: unknown; seq?: unknown; ts?: unknown };
    try {
      t = decodeTick(m.data) as typeof t;
    } catch {
      r.unreadable++;
      return;
    }
    if (typeof t.seq !== 'number' || typeof t.ts !== 'number') {
      r.unreadable++;
      return;
    }
    const key = `${String(t.venue)}:${String(t.symbol)}`;
    let s = series.get(key);
    if (!s) {
      s = { seen: new Set(), max: 0, missingExamples: [] };
      series.set(key, s);
    }
    dates.add(utcDateOf(t.ts));
    if (s.seen.has(t.seq)) {
      r.duplicates++;
      if (r.examples.length < 5) r.examples.push(`duplicate ${key}:${t.seq} at stream seq ${m.streamSeq}`);
      return;
    }
    s.seen.add(t.seq);
    if (t.seq < s.max) {
      r.outOfOrder++;
      r.worstLag = Math.max(r.worstLag, s.max - t.seq);
      if (r.examples.length < 5)
        r.examples.push(`${key}:${t.seq} stored at stream seq ${m.streamSeq}, after ${key}:${s.max}`);
    } else s.max = t.seq;
  });
  const maxSeq = new Map<string, number>();
  for (const [key, s] of series) {
    maxSeq.set(key, s.max);
    const missing = s.max - s.seen.size;
    r.missing += missing;
    if (missing > 0 && r.examples.length < 5) {
      let first = 0;
      for (let q = 1; q <= s.max; q++)
        if (!s.seen.has(q)) {
          first = q;
          break;
        }
      r.examples.push(`${key}: ${n(missing)} seqs missing, the first ${first}`);
    }
  }
  const over = `over ${series.size} series, ${n(r.stored)} ticks stored`;
  return {
    ...r,
    series: series.size,
    maxSeq,
    dates: [...dates].sort(),
    audits: [
      {
        name: 'TICKS seq gap-free',
        pass: r.missing === 0 && r.unreadable === 0 && r.stored > 0,
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
