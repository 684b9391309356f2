/**
 * True Range and Average True Range (Wilder).
 * Reference: https://en.wikipedia.org/wiki/Average_true_range
 *
 *   TR  = max(high - low, |high - previous close|, |low - previous close|)
 *   ATR = Wilder smoothing of TR: the mean of the first `period` TRs, then ATR += (TR - ATR) / period
 *
 * Seeding: the first bar of a stream has no previous close. `firstBar` says what it contributes:
 * - 'skip' (default; Wilder's worksheet for ADX, TA-Lib, technicalindicators): no TR on the first bar,
 *   so the first ATR is the mean of the TRs of bars 2..period+1 — ready after period + 1 bars.
 * - 'range' (trading-signals TR/ATR, TradingView's ta.atr, StockCharts' ATR table): the first bar's TR
 *   is high - low, the first ATR is the mean of bars 1..period — ready after `period` bars.
 * With the matching `firstBar` our values equal the oracle's to float rounding (the oracle tests pin
 * both: technicalindicators ATR with 'skip', trading-signals ATR with 'range'). trading-signals' TR
 * returns high - low on the first bar, technicalindicators' TrueRange returns nothing there; our
 * TrueRange follows `firstBar` the same way.
 */
import {
  checkBar,
  checkFirstBar,
  checkPeriod,
  count,
  expectKind,
  type FirstBar,
  num,
  numOrNull,
  obj,
} from './bar-internal.ts';
import { Wilder } from './bar-windows.ts';
import type { Bar, Indicator, IndicatorState } from './indicator.ts';

export type { FirstBar } from './bar-internal.ts';

export interface TrueRangeOptions {
  /** What the first bar (no previous close) contributes; see the file comment. Default 'skip'. */
  firstBar?: FirstBar;
}

/** The true range of one bar given the previous bar's close. */
export function trueRange(high: number, low: number, prevClose: number): number {
  return Math.max(high - low, Math.abs(high - prevClose), Math.abs(low - prevClose));
}

/** True Range per bar; undefined on the first bar with firstBar 'skip', high - low with 'range'. */
export class TrueRange implements Indicator<Bar, number> {
  readonly firstBar: FirstBar;
  private n = 0; // bars seen, saturating at 2 (only "none", "first" and "later" matter)
  private prevClose = 0; // close of the bar before the newest (what the newest TR uses)
  private lastClose = 0;
  private tr: number | undefined;

  constructor(options: TrueRangeOptions = {}) {
    this.firstBar = options.firstBar ?? 'skip';
    checkFirstBar('TrueRange', this.firstBar);
  }

  update(bar: Bar): number | undefined {
    checkBar('TrueRange', bar);
    if (this.n > 0) this.prevClose = this.lastClose;
    if (this.n < 2) this.n++;
    return this.apply(bar);
  }

  replace(bar: Bar): number | undefined {
    if (this.n === 0) return this.update(bar);
    checkBar('TrueRange', bar);
    return this.apply(bar);
  }

  private apply(bar: Bar): number | undefined {
    this.lastClose = bar.close;
    if (this.n === 1) this.tr = this.firstBar === 'range' ? bar.high - bar.low : undefined;
    else this.tr = trueRange(bar.high, bar.low, this.prevClose);
    return this.tr;
  }

  get isReady(): boolean {
    return this.tr !== undefined;
  }

  get value(): number | undefined {
    return this.tr;
  }

  snapshot(): IndicatorState {
    return {
      kind: 'TrueRange',
      firstBar: this.firstBar,
      n: this.n,
      prevClose: this.prevClose,
      lastClose: this.lastClose,
      tr: this.tr ?? null,
    };
  }

  restore(state: IndicatorState): void {
    expectKind(state, 'TrueRange', { firstBar: this.firstBar });
    this.n = count(state, 'n', 2);
    this.prevClose = num(state, 'prevClose');
    this.lastClose = num(state, 'lastClose');
    this.tr = numOrNull(state, 'tr');
  }
}

export type AtrOptions = TrueRangeOptions;

/** Average True Range with Wilder smoothing; see the file comment for seeding and ready-after. */
export class ATR implements Indicator<Bar, number> {
  private readonly tr: TrueRange;
  private readonly rma: Wilder;

  constructor(
    readonly period = 14,
    options: AtrOptions = {},
  ) {
    checkPeriod('ATR', 'period', period);
    this.tr = new TrueRange(options);
    this.rma = new Wilder(period);
  }

  get firstBar(): FirstBar {
    return this.tr.firstBar;
  }

  update(bar: Bar): number | undefined {
    const tr = this.tr.update(bar);
    if (tr !== undefined) this.rma.update(tr);
    return this.rma.value;
  }

  replace(bar: Bar): number | undefined {
    // Whether the last bar fed a TR depends only on how many bars were seen, which replace keeps.
    const tr = this.tr.replace(bar);
    if (tr !== undefined) this.rma.replace(tr);
    return this.rma.value;
  }

  /** The newest bar's true range (undefined on the first bar with firstBar 'skip'). */
  get trueRange(): number | undefined {
    return this.tr.value;
  }

  get isReady(): boolean {
    return this.rma.isReady;
  }

  get value(): number | undefined {
    return this.rma.value;
  }

  snapshot(): IndicatorState {
    return { kind: 'ATR', period: this.period, tr: this.tr.snapshot(), rma: this.rma.snapshot() };
  }

  restore(state: IndicatorState): void {
    expectKind(state, 'ATR', { period: this.period });
    this.tr.restore(obj(state, 'tr'));
    this.rma.restore(obj(state, 'rma'));
  }
}

/** Batch form: the true range of every bar. */
export function trueRangeSeries(
  bars: readonly Bar[],
  options: TrueRangeOptions = {},
): (number | undefined)[] {
  const tr = new TrueRange(options);
  return bars.map((bar) => tr.update(bar));
}

/** Batch form: the ATR at every bar, undefined while warming up. */
export function atrSeries(
  bars: readonly Bar[],
  period = 14,
  options: AtrOptions = {},
): (number | undefined)[] {
  const atr = new ATR(period, options);
  return bars.map((bar) => atr.update(bar));
}
