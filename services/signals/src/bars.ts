import { BarBuilder, type BuiltBar, FIVE_MINUTE_BARS, MINUTE_BARS, SECOND_BARS } from '@tickflow/indicators';
import { BarRing, type BarView } from './bar-ring.ts';

export type { BarView };

export const BAR_INTERVALS = { '1s': SECOND_BARS, '1m': MINUTE_BARS, '5m': FIVE_MINUTE_BARS } as const;
export type BarInterval = keyof typeof BAR_INTERVALS;
const SECOND_US = 1_000_000;

const view = (b: Readonly<BuiltBar>): BarView => ({
  ts: b.ts,
  open: b.open,
  high: b.high,
  low: b.low,
  close: b.close,
  volume: b.volume,
  trades: b.trades,
});

/**
 * Time bars per symbol for the REST view (1s, 1m, 5m by exchange time), the last `keep` (120) completed
 * bars of each kept, each with the strategy's indicators at its close (the dashboard draws them):
 * memory is bounded by symbols × intervals × keep. Not checkpointed:
 * after a restart the history holds the bars of the ticks replayed since the checkpoint; the
 * end-of-day report has the full day.
 */
export class BarStore {
  private readonly bySymbol = new Map<
    string,
    { builders: Record<BarInterval, BarBuilder>; done: Record<BarInterval, BarRing>; lastTs: number }
  >();

  constructor(readonly keep = 120) {}

  /**
   * True when a trade at `ts` would complete the symbol's forming bars: the caller then takes the
   * indicators before applying the trade and passes them to `update`. Checking the 1-second bar
   * suffices: minute and 5-minute boundaries are second boundaries too.
   */
  closes(symbol: string, ts: number): boolean {
    const current = this.bySymbol.get(symbol)?.builders['1s'].current;
    return current !== undefined && ts >= current.ts + SECOND_US;
  }

  /** Adds a trade; `indicators` (as of the previous trade) go with the bars this trade completes. */
  update(symbol: string, price: number, size: number, ts: number, indicators?: Record<string, number>): void {
    let s = this.bySymbol.get(symbol);
    if (!s) {
      s = {
        builders: {
          '1s': new BarBuilder(BAR_INTERVALS['1s']),
          '1m': new BarBuilder(BAR_INTERVALS['1m']),
          '5m': new BarBuilder(BAR_INTERVALS['5m']),
        },
        done: { '1s': new BarRing(this.keep), '1m': new BarRing(this.keep), '5m': new BarRing(this.keep) },
        lastTs: ts,
      };
      this.bySymbol.set(symbol, s);
    }
    s.lastTs = ts;
    for (const interval of ['1s', '1m', '5m'] as const) {
      const closed = s.builders[interval].update(price, size, ts);
      if (closed) s.done[interval].push(closed, indicators);
    }
  }

  /** Exchange time (epoch µs) of the symbol's last tick, or undefined before its first. */
  lastTs(symbol: string): number | undefined {
    return this.bySymbol.get(symbol)?.lastTs;
  }

  /** The last `limit` completed bars, oldest first, and the bar still forming; undefined for an unknown symbol. */
  bars(
    symbol: string,
    interval: BarInterval,
    limit: number,
  ): { bars: BarView[]; forming: BarView | null } | undefined {
    const s = this.bySymbol.get(symbol);
    if (!s) return undefined;
    const current = s.builders[interval].current;
    return { bars: s.done[interval].last(limit), forming: current ? view(current) : null };
  }
}
