import type { Micros, TradeSide } from '@tickflow/core';
import { SeededRandom } from './random.ts';

const NAMED = ['BTC-USD', 'ETH-USD', 'SOL-USD', 'AAPL', 'MSFT', 'NVDA', 'EUR-USD', 'XAU-USD'];
const SECONDS_PER_YEAR = 365 * 86_400;

export interface SyntheticOptions {
  symbols: number;
  seed: number;
  /** Exchange time of the first tick, epoch microseconds. */
  startTs: Micros;
  /** Exchange time between consecutive ticks (all symbols), microseconds; > 0. */
  stepMicros: number;
  /** Per-tick chance that a symbol switches between calm and stressed volatility (×3). Default 0. */
  regimeSwitchProb?: number;
  /** Per-tick chance of a jump, and the jump's typical size in percent. Default 0 / 2. */
  jumpProb?: number;
  jumpPct?: number;
}

export interface SyntheticTrade {
  symbol: string;
  ts: Micros;
  price: string;
  size: string;
  side: TradeSide;
}

interface SymbolState {
  symbol: string;
  price: number;
  /** Annualised drift and volatility. */
  mu: number;
  sigma: number;
  decimals: number;
  lastTs: Micros;
  stressed: boolean;
}

/** Names of the first `n` synthetic symbols: a few familiar ones, then SYN0009-USD, SYN0010-USD, ... */
export function syntheticSymbols(n: number): string[] {
  return Array.from({ length: n }, (_, i) => NAMED[i] ?? `SYN${String(i + 1).padStart(4, '0')}-USD`);
}

/**
 * A synthetic market: each symbol follows geometric Brownian motion with its own drift and
 * volatility; each tick picks a symbol at random. Fully determined by the seed and options, so two
 * runs produce the same ticks (prices, sizes, sides and exchange times).
 */
export class SyntheticMarket {
  private readonly rng: SeededRandom;
  private readonly states: SymbolState[];
  private index = 0;

  constructor(private readonly opts: SyntheticOptions) {
    if (opts.symbols < 1) throw new RangeError('at least one symbol');
    if (!(opts.stepMicros > 0)) throw new RangeError('stepMicros must be > 0');
    this.rng = new SeededRandom(opts.seed);
    this.states = syntheticSymbols(opts.symbols).map((symbol) => {
      const price = 10 + this.rng.next() * 990;
      return {
        symbol,
        price,
        mu: (this.rng.next() - 0.5) * 0.2,
        sigma: 0.2 + this.rng.next() * 0.6,
        decimals: price < 100 ? 4 : 2,
        lastTs: opts.startTs,
        stressed: false,
      };
    });
  }

  get symbols(): string[] {
    return this.states.map((s) => s.symbol);
  }

  next(): SyntheticTrade {
    const ts = this.opts.startTs + Math.round(this.index * this.opts.stepMicros);
    this.index++;
    const s = this.states[this.rng.int(this.states.length)] as SymbolState;
    const dt = Math.max(ts - s.lastTs, 1) / 1e6 / SECONDS_PER_YEAR;
    s.lastTs = ts;
    const z = this.rng.normal();
    // Extra draws only when a feature is on, so a plain market stays the same for the same seed.
    if (this.opts.regimeSwitchProb && this.rng.next() < this.opts.regimeSwitchProb) s.stressed = !s.stressed;
    const sigma = s.stressed ? s.sigma * 3 : s.sigma;
    s.price *= Math.exp((s.mu - 0.5 * sigma * sigma) * dt + sigma * Math.sqrt(dt) * z);
    if (this.opts.jumpProb && this.rng.next() < this.opts.jumpProb) {
      s.price *= Math.exp(((this.opts.jumpPct ?? 2) / 100) * this.rng.normal());
    }
    const unit = 10 ** -s.decimals;
    const price = Math.max(s.price, unit).toFixed(s.decimals);
    const size = (0.001 + this.rng.next() * 2).toFixed(3);
    return { symbol: s.symbol, ts, price, size, side: this.rng.next() < 0.5 ? 'buy' : 'sell' };
  }
}
