import { isDecimalString, isValidSymbol } from '@tickflow/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from './random.ts';
import { SyntheticMarket, type SyntheticOptions, syntheticSymbols } from './synthetic.ts';

const OPTS: SyntheticOptions = { symbols: 5, seed: 42, startTs: 1_767_225_600_000_000, stepMicros: 1_000 };

const trades = (opts: SyntheticOptions, n = 1_000) => {
  const market = new SyntheticMarket(opts);
  return Array.from({ length: n }, () => market.next());
};

describe('SyntheticMarket', () => {
  it('produces the same 1,000 trades for the same seed', () => {
    expect(trades(OPTS)).toEqual(trades({ ...OPTS }));
  });

  it('produces different trades for a different seed', () => {
    const a = trades(OPTS);
    const b = trades({ ...OPTS, seed: 43 });
    expect(b).not.toEqual(a);
    expect(b.filter((t, i) => t.price === a[i]?.price).length).toBeLessThan(100);
  });

  it('produces positive decimal prices, non-negative sizes and a side', () => {
    for (const t of trades({ ...OPTS, symbols: 12 }, 5_000)) {
      expect(isDecimalString(t.price)).toBe(true);
      expect(Number(t.price)).toBeGreaterThan(0);
      expect(isDecimalString(t.size)).toBe(true);
      expect(Number(t.size)).toBeGreaterThan(0);
      expect(['buy', 'sell']).toContain(t.side);
    }
  });

  it('keeps prices positive for any seed, even at high volatility over long steps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        // One tick a day: big moves per step.
        for (const t of trades({ ...OPTS, seed, stepMicros: 86_400_000_000 }, 200)) {
          expect(isDecimalString(t.price) && /[1-9]/.test(t.price)).toBe(true);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('stamps trade i at startTs + i * stepMicros', () => {
    const ts = trades({ ...OPTS, stepMicros: 2.5 }, 100).map((t) => t.ts);
    expect(ts).toEqual(Array.from({ length: 100 }, (_, i) => OPTS.startTs + Math.round(i * 2.5)));
    expect(trades(OPTS, 3).map((t) => t.ts)).toEqual([
      OPTS.startTs,
      OPTS.startTs + 1_000,
      OPTS.startTs + 2_000,
    ]);
  });

  it('trades every one of its symbols and nothing else', () => {
    const market = new SyntheticMarket(OPTS);
    const seen = new Set(Array.from({ length: 1_000 }, () => market.next().symbol));
    expect([...seen].sort()).toEqual([...market.symbols].sort());
    expect(market.symbols).toEqual(syntheticSymbols(5));
  });

  it.each([[{ symbols: 0 }], [{ stepMicros: 0 }], [{ stepMicros: Number.NaN }]])(
    'throws RangeError for %j',
    (patch) => {
      expect(() => new SyntheticMarket({ ...OPTS, ...patch })).toThrow(RangeError);
    },
  );
});

describe('syntheticSymbols', () => {
  it('names 10 valid, unique symbols, the familiar ones first', () => {
    const names = syntheticSymbols(10);
    expect(names).toHaveLength(10);
    expect(new Set(names).size).toBe(10);
    for (const s of names) expect(isValidSymbol(s)).toBe(true);
    expect(names.slice(0, 2)).toEqual(['BTC-USD', 'ETH-USD']);
    expect(names.slice(8)).toEqual(['SYN0009-USD', 'SYN0010-USD']);
  });

  it('names valid, unique symbols for large counts', () => {
    const names = syntheticSymbols(2_000);
    expect(new Set(names).size).toBe(2_000);
    expect(names.every(isValidSymbol)).toBe(true);
  });
});

describe('SeededRandom', () => {
  it('returns values in [0, 1) for any seed', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = new SeededRandom(seed);
        for (let i = 0; i < 200; i++) {
          const x = rng.next();
          expect(x >= 0 && x < 1).toBe(true);
        }
      }),
    );
  });

  it('repeats its sequence for the same seed and differs for another', () => {
    const seq = (seed: number) => {
      const rng = new SeededRandom(seed);
      return Array.from({ length: 50 }, () => rng.next());
    };
    expect(seq(7)).toEqual(seq(7));
    expect(seq(7)).not.toEqual(seq(8));
    expect(new Set(seq(7)).size).toBe(50);
  });

  it('draws integers in [0, max) covering every value', () => {
    const rng = new SeededRandom(1);
    const seen = new Set<number>();
    for (let i = 0; i < 1_000; i++) {
      const k = rng.int(6);
      expect(Number.isInteger(k) && k >= 0 && k < 6).toBe(true);
      seen.add(k);
    }
    expect(seen.size).toBe(6);
  });

  it('draws standard normals with mean near 0 and variance near 1', () => {
    const rng = new SeededRandom(3);
    const xs = Array.from({ length: 20_000 }, () => rng.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});
