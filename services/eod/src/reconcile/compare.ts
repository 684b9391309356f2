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
