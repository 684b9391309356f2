import { type Tick, WIRE_VERSION } from '@tickflow/core';
import type { Tape, TapeTick } from '@tickflow/paper';
import { DoubleIndex } from './double-index.ts';

/** The date's ticks as columns, each lane's rows together (lane after lane) in seq order. */
export interface TickColumns {
  seq: Float64Array;
  ts: Float64Array;
  /** The price's key in the price dictionary (its DOUBLE, or its rank: see tick-readback.ts). */
  price: Float64Array;
  size: Float64Array;
  /** 0 none, 1 buy, 2 sell. */
  side: Uint8Array;
  recvTs: Float64Array;
}

/** Exact plain strings of the prices and sizes, by their key in the columns. */
export interface TickDictionaries {
  priceOf(key: number): string;
  sizeOf(key: number): string;
  /** The same as plain data, to rebuild them in another thread (see `SymbolTicks.toShared`). */
  readonly data?: DictionaryData;
}

/**
 * One column's distinct values: `strings[i]` is the value whose key is `keys[i]` (its DOUBLE), or,
 * with `keys` null, whose key is `i` (its rank).
 */
export interface ValueDictionary {
  keys: number[] | null;
  strings: string[];
}

export interface DictionaryData {
  prices: ValueDictionary;
  sizes: ValueDictionary;
}

/** A column's key → its string. */
export function lookupOf(d: ValueDictionary): (key: number) => string {
  const { keys, strings } = d;
  if (keys === null) return (x) => strings[x] as string;
  const index = new DoubleIndex(keys);
  return (x) => strings[index.get(x)] as string;
}

export function dictionariesOf(data: DictionaryData): TickDictionaries {
  return { priceOf: lookupOf(data.prices), sizeOf: lookupOf(data.sizes), data };
}

/**
 * A SymbolTicks as plain data that `postMessage` can send: the columns as they are (on a
 * SharedArrayBuffer they are shared, not copied; see `ReadSymbolsOptions.sharedMemory`).
 */
export interface SharedSymbolTicks {
  symbol: string;
  lanes: readonly LaneRows[];
  columns: TickColumns;
  dictionaries: DictionaryData;
  offsets: [string, number][];
}

/** One venue's rows of a symbol in the columns: [from, to). */
export interface LaneRows {
  venue: string;
  from: number;
  to: number;
}

/**
 * One symbol's ticks of the day, read from the columns on demand: as Tick objects one at a time
 * (the strategy replay), as a tape per venue (the paper broker, which looks at few of them), or as
 * an array. Rows are never all objects at once unless `toArray` is asked for.
 */
export class SymbolTicks {
  constructor(
    readonly symbol: string,
    /** Its venues in order. */
    readonly lanes: readonly LaneRows[],
    private readonly c: TickColumns,
    private readonly dict: TickDictionaries,
    /** Added to the seq of a venue's ticks (see `withSeqOffsets`). */
    private readonly offsets: ReadonlyMap<string, number> = new Map(),
  ) {}

  /** This view as plain data for another thread; its dictionaries must carry their `data`. */
  toShared(): SharedSymbolTicks {
    const data = this.dict.data;
    if (data === undefined) throw new Error('these ticks have no dictionary data to share');
    return {
      symbol: this.symbol,
      lanes: this.lanes,
      columns: this.c,
      dictionaries: data,
      offsets: [...this.offsets],
    };
  }

  /**
   * The view `toShared` made, in this thread. `dicts` keeps one TickDictionaries per data object,
   * so the symbols of a day (which share their data) share their look-ups too.
   */
  static fromShared(s: SharedSymbolTicks, dicts = new Map<DictionaryData, TickDictionaries>()): SymbolTicks {
    let dict = dicts.get(s.dictionaries);
    if (!dict) {
      dict = dictionariesOf(s.dictionaries);
      dicts.set(s.dictionaries, dict);
    }
    return new SymbolTicks(s.symbol, s.lanes, s.columns, dict, new Map(s.offsets));
  }

  get length(): number {
    return this.lanes.reduce((n, l) => n + l.to - l.from, 0);
  }

  /** The venue's first and last seq this day (undefined: no ticks on it). */
  seqRange(venue: string): { first: number; last: number } | undefined {
    const lane = this.lanes.find((l) => l.venue === venue);
    if (!lane || lane.to === lane.from) return undefined;
    const by = this.offsets.get(venue) ?? 0;
    return { first: (this.c.seq[lane.from] as number) + by, last: (this.c.seq[lane.to - 1] as number) + by };
  }

  /**
   * The same ticks with `by` added to the seq of each venue named (history imported a date at a time
   * numbers each date from 1: a run over several dates shifts a date's seq to go on rising). A new
   * view over the same columns: this one, which a cache may keep, is unchanged.
   */
  withSeqOffsets(by: ReadonlyMap<string, number>): SymbolTicks {
    const offsets = new Map(this.offsets);
    for (const [venue, n] of by) offsets.set(venue, (offsets.get(venue) ?? 0) + n);
    return new SymbolTicks(this.symbol, this.lanes, this.c, this.dict, offsets);
  }

  /** A fresh Tick of row `row` of `venue`. */
  tick(venue: string, row: number): Tick {
    return this.make(venue, row, this.offsets.get(venue) ?? 0);
  }

  /** Row `row` of `venue` as a Tick, `by` added to its seq. */
  private make(venue: string, row: number, by: number): Tick {
    const { c, dict } = this;
    const t: Tick = {
      v: WIRE_VERSION,
      venue,
      symbol: this.symbol,
      seq: (c.seq[row] as number) + by,
      ts: c.ts[row] as number,
      price: dict.priceOf(c.price[row] as number),
      size: dict.sizeOf(c.size[row] as number),
      recvTs: c.recvTs[row] as number,
    };
    const side = c.side[row];
    if (side === 1) t.side = 'buy';
    else if (side === 2) t.side = 'sell';
    return t;
  }

  /** Every tick, venue by venue, each in seq order; each a fresh object the callee may drop. */
  each(visit: (tick: Tick) => void): void {
    for (const { venue, from, to } of this.lanes) {
      const by = this.offsets.get(venue) ?? 0;
      for (let row = from; row < to; row++) visit(this.make(venue, row, by));
    }
  }

  /**
   * Every tick as `each` hands them, but in one Tick object per venue refilled row after row (two:
   * with and without a side, so neither changes shape): for a callee that keeps nothing of the
   * object it is handed (the strategy engine), without a million objects a second to collect.
   */
  eachReused(visit: (tick: Tick) => void): void {
    const { c, dict, symbol } = this;
    for (const { venue, from, to } of this.lanes) {
      const by = this.offsets.get(venue) ?? 0;
      const plain: Tick = { v: WIRE_VERSION, venue, symbol, seq: 0, ts: 0, price: '', size: '', recvTs: 0 };
      const sided: Tick = { ...plain, side: 'buy' };
      for (let row = from; row < to; row++) {
        const side = c.side[row];
        const t = side === 1 || side === 2 ? sided : plain;
        t.seq = (c.seq[row] as number) + by;
        t.ts = c.ts[row] as number;
        t.price = dict.priceOf(c.price[row] as number);
        t.size = dict.sizeOf(c.size[row] as number);
        t.recvTs = c.recvTs[row] as number;
        if (t === sided) t.side = side === 1 ? 'buy' : 'sell';
        visit(t);
      }
    }
  }

  toArray(): Tick[] {
    const out: Tick[] = [];
    this.each((t) => {
      out.push(t);
    });
    return out;
  }

  /** The venue's ticks as the paper broker's tape (empty for a venue the symbol has no ticks on). */
  tape(venue: string): Tape {
    const lane = this.lanes.find((l) => l.venue === venue);
    const from = lane?.from ?? 0;
    const length = lane ? lane.to - lane.from : 0;
    const { c, dict } = this;
    const by = this.offsets.get(venue) ?? 0;
    return {
      length,
      seqAt: (i) => (c.seq[from + i] as number) + by,
      at: (i): TapeTick => ({
        seq: (c.seq[from + i] as number) + by,
        ts: c.ts[from + i] as number,
        price: dict.priceOf(c.price[from + i] as number),
        size: dict.sizeOf(c.size[from + i] as number),
      }),
    };
  }
}
