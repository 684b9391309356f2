/**
 * ADX — Wilder's Average Directional Index, with +DI, −DI and DX.
 * Reference: https://en.wikipedia.org/wiki/Average_directional_movement_index
 *
 *   up = high - previous high, down = previous low - low
 *   +DM = up if up > down and up > 0, else 0;   −DM = down if down > up and down > 0, else 0
 *   +DI = 100 * RMA(+DM) / RMA(TR),  −DI = 100 * RMA(−DM) / RMA(TR)      (RMA = Wilder smoothing)
 *   DX  = 100 * |+DI − −DI| / (+DI + −DI),   ADX = RMA(DX)
 * Wilder's running sums (TR14, +DM14) and our running means give the same ratios. When RMA(TR) is 0
 * the DIs are 0, and when +DI + −DI is 0 DX is 0 (no movement, no trend; technicalindicators gives NaN).
 *
 * Seeding (`firstBar`, as in ATR):
 * - 'skip' (default; Wilder, TA-Lib, technicalindicators ADX): TR and DM start at bar 2, DX is ready
 *   after period + 1 bars, ADX (the mean of the first `period` DX, then Wilder) after 2 * period bars.
 * - 'range' (trading-signals ADX/DX): the first bar counts as TR = high - low with no directional
 *   movement; DX is ready after `period` bars, ADX after 2 * period - 1. (trading-signals never
 *   returns a DX on the first bar, so its degenerate ADX(1) starts one bar after ours.)
 * Other differences from the oracles: trading-signals' `pdi`/`mdi` are fractions (ours are ×100); on an
 * exact tie up == down > 0 trading-signals counts the move as BOTH +DM and −DM, where Wilder, TA-Lib and
 * technicalindicators (and we) count neither — so on prices with ties (a cent grid) only the
 * technicalindicators oracle matches exactly. technicalindicators returns nothing until ADX is ready,
 * as we do; our `plusDI`/`minusDI`/`dx` getters show them as soon as DX is ready.
 *
 * The result object is reused across updates (no allocation per update): copy it to keep it.
 */
import { trueRange } from './atr.ts';
import {
  checkBar,
  checkFirstBar,
  checkPeriod,
  count,
  expectKind,
  type FirstBar,
  nums,
  obj,
} from './bar-internal.ts';
import { Wilder } from './bar-windows.ts';
import { type Bar, type Indicator, type IndicatorState, IndicatorStateError } from './indicator.ts';

export interface AdxResult {
  adx: number;
  plusDI: number;
  minusDI: number;
  dx: number;
}

export interface AdxOptions {
  /** What the first bar (no previous bar) contributes; see the file comment. Default 'skip'. */
  firstBar?: FirstBar;
}

export class ADX implements Indicator<Bar, AdxResult> {
  readonly firstBar: FirstBar;
  private readonly rTR: Wilder;
  private readonly rPlus: Wilder;
  private readonly rMinus: Wilder;
  private readonly rDX: Wilder;
  private n = 0; // bars seen, saturating at 2
  // The bar before the newest one (what the newest bar's TR and DM compare with) and the newest bar.
  private prevHigh = 0;
  private prevLow = 0;
  private prevClose = 0;
  private lastHigh = 0;
  private lastLow = 0;
  private lastClose = 0;
  private dxReady = false;
  private readonly result: AdxResult = { adx: 0, plusDI: 0, minusDI: 0, dx: 0 };

  constructor(
    readonly period = 14,
    options: AdxOptions = {},
  ) {
    checkPeriod('ADX', 'period', period);
    this.firstBar = options.firstBar ?? 'skip';
    checkFirstBar('ADX', this.firstBar);
    this.rTR = new Wilder(period);
    this.rPlus = new Wilder(period);
    this.rMinus = new Wilder(period);
    this.rDX = new Wilder(period);
  }

  update(bar: Bar): AdxResult | undefined {
    checkBar('ADX', bar);
    if (this.n > 0) {
      this.prevHigh = this.lastHigh;
      this.prevLow = this.lastLow;
      this.prevClose = this.lastClose;
    }
    if (this.n < 2) this.n++;
    return this.apply(bar, false);
  }

  replace(bar: Bar): AdxResult | undefined {
    if (this.n === 0) return this.update(bar);
    checkBar('ADX', bar);
    return this.apply(bar, true);
  }

  private apply(bar: Bar, revise: boolean): AdxResult | undefined {
    this.lastHigh = bar.high;
    this.lastLow = bar.low;
    this.lastClose = bar.close;
    let tr: number;
    let plusDM = 0;
    let minusDM = 0;
    if (this.n === 1) {
      if (this.firstBar === 'skip') return undefined;
      tr = bar.high - bar.low;
    } else {
      tr = trueRange(bar.high, bar.low, this.prevClose);
      const up = bar.high - this.prevHigh;
      const down = this.prevLow - bar.low;
      if (up > down && up > 0) plusDM = up;
      else if (down > up && down > 0) minusDM = down;
    }
    // All three smoothings see the same inputs at the same bars, so they are ready together.
    const atr = revise ? this.rTR.replace(tr) : this.rTR.update(tr);
    const sPlus = revise ? this.rPlus.replace(plusDM) : this.rPlus.update(plusDM);
    const sMinus = revise ? this.rMinus.replace(minusDM) : this.rMinus.update(minusDM);
    if (atr === undefined || sPlus === undefined || sMinus === undefined) return undefined;
    const plusDI = atr > 0 ? (100 * sPlus) / atr : 0;
    const minusDI = atr > 0 ? (100 * sMinus) / atr : 0;
    const sum = plusDI + minusDI;
    const dx = sum > 0 ? (100 * Math.abs(plusDI - minusDI)) / sum : 0;
    this.result.plusDI = plusDI;
    this.result.minusDI = minusDI;
    this.result.dx = dx;
    this.dxReady = true;
    const adx = revise ? this.rDX.replace(dx) : this.rDX.update(dx);
    if (adx === undefined) return undefined;
    this.result.adx = adx;
    return this.result;
  }

  /** +DI of the newest bar, from the first DX on (before ADX is ready). */
  get plusDI(): number | undefined {
    return this.dxReady ? this.result.plusDI : undefined;
  }

  get minusDI(): number | undefined {
    return this.dxReady ? this.result.minusDI : undefined;
  }

  get dx(): number | undefined {
    return this.dxReady ? this.result.dx : undefined;
  }

  get isReady(): boolean {
    return this.rDX.isReady;
  }

  get value(): AdxResult | undefined {
    return this.isReady ? this.result : undefined;
  }

  snapshot(): IndicatorState {
    const r = this.result;
    return {
      kind: 'ADX',
      period: this.period,
      firstBar: this.firstBar,
      n: this.n,
      prev: [this.prevHigh, this.prevLow, this.prevClose],
      last: [this.lastHigh, this.lastLow, this.lastClose],
      dxReady: this.dxReady,
      result: [r.adx, r.plusDI, r.minusDI, r.dx],
      rTR: this.rTR.snapshot(),
      rPlus: this.rPlus.snapshot(),
      rMinus: this.rMinus.snapshot(),
      rDX: this.rDX.snapshot(),
    };
  }

  restore(state: IndicatorState): void {
    expectKind(state, 'ADX', { period: this.period, firstBar: this.firstBar });
    if (typeof state.dxReady !== 'boolean')
      throw new IndicatorStateError('ADX state dxReady must be a boolean');
    const r = this.result;
    this.n = count(state, 'n', 2);
    [this.prevHigh, this.prevLow, this.prevClose] = nums(state, 'prev', 3) as [number, number, number];
    [this.lastHigh, this.lastLow, this.lastClose] = nums(state, 'last', 3) as [number, number, number];
    [r.adx, r.plusDI, r.minusDI, r.dx] = nums(state, 'result', 4) as [number, number, number, number];
    this.dxReady = state.dxReady;
    this.rTR.restore(obj(state, 'rTR'));
    this.rPlus.restore(obj(state, 'rPlus'));
    this.rMinus.restore(obj(state, 'rMinus'));
    this.rDX.restore(obj(state, 'rDX'));
  }
}

/** Batch form: the ADX at every bar (a fresh object each), undefined while warming up. */
export function adxSeries(
  bars: readonly Bar[],
  period = 14,
  options: AdxOptions = {},
): (AdxResult | undefined)[] {
  const adx = new ADX(period, options);
  return bars.map((bar) => {
    const r = adx.update(bar);
    return r === undefined ? undefined : { ...r };
  });
}
