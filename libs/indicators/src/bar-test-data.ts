/**
 * Test-only data for the bar indicator tests (not exported from the package index): fast-check
 * arbitraries for valid OHLCV bars, a deterministic GBM trade path turned into 1-minute bars by the
 * bar builder, and the relative float comparison the oracle tests use.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { barsOf, MINUTE_BARS, type Trade } from './bar-builder.ts';
import { type Bar, type Indicator, type IndicatorState, IndicatorStateError } from './indicator.ts';

/** |a - e| <= rel * max(1, |e|): relative for large values, absolute near zero (DX, OBV crossing 0). */
export function closeTo(actual: number | undefined | null, expected: number, rel = 1e-9): boolean {
  return typeof actual === 'number' && Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected));
}

const unit = fc.double({ min: 0, max: 1, noNaN: true }).map((u) => u + 0); // + 0 folds -0 into 0

/**
 * Valid bars (low <= open, close <= high; volume >= 0) with fast-check's bias towards edge values:
 * flat bars, zero volume, open or close on the high or low. For properties that hold for every bar.
 */
export const arbBar: fc.Arbitrary<Bar> = fc
  .record({
    low: fc.double({ min: 0.01, max: 1e5, noNaN: true }),
    range: fc.double({ min: 0, max: 1e3, noNaN: true }),
    o: unit,
    c: unit,
    // Zero or a plausible size: subnormal volumes would make p * v underflow, which no feed sends.
    volume: fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1e6, noNaN: true })),
  })
  .map(({ low, range, o, c, volume }) => {
    const high = low + range;
    const clamp = (x: number) => Math.min(high, Math.max(low, x));
    return { ts: 0, low, high, open: clamp(low + o * range), close: clamp(low + c * range), volume };
  });

/**
 * Bars with "generic" float values (an integer seed through a non-linear map): no two moves are exactly
 * equal, no window is flat and volume is > 0, so the oracle tests never hit the tie and 0/0 cases where
 * the oracles' conventions differ from ours (those have their own hand-written tests).
 */
export const arbGenericBars = (minLength: number, maxLength: number): fc.Arbitrary<Bar[]> =>
  fc
    .array(fc.tuple(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 1, max: 2 ** 30 })), {
      minLength,
      maxLength,
      size: 'max',
    })
    .map((seeds) => {
      let mid = 100;
      return seeds.map(([a, b], i) => {
        const f = (x: number) => (Math.sqrt(x) * 0.6180339887498949) % 1; // in [0, 1), irrational-looking
        mid *= 1 + 0.04 * (f(a) - 0.5);
        const half = mid * (0.001 + 0.02 * f(b));
        const low = mid - half;
        const high = mid + half * (1 + f(a + b) * 0.1);
        const open = low + (high - low) * f(a ^ b);
        const close = low + (high - low) * f(a * 3 + b);
        return { ts: i * 60_000_000, open, high, low, close, volume: 1 + 1000 * f(b * 7 + a) };
      });
    });

/** Deterministic 32-bit PRNG (mulberry32), uniform in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A geometric Brownian motion trade path: ~1 trade/s (exponential gaps), 60 %/yr volatility, sizes
 * log-normal-ish. `tick` rounds prices to a price grid (0.01 = cents), which creates exact ties.
 */
export function gbmTrades(
  n: number,
  seed: number,
  tick = 0,
  start = Date.UTC(2024, 0, 2, 14, 30) * 1000,
): Trade[] {
  const rand = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const sigmaPerSqrtUs = 0.6 / Math.sqrt(365 * 86_400e6);
  const trades: Trade[] = [];
  let ts = start;
  let p = 100;
  for (let i = 0; i < n; i++) {
    const dt = Math.max(1, Math.round(-Math.log(1 - rand()) * 1e6));
    ts += dt;
    p *= Math.exp(sigmaPerSqrtUs * Math.sqrt(dt) * gauss());
    const price = tick > 0 ? Math.round(p / tick) * tick : p;
    trades.push({ price, size: Math.round(Math.exp(2 + 1.5 * gauss())) + 1, ts });
  }
  return trades;
}

/** ~330 one-minute bars from 20,000 GBM trades (float prices, no ties). */
export const realBars: Bar[] = barsOf(gbmTrades(20_000, 42), MINUTE_BARS);
/** The same path on a cent grid: exact ties in highs/lows, as real prices have. */
export const centBars: Bar[] = barsOf(gbmTrades(20_000, 42, 0.01), MINUTE_BARS);

/**
 * The contract properties every bar indicator shares (indicator.ts): `replace` revises the last bar
 * exactly (state and value), a JSON round trip of `snapshot()` mid-stream resumes identically, and the
 * batch form equals streaming. Registered as vitest cases inside the caller's describe.
 */
export function barContractTests<Out>(
  make: () => Indicator<Bar, Out>,
  series: (bars: readonly Bar[]) => (Out | undefined)[],
): void {
  // Copies reused result objects so a later update can't change what was recorded.
  const copy = (x: Out | undefined) => (x !== null && typeof x === 'object' ? { ...x } : x);
  const bars = fc.array(arbBar, { maxLength: 60, size: 'max' });

  it('replace revises the last bar exactly: update(a..b), replace(c) == update(a..c)', () => {
    fc.assert(
      fc.property(
        bars,
        arbBar,
        arbBar,
        fc.array(arbBar, { maxLength: 10, size: 'max' }),
        (prefix, b, c, after) => {
          const revised = make();
          const direct = make();
          for (const bar of prefix) {
            revised.update(bar);
            direct.update(bar);
          }
          revised.update(b);
          const got = copy(revised.replace(c));
          expect(got).toEqual(copy(direct.update(c)));
          expect(revised.snapshot()).toEqual(direct.snapshot());
          expect(revised.isReady).toBe(direct.isReady);
          for (const bar of after) expect(copy(revised.update(bar))).toEqual(copy(direct.update(bar)));
        },
      ),
    );
  });

  it('replace before any update is an update, and repeated replaces keep only the last', () => {
    fc.assert(
      fc.property(bars, fc.array(arbBar, { minLength: 1, maxLength: 5 }), (prefix, revisions) => {
        const revised = make();
        const direct = make();
        for (const bar of prefix) direct.update(bar);
        const last = revisions[revisions.length - 1] as Bar;
        direct.update(last);
        prefix.forEach((bar, i) => {
          if (i === 0) revised.replace(bar);
          else revised.update(bar);
        });
        if (prefix.length > 0) revised.update(revisions[0] as Bar);
        for (const bar of revisions) revised.replace(bar);
        expect(revised.snapshot()).toEqual(direct.snapshot());
        expect(copy(revised.value)).toEqual(copy(direct.value));
      }),
    );
  });

  it('resumes identically from a JSON snapshot taken mid-stream', () => {
    fc.assert(
      fc.property(bars, bars, arbBar, (head, tail, revision) => {
        const original = make();
        for (const bar of head) original.update(bar);
        const resumed = make();
        resumed.restore(JSON.parse(JSON.stringify(original.snapshot())));
        expect(resumed.snapshot()).toEqual(original.snapshot());
        expect(copy(resumed.value)).toEqual(copy(original.value));
        expect(copy(resumed.replace(revision))).toEqual(copy(original.replace(revision)));
        for (const bar of tail) expect(copy(resumed.update(bar))).toEqual(copy(original.update(bar)));
      }),
    );
  });

  it('rejects a state of another kind with IndicatorStateError', () => {
    expect(() => make().restore({ kind: 'Nope' })).toThrow(IndicatorStateError);
    const state = make().snapshot();
    for (const key of Object.keys(state).filter((k) => k !== 'kind' && state[k] !== null)) {
      const broken: IndicatorState = { ...state, [key]: 'garbage' };
      expect(() => make().restore(broken), key).toThrow(IndicatorStateError);
    }
  });

  it('batch form equals streaming', () => {
    fc.assert(
      fc.property(bars, (input) => {
        const streaming = make();
        expect(series(input)).toEqual(input.map((bar) => copy(streaming.update(bar))));
      }),
    );
  });

  it.each([
    ['NaN close', { open: 1, high: 2, low: 1, close: Number.NaN, volume: 1, ts: 0 }],
    ['infinite high', { open: 1, high: Number.POSITIVE_INFINITY, low: 1, close: 1, volume: 1, ts: 0 }],
    ['low above high', { open: 1, high: 1, low: 2, close: 1, volume: 1, ts: 0 }],
    ['negative volume', { open: 1, high: 2, low: 1, close: 1, volume: -1, ts: 0 }],
  ])('throws RangeError on a bar with %s, leaving the state unchanged', (_, bad) => {
    const ind = make();
    ind.update({ open: 1, high: 2, low: 0.5, close: 1.5, volume: 10, ts: 0 });
    const before = ind.snapshot();
    expect(() => ind.update(bad)).toThrow(RangeError);
    expect(() => ind.replace(bad)).toThrow(RangeError);
    expect(ind.snapshot()).toEqual(before);
  });
}
