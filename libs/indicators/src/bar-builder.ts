/**
 * OHLCV bar builder: turns trades (price, size, ts in epoch µs) into time, tick or volume bars.
 * Reference: https://en.wikipedia.org/wiki/Open-high-low-close_chart (OHLC bars); tick and volume bars
 * as in M. López de Prado, "Advances in Financial Machine Learning", ch. 2.3 ("Standard bars").
 *
 * Rules (the speed layer and the batch layer both build bars with this code, so they agree):
 * - Time bars are aligned to the interval: a trade at `ts` belongs to the bar starting at
 *   `floor(ts / interval) * interval` (computed exactly in integers), so bars from any starting point
 *   line up with DuckDB's `time_bucket`. A bar completes when the first trade of a LATER bar arrives
 *   (that `update` returns it) or at `flush()`. Intervals without trades produce NO bar: gaps are not
 *   filled with invented flat bars, so a quiet market shows as missing bars, not zero-volume ones.
 * - Tick bars hold exactly `trades` trades; volume bars close on the trade that brings their volume to
 *   at least `volume`. That trade is assigned WHOLE to the closing bar (never split), so a volume bar
 *   can exceed the target and each trade lives in exactly one bar — simpler and deterministic. Tick and
 *   volume bars complete on the trade that fills them; their `ts` is their first trade's ts.
 * - Timestamps are made monotone: a trade older than the newest ts already seen is treated as at that
 *   ts (it joins the forming bar) and counted in `lateTrades`, so bars never overlap or go backwards.
 * - Volumes are float64 sums: a volume-bar boundary on fractional sizes follows float rounding
 *   (deterministic; integer lot sizes are exact).
 *
 * `update` allocates one object per bar, never per trade. `current` is the forming bar itself, updated
 * in place by later trades of the same bar (copy it to keep a frozen view); a completed bar is never
 * modified again.
 */
import { type Bar, type IndicatorState, IndicatorStateError } from './indicator.ts';

export const US_PER_SECOND = 1_000_000;
export const US_PER_MINUTE = 60 * US_PER_SECOND;

export type BarSpec =
  | { kind: 'time'; intervalUs: number }
  | { kind: 'tick'; trades: number }
  | { kind: 'volume'; volume: number };

/** A bar from the builder: an OHLCV `Bar` plus how many trades it holds and its last trade's ts. */
export interface BuiltBar extends Bar {
  trades: number;
  lastTs: number;
}

export interface Trade {
  price: number;
  size: number;
  ts: number;
}

export function timeBars(intervalUs: number): BarSpec {
  if (!Number.isSafeInteger(intervalUs) || intervalUs < 1)
    throw new RangeError(`time bar interval must be a whole number of µs >= 1, got ${intervalUs}`);
  return { kind: 'time', intervalUs };
}

export function tickBars(trades: number): BarSpec {
  if (!Number.isSafeInteger(trades) || trades < 1)
    throw new RangeError(`tick bars need an integer trade count >= 1, got ${trades}`);
  return { kind: 'tick', trades };
}

export function volumeBars(volume: number): BarSpec {
  if (!Number.isFinite(volume) || volume <= 0)
    throw new RangeError(`volume bars need a finite volume > 0, got ${volume}`);
  return { kind: 'volume', volume };
}

export const SECOND_BARS: BarSpec = timeBars(US_PER_SECOND);
export const MINUTE_BARS: BarSpec = timeBars(US_PER_MINUTE);
export const FIVE_MINUTE_BARS: BarSpec = timeBars(5 * US_PER_MINUTE);

/** Start of the interval holding `ts`: floor(ts / interval) * interval, exact for any safe integer. */
export function alignTs(ts: number, intervalUs: number): number {
  return ts - (((ts % intervalUs) + intervalUs) % intervalUs);
}

export class BarBuilder {
  readonly spec: BarSpec;
  private bar: BuiltBar | undefined;
  private watermark = Number.NEGATIVE_INFINITY;
  private late = 0;

  constructor(spec: BarSpec) {
    // Re-validate: a spec may come from config as a plain object, not from the helpers above.
    if (spec.kind === 'time') this.spec = timeBars(spec.intervalUs);
    else if (spec.kind === 'tick') this.spec = tickBars(spec.trades);
    else if (spec.kind === 'volume') this.spec = volumeBars(spec.volume);
    else throw new RangeError(`unknown bar kind ${JSON.stringify(spec)}`);
  }

  /** Adds one trade; returns the bar this trade completed, if any (at most one). */
  update(price: number, size: number, ts: number): BuiltBar | undefined {
    if (!Number.isFinite(price)) throw new RangeError(`trade price must be finite, got ${price}`);
    if (!Number.isFinite(size) || size < 0)
      throw new RangeError(`trade size must be finite and >= 0, got ${size}`);
    if (!Number.isSafeInteger(ts)) throw new RangeError(`trade ts must be an integer of epoch µs, got ${ts}`);
    if (ts < this.watermark) {
      ts = this.watermark;
      this.late++;
    } else {
      this.watermark = ts;
    }
    const spec = this.spec;
    if (spec.kind === 'time') {
      const start = alignTs(ts, spec.intervalUs);
      let done: BuiltBar | undefined;
      if (this.bar !== undefined && this.bar.ts !== start) {
        done = this.bar;
        this.bar = undefined;
      }
      this.add(price, size, ts, start);
      return done;
    }
    const bar = this.add(price, size, ts, ts);
    const full = spec.kind === 'tick' ? bar.trades >= spec.trades : bar.volume >= spec.volume;
    if (!full) return undefined;
    this.bar = undefined;
    return bar;
  }

  /** The forming bar (live object, see the file comment), or undefined between bars. */
  get current(): Readonly<BuiltBar> | undefined {
    return this.bar;
  }

  /** Trades that arrived with a ts older than one already seen (folded in at the newest ts). */
  get lateTrades(): number {
    return this.late;
  }

  /** Ends the session: returns the forming bar (possibly incomplete) and forgets it. */
  flush(): BuiltBar | undefined {
    const bar = this.bar;
    this.bar = undefined;
    return bar;
  }

  private add(price: number, size: number, ts: number, start: number): BuiltBar {
    const bar = this.bar;
    if (bar === undefined) {
      const fresh = {
        ts: start,
        open: price,
        high: price,
        low: price,
        close: price,
        volume: size,
        trades: 1,
        lastTs: ts,
      };
      this.bar = fresh;
      return fresh;
    }
    if (price > bar.high) bar.high = price;
    if (price < bar.low) bar.low = price;
    bar.close = price;
    bar.volume += size;
    bar.trades++;
    bar.lastTs = ts;
    return bar;
  }

  snapshot(): IndicatorState {
    const b = this.bar;
    return {
      kind: 'BarBuilder',
      spec: { ...this.spec },
      bar: b === undefined ? null : [b.ts, b.open, b.high, b.low, b.close, b.volume, b.trades, b.lastTs],
      watermark: Number.isFinite(this.watermark) ? this.watermark : null,
      late: this.late,
    };
  }

  restore(state: IndicatorState): void {
    if (state.kind !== 'BarBuilder')
      throw new IndicatorStateError(`expected a BarBuilder state, got ${state.kind}`);
    if (JSON.stringify(state.spec) !== JSON.stringify(this.spec))
      throw new IndicatorStateError(`BarBuilder state is for ${JSON.stringify(state.spec)}, not this spec`);
    const { bar, watermark, late } = state;
    if (watermark !== null && !Number.isSafeInteger(watermark))
      throw new IndicatorStateError('BarBuilder state watermark must be an integer or null');
    if (!Number.isSafeInteger(late) || (late as number) < 0)
      throw new IndicatorStateError('BarBuilder state late must be a count');
    let restored: BuiltBar | undefined;
    if (bar !== null) {
      if (
        !Array.isArray(bar) ||
        bar.length !== 8 ||
        !bar.every((x) => typeof x === 'number' && Number.isFinite(x))
      )
        throw new IndicatorStateError('BarBuilder state bar must be null or 8 finite numbers');
      const [ts, open, high, low, close, volume, trades, lastTs] = bar as number[] as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      restored = { ts, open, high, low, close, volume, trades, lastTs };
    }
    this.bar = restored;
    this.watermark = watermark === null ? Number.NEGATIVE_INFINITY : (watermark as number);
    this.late = late as number;
  }
}

/**
 * Batch form: the bars of a whole trade sequence, in order. With `includePartial` (default true) the
 * forming bar at the end is included, as `flush()` at session end would return it.
 */
export function barsOf(
  trades: Iterable<Trade>,
  spec: BarSpec,
  options: { includePartial?: boolean } = {},
): BuiltBar[] {
  const builder = new BarBuilder(spec);
  const bars: BuiltBar[] = [];
  for (const t of trades) {
    const done = builder.update(t.price, t.size, t.ts);
    if (done !== undefined) bars.push(done);
  }
  const last = builder.flush();
  if (last !== undefined && (options.includePartial ?? true)) bars.push(last);
  return bars;
}
