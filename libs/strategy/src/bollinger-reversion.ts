import type { Decision, Micros, Tick } from '@tickflow/core';
import { BollingerBands, type IndicatorState, IndicatorStateError } from '@tickflow/indicators';
import {
  checkQty,
  fmt,
  makeDecision,
  readNullableNumber,
  readSide,
  readState,
  restoreAll,
} from './internal.ts';
import type { Strategy } from './strategy.ts';

export interface BollingerReversionParams {
  period: number;
  /** Band width in population standard deviations. */
  multiplier: number;
  /** Quantity per entry, a decimal string (a RiskGate's sizing replaces it). */
  qty: string;
}

export const BOLLINGER_REVERSION_DEFAULTS: BollingerReversionParams = { period: 20, multiplier: 2, qty: '1' };

/**
 * `bollinger-reversion` — Bollinger Band mean reversion: bet that a close outside the bands returns
 * to the mean. Reference: https://chartschool.stockcharts.com/table-of-contents/technical-indicators-and-overlays/technical-overlays/bollinger-bands
 *
 * The bands are those of the last `period` prices INCLUDING the current one (the usual close-vs-band
 * reading). The strategy keeps its own idea of being flat, long or short:
 * - flat:  price < lower → BUY (now long); price > upper → SELL (now short);
 * - long:  price ≥ middle → FLAT (the price crossed back up to the mean; now flat);
 * - short: price ≤ middle → FLAT (now flat).
 * So there is one entry per excursion (no BUY after BUY) and every entry is closed by a FLAT, never
 * reversed directly. FLAT's qty here is the entry qty; a RiskGate replaces it with the position it
 * actually closes.
 *
 * A value inside a window lies at most √(period − 1) population σ from the window mean, so with
 * multiplier ≥ √(period − 1) no close could ever leave the bands: the constructor refuses that.
 */
export class BollingerReversion implements Strategy {
  readonly name = 'bollinger-reversion';
  private readonly bands: BollingerBands;
  /** The strategy's own position: 1 long, -1 short, 0 flat. */
  private mode: -1 | 0 | 1 = 0;
  private lastPrice: number | null = null;

  constructor(
    readonly venue: string,
    readonly symbol: string,
    private readonly params: BollingerReversionParams = BOLLINGER_REVERSION_DEFAULTS,
  ) {
    this.bands = new BollingerBands(params.period, params.multiplier);
    if (params.multiplier >= Math.sqrt(params.period - 1))
      throw new RangeError(
        `bollinger-reversion multiplier ${params.multiplier} must be < √(period − 1) = ${fmt(Math.sqrt(params.period - 1))}`,
      );
    checkQty('bollinger-reversion', params.qty);
  }

  onTick(tick: Tick, now: Micros): Decision | undefined {
    const price = Number(tick.price);
    const b = this.bands.update(price);
    this.lastPrice = price;
    if (b === undefined) return undefined;
    const p = fmt(price);
    let action: 'BUY' | 'SELL' | 'FLAT' | undefined;
    let reason = '';
    if (this.mode === 0 && price < b.lower) {
      action = 'BUY';
      reason = `price ${p} closed below the lower band ${fmt(b.lower)}`;
      this.mode = 1;
    } else if (this.mode === 0 && price > b.upper) {
      action = 'SELL';
      reason = `price ${p} closed above the upper band ${fmt(b.upper)}`;
      this.mode = -1;
    } else if (this.mode === 1 && price >= b.middle) {
      action = 'FLAT';
      reason = `price ${p} crossed back up to the middle band ${fmt(b.middle)}`;
      this.mode = 0;
    } else if (this.mode === -1 && price <= b.middle) {
      action = 'FLAT';
      reason = `price ${p} crossed back down to the middle band ${fmt(b.middle)}`;
      this.mode = 0;
    }
    if (action === undefined) return undefined;
    return makeDecision(this.name, tick, now, action, this.params.qty, reason, this.indicators());
  }

  indicators(): Record<string, number> {
    const out: Record<string, number> = {};
    if (this.lastPrice !== null) out.price = this.lastPrice;
    const b = this.bands.value;
    if (b !== undefined) {
      // Copied field by field: the indicator reuses its result object.
      out.lower = b.lower;
      out.middle = b.middle;
      out.upper = b.upper;
      out.percentB = b.percentB;
    }
    return out;
  }

  snapshot(): IndicatorState {
    return { kind: this.name, bands: this.bands.snapshot(), mode: this.mode, lastPrice: this.lastPrice };
  }

  restore(state: IndicatorState): void {
    if (state.kind !== this.name) throw new IndicatorStateError(`${this.name}: bad kind`);
    const bands = readState(state, 'bands', this.name);
    const mode = readSide(state, 'mode', this.name);
    const lastPrice = readNullableNumber(state, 'lastPrice', this.name);
    restoreAll([[this.bands, bands]]);
    this.mode = mode;
    this.lastPrice = lastPrice;
  }
}
