/** One difference between the speed layer's records and the batch recomputation. */
export interface ReconciliationBreak {
  id: string;
  /** missing: batch only; extra: speed layer only; differing: both, not equal. */
  kind: 'missing' | 'extra' | 'differing';
  detail: string;
}

export interface Comparison {
  matched: number;
  missing: number;
  extra: number;
  differing: number;
  breaks: ReconciliationBreak[];
}

/**
 * Compares the batch recomputation with what the speed layer recorded, by id: each batch item is
 * matched, differing or missing; each recorded one the batch lacks is extra. Keeps the first
 * `keep` breaks (all are counted).
 */
export function compareById<B extends { id: string }, S>(
  batch: readonly B[],
  speed: ReadonlyMap<string, S>,
  o: {
    same: (s: S, b: B) => boolean;
    missing: (b: B) => string;
    differing: (b: B, s: S) => string;
    extra: (s: S) => string;
    keep?: number;
  },
): Comparison {
  const result: Comparison = { matched: 0, missing: 0, extra: 0, differing: 0, breaks: [] };
  const keep = o.keep ?? Number.POSITIVE_INFINITY;
  const add = (b: ReconciliationBreak) => {
    if (result.breaks.length < keep) result.breaks.push(b);
  };
  const seen = new Set<string>();
  for (const b of batch) {
    seen.add(b.id);
    const s = speed.get(b.id);
    if (s === undefined) {
      result.missing++;
      add({ id: b.id, kind: 'missing', detail: o.missing(b) });
    } else if (o.same(s, b)) result.matched++;
    else {
      result.differing++;
      add({ id: b.id, kind: 'differing', detail: o.differing(b, s) });
    }
  }
  for (const [id, s] of speed) {
    if (seen.has(id)) continue;
    result.extra++;
    add({ id, kind: 'extra', detail: o.extra(s) });
  }
  return result;
}
