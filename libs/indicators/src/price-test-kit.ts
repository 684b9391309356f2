/**
 * Test support for the price-series indicator tests (imported by `*.test.ts` only, not exported from
 * the package): float comparison, deterministic price paths, fast-check arbitraries, and the two
 * contract checks every indicator gets (exact replace, snapshot round trip).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Indicator, IndicatorStateError } from './indicator.ts';

/** |actual − expected| ≤ rel · max(1, |expected|): relative for large values, absolute near zero. */
export function closeTo(actual: number | undefined, expected: number, rel = 1e-9): boolean {
  return actual !== undefined && Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected));
}

/** Asserts closeTo, with a message that shows both numbers and where they came from. */
export function expectClose(actual: number | undefined, expected: number, where: string, rel = 1e-9): void {
  if (!closeTo(actual, expected, rel))
    expect.fail(`${where}: got ${actual}, expected ${expected} (rel ${rel})`);
}

/** mulberry32: a tiny seeded PRNG, so "random" paths are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A real-shaped price path: geometric Brownian motion around 100 (1 % per step), with a ±3–8 % jump
 * on about one step in 200, prices rounded to the cent like an exchange would quote them (so flat
 * stretches and exact repeats occur, as in real ticks).
 */
export function gbmPath(length = 2000, seed = 20240601): number[] {
  const rand = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const out: number[] = [];
  let price = 100;
  for (let i = 0; i < length; i++) {
    let logReturn = 0.01 * normal() - 0.00005;
    if (rand() < 0.005) logReturn += (rand() < 0.5 ? -1 : 1) * (0.03 + 0.05 * rand());
    price *= Math.exp(logReturn);
    out.push(Math.round(price * 100) / 100);
  }
  return out;
}

/** Independent prices spread over many orders of magnitude (the hard case for running sums). */
export const wildPrices = (maxLength = 120) =>
  fc.array(fc.double({ min: 0.01, max: 100_000, noNaN: true, noDefaultInfinity: true }), { maxLength });

/** A random walk from 100 with steps of up to ±5 %, cent-rounded (repeats and flat runs happen). */
export const walkPrices = (maxLength = 120) =>
  fc.array(fc.integer({ min: -500, max: 500 }), { maxLength }).map((steps) => {
    let p = 100;
    return steps.map((s) => {
      p = Math.max(0.01, Math.round(p * (1 + s / 10_000) * 100) / 100);
      return p;
    });
  });

/** Both kinds of random series. */
export const anyPrices = (maxLength = 120) => fc.oneof(wildPrices(maxLength), walkPrices(maxLength));

/** trading-signals' `getResult()` (null until ready) as `undefined`, to compare with ours. */
export function resultOf<T>(oracle: { getResult(): T | null }): T | undefined {
  return oracle.getResult() ?? undefined;
}

/** Feeds a trading-signals indicator and collects `getResult()` after each value. */
export function feedTradingSignals<T>(
  oracle: { add(x: number): unknown; getResult(): T | null },
  values: readonly number[],
): (T | undefined)[] {
  return values.map((x) => {
    oracle.add(x);
    return resultOf(oracle);
  });
}

type AnyIndicator = Indicator<number, unknown>;

/**
 * `update(a…); update(b); replace(c)` must leave the same state (snapshot, value) as
 * `update(a…); update(c)`; a second replace must do the same again.
 */
export function expectExactReplace(
  make: () => AnyIndicator,
  prefix: readonly number[],
  b: number,
  c: number,
): void {
  const revised = make();
  const direct = make();
  for (const x of prefix) {
    revised.update(x);
    direct.update(x);
  }
  revised.update(b);
  const replaced = structuredClone(revised.replace(c));
  const updated = structuredClone(direct.update(c));
  expect(replaced).toEqual(updated);
  expect(revised.snapshot()).toEqual(direct.snapshot());
  expect(revised.isReady).toBe(direct.isReady);
  revised.replace(b);
  revised.replace(c);
  expect(revised.snapshot()).toEqual(direct.snapshot());
}

/**
 * Snapshot mid-stream through JSON, restore into a fresh instance, then feed both the same values
 * (including a replace): outputs and states must stay identical.
 */
export function expectSnapshotRoundTrip(
  make: () => AnyIndicator,
  prefix: readonly number[],
  rest: readonly number[],
) {
  const original = make();
  for (const x of prefix) original.update(x);
  const restored = make();
  restored.restore(JSON.parse(JSON.stringify(original.snapshot())));
  expect(restored.snapshot()).toEqual(original.snapshot());
  expect(structuredClone(restored.value)).toEqual(structuredClone(original.value));
  for (const x of rest)
    expect(structuredClone(restored.update(x))).toEqual(structuredClone(original.update(x)));
  if (rest.length > 0) {
    const x = (rest[0] as number) * 1.01;
    expect(structuredClone(restored.replace(x))).toEqual(structuredClone(original.replace(x)));
  }
  expect(restored.isReady).toBe(original.isReady);
}

/** A price series of length 1–`maxLength` and one more price, for replace tests. */
const prefixAndTwo = (prices: fc.Arbitrary<number[]>) =>
  fc.tuple(
    prices,
    fc.double({ min: 0.01, max: 1000, noNaN: true }),
    fc.double({ min: 0.01, max: 1000, noNaN: true }),
  );

export interface ContractOptions {
  /** Valid inputs for this indicator (default: `anyPrices()`). */
  prices?: fc.Arbitrary<number[]>;
  /** The batch function with the same parameters as `make`, for the streaming == batch property. */
  series?: (values: readonly number[]) => unknown[];
}

/**
 * The contract tests every price indicator shares (see indicator.ts): exact replace, snapshot
 * round trip through JSON, rejection of bad restores and of non-finite inputs, batch == streaming.
 */
export function describeIndicatorContract(
  label: string,
  make: () => AnyIndicator,
  options: ContractOptions = {},
) {
  const prices = options.prices ?? anyPrices();
  describe(`${label} contract`, () => {
    it('replace revises the last value exactly as if it had been added instead', () => {
      fc.assert(
        fc.property(prefixAndTwo(prices), ([prefix, b, c]) => expectExactReplace(make, prefix, b, c)),
      );
    });

    it('replace before any update is an update', () => {
      const replaced = make();
      const updated = make();
      replaced.replace(100);
      updated.update(100);
      expect(replaced.snapshot()).toEqual(updated.snapshot());
    });

    it('restores a JSON snapshot into a fresh instance that then tracks the original', () => {
      fc.assert(
        fc.property(prices, prices, (prefix, rest) => expectSnapshotRoundTrip(make, prefix, rest)),
        { numRuns: 50 },
      );
    });

    it('rejects a snapshot of another kind or with a broken field with IndicatorStateError', () => {
      const indicator = make();
      for (const x of gbmPath(50)) indicator.update(x);
      const good = indicator.snapshot();
      const before = JSON.stringify(indicator.snapshot());
      expect(() => indicator.restore({ ...good, kind: 'Nope' })).toThrow(IndicatorStateError);
      for (const key of Object.keys(good).filter((k) => k !== 'kind')) {
        expect(() => indicator.restore({ ...good, [key]: 'broken' }), key).toThrow(IndicatorStateError);
      }
      // A refused restore leaves the instance as it was.
      expect(JSON.stringify(indicator.snapshot())).toBe(before);
    });

    it.each([[Number.NaN], [Number.POSITIVE_INFINITY], [Number.NEGATIVE_INFINITY]])(
      'throws RangeError for input %s and keeps its state',
      (bad) => {
        const indicator = make();
        for (const x of gbmPath(40)) indicator.update(x);
        const before = JSON.stringify(indicator.snapshot());
        expect(() => indicator.update(bad)).toThrow(RangeError);
        expect(() => indicator.replace(bad)).toThrow(RangeError);
        expect(JSON.stringify(indicator.snapshot())).toBe(before);
      },
    );

    const series = options.series;
    if (series) {
      it('batch series equals streaming updates', () => {
        fc.assert(
          fc.property(prices, (values) => {
            const streaming = make();
            expect(series(values)).toEqual(values.map((x) => structuredClone(streaming.update(x))));
          }),
        );
      });
    }
  });
}

/**
 * Asserts two output series agree: undefined at the same indexes (same warm-up) and within `rel`
 * elsewhere.
 */
export function expectSameSeries(
  ours: readonly (number | undefined)[],
  theirs: readonly (number | undefined)[],
  where: string,
  rel = 1e-9,
): void {
  expect(ours.length).toBe(theirs.length);
  ours.forEach((got, i) => {
    const want = theirs[i];
    if (want === undefined) {
      if (got !== undefined) expect.fail(`${where}[${i}]: got ${got}, oracle is not ready`);
    } else {
      expectClose(got, want, `${where}[${i}]`, rel);
    }
  });
}
