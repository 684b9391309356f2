/**
 * How many times each `seq` of each series (venue+symbol) was seen, one byte per seq (saturating
 * at 255) in an array that doubles as seqs grow: millions of ticks in a few megabytes, where a
 * Set or Map of ids would take hundreds.
 */
export class SeqCounter {
  private readonly series = new Map<string, { counts: Uint8Array; max: number; distinct: number }>();

  /** Counts one sighting of `seq` in `key`; returns how many times it was seen before. */
  add(key: string, seq: number): number {
    let s = this.series.get(key);
    if (!s) {
      s = { counts: new Uint8Array(1024), max: 0, distinct: 0 };
      this.series.set(key, s);
    }
    if (seq >= s.counts.length) {
      let size = s.counts.length;
      while (size <= seq) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(s.counts);
      s.counts = grown;
    }
    const before = s.counts[seq] ?? 0;
    if (before === 0) s.distinct++;
    if (before < 255) s.counts[seq] = before + 1;
    if (seq > s.max) s.max = seq;
    return before;
  }

  keys(): string[] {
    return [...this.series.keys()];
  }

  /** The highest seq seen in `key` (0 when none). */
  max(key: string): number {
    return this.series.get(key)?.max ?? 0;
  }

  distinct(key: string): number {
    return this.series.get(key)?.distinct ?? 0;
  }

  /** Seqs from 1 to the highest never seen: how many, and the first. */
  missing(key: string): { count: number; first: number } {
    const s = this.series.get(key);
    if (!s) return { count: 0, first: 0 };
    let first = 0;
    for (let q = 1; q <= s.max && first === 0; q++) if (s.counts[q] === 0) first = q;
    return { count: s.max - (s.counts[0] ? s.distinct - 1 : s.distinct), first };
  }

  /** Seqs seen more than once, over every series, with up to `n` examples (`key:seq ×times`). */
  repeated(n = 5): { count: number; examples: string[] } {
    let count = 0;
    const examples: string[] = [];
    for (const [key, s] of this.series)
      for (let q = 0; q <= s.max; q++) {
        const c = s.counts[q] ?? 0;
        if (c > 1) {
          count++;
          if (examples.length < n) examples.push(`${key}:${q} ×${c === 255 ? '255+' : c}`);
        }
      }
    return { count, examples };
  }
}
