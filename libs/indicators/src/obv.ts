/**
 * OBV — On-Balance Volume (Granville): a running total of volume, added on an up close and
 * subtracted on a down close.
 * Reference: https://en.wikipedia.org/wiki/On-balance_volume
 *
 *   OBV(1) = 0;   OBV(t) = OBV(t-1) + volume(t) * sign(close(t) - close(t-1))
 * Ready after 1 bar (the running total starts at 0). Differences from the oracles: technicalindicators
 * OBV and trading-signals OBV(2) return nothing for the first bar and then the same values as ours.
 * trading-signals OBV(n) with n > 2 only starts summing at bar n (it ignores the moves of bars
 * 2..n-1), so only its OBV(2) is the classic indicator.
 */
import { checkBar, count, expectKind, num } from './bar-internal.ts';
import type { Bar, Indicator, IndicatorState } from './indicator.ts';

export class OBV implements Indicator<Bar, number> {
  private n = 0; // bars seen, saturating at 2
  private obv = 0;
  private preObv = 0; // OBV before the newest bar
  private prevClose = 0; // close of the bar before the newest
  private lastClose = 0;

  update(bar: Bar): number {
    checkBar('OBV', bar);
    if (this.n > 0) {
      this.preObv = this.obv;
      this.prevClose = this.lastClose;
    }
    if (this.n < 2) this.n++;
    return this.apply(bar);
  }

  replace(bar: Bar): number {
    if (this.n === 0) return this.update(bar);
    checkBar('OBV', bar);
    return this.apply(bar);
  }

  private apply(bar: Bar): number {
    this.lastClose = bar.close;
    if (this.n === 1) this.obv = 0;
    else if (bar.close > this.prevClose) this.obv = this.preObv + bar.volume;
    else if (bar.close < this.prevClose) this.obv = this.preObv - bar.volume;
    else this.obv = this.preObv;
    return this.obv;
  }

  get isReady(): boolean {
    return this.n > 0;
  }

  get value(): number | undefined {
    return this.n > 0 ? this.obv : undefined;
  }

  snapshot(): IndicatorState {
    return {
      kind: 'OBV',
      n: this.n,
      obv: this.obv,
      preObv: this.preObv,
      prevClose: this.prevClose,
      lastClose: this.lastClose,
    };
  }

  restore(state: IndicatorState): void {
    expectKind(state, 'OBV', {});
    this.n = count(state, 'n', 2);
    this.obv = num(state, 'obv');
    this.preObv = num(state, 'preObv');
    this.prevClose = num(state, 'prevClose');
    this.lastClose = num(state, 'lastClose');
  }
}

/** Batch form: the OBV at every bar. */
export function obvSeries(bars: readonly Bar[]): number[] {
  const obv = new OBV();
  return bars.map((bar) => obv.update(bar));
}
