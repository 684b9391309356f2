/**
 * VWAP — volume-weighted average price, in two forms: per session (cumulative, reset when the session
 * changes) and rolling (over the last `period` bars or trades).
 * Reference: https://en.wikipedia.org/wiki/Volume-weighted_average_price
 *
 *   VWAP = Σ price * volume / Σ volume
 * A bar's price is its typical price (high + low + close) / 3, as in trading-signals and
 * technicalindicators; a trade's price is its own (`updateTrade`), which gives the exact trade VWAP.
 * While the summed volume is 0 the VWAP is undefined (a zero-volume bar still counts as an input).
 *
 * Session VWAP resets when the session key of the input's ts changes — by default the UTC date of the
 * ts (bars from the bar builder carry their start ts; bars with ts 0 all fall in one session) — and on
 * `reset()`. Differences from the oracles: trading-signals VWAP never resets by session (so the oracle
 * test compares within one UTC day) and ignores zero-volume candles entirely, returning null;
 * technicalindicators VWAP never resets either and returns NaN while the summed volume is 0.
 * Rolling VWAP equals trading-signals VWMA(period) when fed (close, volume) as trades: VWMA weights the
 * close, not the typical price.
 */
import { checkBar, checkPeriod, expectKind, num, numOrNull, obj } from './bar-internal.ts';
import { RingSum } from './bar-windows.ts';
import { type Bar, type Indicator, type IndicatorState, IndicatorStateError } from './indicator.ts';

export const US_PER_DAY = 86_400_000_000;

/** The UTC day number (days since 1970-01-01) of an epoch-µs timestamp. */
export function utcDay(ts: number): number {
  return (ts - (((ts % US_PER_DAY) + US_PER_DAY) % US_PER_DAY)) / US_PER_DAY;
}

/** How session VWAP groups inputs: by UTC day, never (until `reset()`), or by a key function of ts. */
export type VwapSession = 'utc-day' | 'none' | ((ts: number) => number);

export interface SessionVwapOptions {
  session?: VwapSession;
}

function checkTrade(name: string, price: number, size: number, ts: number): void {
  if (!Number.isFinite(price) || !Number.isFinite(size) || !Number.isFinite(ts))
    throw new RangeError(`${name} trade fields must be finite, got ${price} x ${size} @ ${ts}`);
  if (size < 0) throw new RangeError(`${name} trade size must be >= 0, got ${size}`);
}

const typical = (bar: Bar) => (bar.high + bar.low + bar.close) / 3;

export class SessionVwap implements Indicator<Bar, number> {
  readonly session: 'utc-day' | 'none' | 'custom';
  private readonly keyOf: ((ts: number) => number) | undefined;
  private key: number | undefined; // session of the inputs summed so far; undefined before any
  private pv = 0;
  private v = 0;
  private hasLast = false; // an input exists that replace may revise
  private preKey: number | undefined;
  private prePv = 0;
  private preV = 0;

  constructor(options: SessionVwapOptions = {}) {
    const session = options.session ?? 'utc-day';
    if (typeof session === 'function') {
      this.session = 'custom';
      this.keyOf = session;
    } else if (session === 'utc-day' || session === 'none') {
      this.session = session;
      this.keyOf = session === 'utc-day' ? utcDay : undefined;
    } else {
      throw new RangeError(
        `SessionVwap session must be 'utc-day', 'none' or a function, got ${String(session)}`,
      );
    }
  }

  update(bar: Bar): number | undefined {
    checkBar('SessionVwap', bar);
    return this.add(typical(bar) * bar.volume, bar.volume, bar.ts, false);
  }

  replace(bar: Bar): number | undefined {
    checkBar('SessionVwap', bar);
    return this.add(typical(bar) * bar.volume, bar.volume, bar.ts, true);
  }

  /** Adds one trade (its own price, not a typical price). */
  updateTrade(price: number, size: number, ts: number): number | undefined {
    checkTrade('SessionVwap', price, size, ts);
    return this.add(price * size, size, ts, false);
  }

  /** Revises the last input (bar or trade) with this trade. */
  replaceTrade(price: number, size: number, ts: number): number | undefined {
    checkTrade('SessionVwap', price, size, ts);
    return this.add(price * size, size, ts, true);
  }

  /** Starts a new session now (e.g. at the open with session 'none'); the next input can't be a replace. */
  reset(): void {
    this.key = undefined;
    this.pv = 0;
    this.v = 0;
    this.hasLast = false;
  }

  private add(pv: number, v: number, ts: number, revise: boolean): number | undefined {
    // A replace restores the sums from before the last input, so it is exact and may even move the
    // revised input into another session.
    if (revise && this.hasLast) {
      this.key = this.preKey;
      this.pv = this.prePv;
      this.v = this.preV;
    } else {
      this.preKey = this.key;
      this.prePv = this.pv;
      this.preV = this.v;
      this.hasLast = true;
    }
    if (this.keyOf !== undefined) {
      const key = this.keyOf(ts);
      if (!Number.isFinite(key)) throw new RangeError(`SessionVwap session key must be finite, got ${key}`);
      if (key !== this.key) {
        this.key = key;
        this.pv = 0;
        this.v = 0;
      }
    }
    this.pv += pv;
    this.v += v;
    return this.value;
  }

  get isReady(): boolean {
    return this.v > 0;
  }

  get value(): number | undefined {
    return this.v > 0 ? this.pv / this.v : undefined;
  }

  snapshot(): IndicatorState {
    return {
      kind: 'SessionVwap',
      session: this.session,
      key: this.key ?? null,
      pv: this.pv,
      v: this.v,
      hasLast: this.hasLast,
      pre: { key: this.preKey ?? null, pv: this.prePv, v: this.preV },
    };
  }

  restore(state: IndicatorState): void {
    expectKind(state, 'SessionVwap', { session: this.session });
    if (typeof state.hasLast !== 'boolean')
      throw new IndicatorStateError('SessionVwap hasLast must be a boolean');
    const pre = obj(state, 'pre');
    this.key = numOrNull(state, 'key');
    this.pv = num(state, 'pv');
    this.v = num(state, 'v');
    this.hasLast = state.hasLast;
    this.preKey = numOrNull(pre, 'key');
    this.prePv = num(pre, 'pv');
    this.preV = num(pre, 'v');
  }
}

/** VWAP over the last `period` inputs (bars or trades), O(1) per update with ring-buffer sums. */
export class RollingVwap implements Indicator<Bar, number> {
  private readonly pv: RingSum;
  private readonly v: RingSum;
  // Inputs with volume > 0 in the window, summed exactly as 0/1: the float volume sum can keep a
  // rounding residue after its last volume leaves, and must not be divided by.
  private readonly active: RingSum;

  constructor(readonly period: number) {
    checkPeriod('RollingVwap', 'period', period);
    this.pv = new RingSum(period);
    this.v = new RingSum(period);
    this.active = new RingSum(period);
  }

  update(bar: Bar): number | undefined {
    checkBar('RollingVwap', bar);
    return this.add(typical(bar) * bar.volume, bar.volume, false);
  }

  replace(bar: Bar): number | undefined {
    checkBar('RollingVwap', bar);
    return this.add(typical(bar) * bar.volume, bar.volume, true);
  }

  updateTrade(price: number, size: number, ts = 0): number | undefined {
    checkTrade('RollingVwap', price, size, ts);
    return this.add(price * size, size, false);
  }

  replaceTrade(price: number, size: number, ts = 0): number | undefined {
    checkTrade('RollingVwap', price, size, ts);
    return this.add(price * size, size, true);
  }

  private add(pv: number, v: number, revise: boolean): number | undefined {
    if (revise) {
      this.pv.replace(pv);
      this.v.replace(v);
      this.active.replace(v > 0 ? 1 : 0);
    } else {
      this.pv.update(pv);
      this.v.update(v);
      this.active.update(v > 0 ? 1 : 0);
    }
    return this.value;
  }

  get isReady(): boolean {
    return this.v.full && this.active.sum > 0;
  }

  get value(): number | undefined {
    return this.isReady ? this.pv.sum / this.v.sum : undefined;
  }

  snapshot(): IndicatorState {
    return {
      kind: 'RollingVwap',
      period: this.period,
      pv: this.pv.snapshot(),
      v: this.v.snapshot(),
      active: this.active.snapshot(),
    };
  }

  restore(state: IndicatorState): void {
    expectKind(state, 'RollingVwap', { period: this.period });
    this.pv.restore(obj(state, 'pv'));
    this.v.restore(obj(state, 'v'));
    this.active.restore(obj(state, 'active'));
  }
}

/** Batch form: the session VWAP at every bar. */
export function sessionVwapSeries(
  bars: readonly Bar[],
  options: SessionVwapOptions = {},
): (number | undefined)[] {
  const vwap = new SessionVwap(options);
  return bars.map((bar) => vwap.update(bar));
}

/** Batch form: the rolling VWAP at every bar, undefined until `period` bars were seen. */
export function rollingVwapSeries(bars: readonly Bar[], period: number): (number | undefined)[] {
  const vwap = new RollingVwap(period);
  return bars.map((bar) => vwap.update(bar));
}
