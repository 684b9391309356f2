import { RollingMedian } from './rolling-median.ts';

export interface SpikeFilterOptions {
  /** Largest accepted move from the rolling median, in percent; 0 turns the filter off. */
  maxPct: number;
  /** Prices in the rolling median. */
  window: number;
  /** Prices needed before the filter judges (too few and one odd print moves the median). */
  minSamples: number;
}

export const DEFAULT_SPIKE_FILTER: SpikeFilterOptions = { maxPct: 10, window: 51, minSamples: 11 };

/**
 * Quarantines fat-finger prints: a price further than `maxPct` from the rolling median of the
 * symbol's last accepted prices. A quarantined price does not enter the median, so a burst of bad
 * prints cannot drag it; a sustained move (`minSamples` quarantined in a row) is taken as a new
 * level and the median restarts there, so a real gap in the market does not freeze the symbol.
 */
export class SpikeFilter {
  private readonly medians = new Map<string, RollingMedian>();
  /** Consecutive quarantined prints per key: a sustained move is a new level, not a spike. */
  private readonly streak = new Map<string, number>();

  constructor(private readonly opts: SpikeFilterOptions = DEFAULT_SPIKE_FILTER) {}

  /**
   * Returns undefined to accept the price (and learns it), or the deviation in percent when it is a
   * spike. After `minSamples` spikes in a row the level is taken as real: the median restarts there.
   */
  check(key: string, price: number): number | undefined {
    if (this.opts.maxPct <= 0) return undefined;
    let m = this.medians.get(key);
    if (!m) {
      m = new RollingMedian(this.opts.window);
      this.medians.set(key, m);
    }
    const median = m.value;
    if (median !== undefined && m.count >= this.opts.minSamples) {
      const pct = (Math.abs(price - median) / median) * 100;
      if (pct > this.opts.maxPct) {
        const n = (this.streak.get(key) ?? 0) + 1;
        if (n < this.opts.minSamples) {
          this.streak.set(key, n);
          return pct;
        }
        // A sustained move: start a fresh median at the new level.
        m = new RollingMedian(this.opts.window);
        this.medians.set(key, m);
      }
    }
    this.streak.delete(key);
    m.update(price);
    return undefined;
  }
}
