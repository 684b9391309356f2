import { type LaneRows, SymbolTicks, type TickColumns, type TickDictionaries } from './symbol-ticks.ts';

/** One venue + symbol of the date, numbered in (symbol, venue) order. */
export interface Lane {
  symbol: string;
  venue: string;
  /** Ticks of the lane. */
  n: number;
  /** hash(symbol, venue) below 2^52, as DuckDB computes it per row. */
  h: number;
}

/** Lanes [from, to) whose rows are read back together: whole symbols, within the row budget. */
export interface LaneGroup {
  from: number;
  to: number;
}

/**
 * Consecutive lanes in groups of at most `maxRows` rows, as even as whole symbols allow (a symbol is
 * never split: its venues are replayed together; one bigger than `maxRows` is a group of its own).
 */
export function groupLanes(lanes: readonly { symbol: string; n: number }[], maxRows: number): LaneGroup[] {
  const total = lanes.reduce((n, l) => n + l.n, 0);
  // As few groups as the bound allows, each near the same size: not one full and one nearly empty.
  const target = total <= maxRows ? total : Math.ceil(total / Math.ceil(total / maxRows));
  const groups: LaneGroup[] = [];
  let from = 0;
  let rows = 0;
  for (let i = 0; i < lanes.length; ) {
    // The symbol's lanes [i, j).
    let j = i;
    let n = 0;
    while (j < lanes.length && lanes[j]?.symbol === lanes[i]?.symbol) n += (lanes[j++] as { n: number }).n;
    if (rows > 0 && (rows + n > maxRows || rows >= target)) {
      groups.push({ from, to: i });
      from = i;
      rows = 0;
    }
    rows += n;
    i = j;
  }
  if (lanes.length > from) groups.push({ from, to: lanes.length });
  return groups;
}

export class ReadbackChangedError extends Error {
  override name = 'ReadbackChangedError';
  constructor(lane: number) {
    super(`a tick beyond its lane's count (lane ${lane}): ticks of the date changed while read back`);
  }
}

/**
 * The columns of lanes [from, to), each lane's rows together: rows are placed by a counting sort
 * (a cursor per lane, starting at the lane's offset) and each lane is then put in seq order.
 */
export class GroupColumns {
  readonly columns: TickColumns;
  private readonly cursor: Float64Array;
  private readonly ends: Float64Array;

  constructor(
    lanes: readonly Lane[],
    private readonly from: number,
    private readonly to: number,
    /** Columns to fill (views of their first rows) instead of new ones: see `columnStorage`. */
    storage?: TickColumns,
    /** New columns on SharedArrayBuffers (see `columnStorage`). */
    sharedMemory = false,
  ) {
    const total = lanes.slice(from, to).reduce((n, l) => n + l.n, 0);
    this.columns = storage
      ? {
          seq: storage.seq.subarray(0, total),
          ts: storage.ts.subarray(0, total),
          price: storage.price.subarray(0, total),
          size: storage.size.subarray(0, total),
          side: storage.side.subarray(0, total),
          recvTs: storage.recvTs.subarray(0, total),
        }
      : columnStorage(total, sharedMemory);
    this.cursor = new Float64Array(to - from);
    this.ends = new Float64Array(to - from);
    let offset = 0;
    for (let i = from; i < to; i++) {
      this.cursor[i - from] = offset;
      offset += (lanes[i] as Lane).n;
      this.ends[i - from] = offset;
    }
  }

  /** Places row `r` of the value columns (seq, ts, price, size, side, recvTs at 1…6) in lane `l`. */
  place(l: number, values: readonly Float64Array[], r: number): void {
    const k = l - this.from;
    const at = this.cursor[k] as number;
    // An unknown lane (at undefined) or one past its count: the rows changed while being read.
    if (!(at < (this.ends[k] as number))) throw new ReadbackChangedError(l);
    this.cursor[k] = at + 1;
    const out = this.columns;
    out.seq[at] = (values[1] as Float64Array)[r] as number;
    out.ts[at] = (values[2] as Float64Array)[r] as number;
    out.price[at] = (values[3] as Float64Array)[r] as number;
    out.size[at] = (values[4] as Float64Array)[r] as number;
    out.side[at] = (values[5] as Float64Array)[r] as number;
    out.recvTs[at] = (values[6] as Float64Array)[r] as number;
  }

  /** Every row counted was placed; then each lane in seq order. */
  check(read: number): void {
    if (read !== this.columns.seq.length)
      throw new Error(`read ${read} ticks of ${this.columns.seq.length} counted`);
    let from = 0;
    for (let k = 0; k < this.ends.length; k++) {
      sortLaneBySeq(this.columns, from, this.ends[k] as number);
      from = this.ends[k] as number;
    }
  }

  /** Hands each symbol's lanes over as one SymbolTicks view. */
  async emit(
    lanes: readonly Lane[],
    dict: TickDictionaries,
    onSymbol: (ticks: SymbolTicks) => void | Promise<void>,
  ): Promise<void> {
    let rows: LaneRows[] = [];
    let from = 0;
    for (let i = this.from; i < this.to; i++) {
      const { venue, symbol, n } = lanes[i] as Lane;
      rows.push({ venue, from, to: from + n });
      from += n;
      if (i + 1 === this.to || lanes[i + 1]?.symbol !== symbol) {
        await onSymbol(new SymbolTicks(symbol, rows, this.columns, dict));
        rows = [];
      }
    }
  }
}

/** Puts rows [from, to) in seq order (stable: equal seqs keep their load order) unless they are. */
function sortLaneBySeq(c: TickColumns, from: number, to: number): void {
  let sorted = true;
  for (let i = from + 1; i < to && sorted; i++) sorted = (c.seq[i - 1] as number) <= (c.seq[i] as number);
  if (sorted) return;
  const order = Array.from({ length: to - from }, (_, k) => from + k).sort(
    (a, b) => (c.seq[a] as number) - (c.seq[b] as number) || a - b,
  );
  for (const column of [c.seq, c.ts, c.price, c.size, c.recvTs, c.side]) {
    const copy = column.slice(from, to);
    for (let k = 0; k < order.length; k++) column[from + k] = copy[(order[k] as number) - from] as number;
  }
}

/**
 * Columns for `rows` ticks. The grouped read-back fills one such storage group after group: a new
 * one per group left the last group's ~400 MB for the collector to find while the next was filled
 * (RSS spikes of +400 MB per group at a 50 M-tick close).
 */
export function columnStorage(rows: number, sharedMemory = false): TickColumns {
  const doubles = () =>
    sharedMemory ? new Float64Array(new SharedArrayBuffer(rows * 8)) : new Float64Array(rows);
  return {
    seq: doubles(),
    ts: doubles(),
    price: doubles(),
    size: doubles(),
    side: sharedMemory ? new Uint8Array(new SharedArrayBuffer(rows)) : new Uint8Array(rows),
    recvTs: doubles(),
  };
}
