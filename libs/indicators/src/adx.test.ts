import fc from 'fast-check';
import { ADX as TiADX } from 'technicalindicators';
import { ADX as TsADX } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { ADX, type AdxResult, adxSeries } from './adx.ts';
import type { FirstBar } from './atr.ts';
import { arbBar, arbGenericBars, barContractTests, centBars, closeTo, realBars } from './bar-test-data.ts';
import type { Bar } from './indicator.ts';

const bar = (high: number, low: number, close: number): Bar => ({
  open: close,
  high,
  low,
  close,
  volume: 1,
  ts: 0,
});
const hlc = (b: Bar) => ({ high: b.high, low: b.low, close: b.close });

/** Wilder's worksheet from scratch: running sums TR14, +DM14, −DM14, then DX and its smoothing. */
function naiveAdx(bars: readonly Bar[], n: number, firstBar: FirstBar): (AdxResult | undefined)[] {
  const rows: { tr: number; p: number; m: number }[] = [];
  const dxs: number[] = [];
  let sTR = 0;
  let sP = 0;
  let sM = 0;
  let adx = 0;
  return bars.map((b, i) => {
    const prev = bars[i - 1];
    if (prev === undefined) {
      if (firstBar === 'skip') return undefined;
      rows.push({ tr: b.high - b.low, p: 0, m: 0 });
    } else {
      const up = b.high - prev.high;
      const down = prev.low - b.low;
      const tr = Math.max(b.high - b.low, Math.abs(b.high - prev.close), Math.abs(b.low - prev.close));
      rows.push({ tr, p: up > down && up > 0 ? up : 0, m: down > up && down > 0 ? down : 0 });
    }
    const row = rows[rows.length - 1] as { tr: number; p: number; m: number };
    if (rows.length < n) return undefined;
    if (rows.length === n) {
      for (const r of rows) [sTR, sP, sM] = [sTR + r.tr, sP + r.p, sM + r.m];
    } else {
      [sTR, sP, sM] = [sTR - sTR / n + row.tr, sP - sP / n + row.p, sM - sM / n + row.m];
    }
    const plusDI = sTR > 0 ? (100 * sP) / sTR : 0;
    const minusDI = sTR > 0 ? (100 * sM) / sTR : 0;
    const dx = plusDI + minusDI > 0 ? (100 * Math.abs(plusDI - minusDI)) / (plusDI + minusDI) : 0;
    dxs.push(dx);
    if (dxs.length < n) return undefined;
    adx = dxs.length === n ? dxs.reduce((a, x) => a + x, 0) / n : (adx * (n - 1) + dx) / n;
    return { adx, plusDI, minusDI, dx };
  });
}

const near = (got: AdxResult | undefined, want: AdxResult) =>
  closeTo(got?.adx, want.adx) &&
  closeTo(got?.plusDI, want.plusDI) &&
  closeTo(got?.minusDI, want.minusDI) &&
  closeTo(got?.dx, want.dx);

describe('ADX', () => {
  it("defaults to period 14, 'skip': DX ready after period + 1 bars, ADX after 2 * period", () => {
    const adx = new ADX();
    expect([adx.period, adx.firstBar]).toEqual([14, 'skip']);
    const small = new ADX(2);
    const bars = [bar(10, 9, 9.5), bar(11, 9.5, 10.5), bar(12, 10, 11.5), bar(11.5, 9, 9.5), bar(13, 10, 12)];
    const dxReady = bars.map((b) => {
      small.update(b);
      return small.dx !== undefined;
    });
    expect(dxReady).toEqual([false, false, true, true, true]);
    expect(small.isReady).toBe(true);
    const ready = new ADX(2);
    expect(bars.map((b) => ready.update(b) !== undefined)).toEqual([false, false, false, true, true]);
    const range = new ADX(2, { firstBar: 'range' });
    expect(bars.map((b) => range.update(b) !== undefined)).toEqual([false, false, true, true, true]);
  });

  it('counts a tie up == down > 0 as neither +DM nor −DM, and no movement as DX 0', () => {
    const adx = new ADX(1);
    adx.update(bar(10, 8, 9));
    expect(adx.update(bar(11, 7, 9))).toMatchObject({ plusDI: 0, minusDI: 0, dx: 0, adx: 0 }); // up 1 = down 1
    const flat = new ADX(2);
    for (let i = 0; i < 5; i++) flat.update(bar(5, 5, 5));
    expect(flat.value).toEqual({ adx: 0, plusDI: 0, minusDI: 0, dx: 0 });
  });

  it('matches Wilder’s worksheet computed from scratch, both seedings, on bars with ties and flat bars', () => {
    fc.assert(
      fc.property(
        fc.array(arbBar, { maxLength: 80, size: 'max' }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom<FirstBar>('skip', 'range'),
        (bars, period, firstBar) => {
          const want = naiveAdx(bars, period, firstBar);
          adxSeries(bars, period, { firstBar }).forEach((got, i) => {
            const w = want[i];
            if (w === undefined) expect(got).toBeUndefined();
            else expect(near(got, w)).toBe(true);
          });
        },
      ),
    );
  });

  const tsOracle = (bars: readonly Bar[], period: number) => {
    const oracle = new TsADX(period);
    const ours = new ADX(period, { firstBar: 'range' });
    for (const b of bars) {
      const want = oracle.add(hlc(b));
      const got = ours.update(b);
      if (want === null) {
        expect(got).toBeUndefined();
        continue;
      }
      // trading-signals' DIs are fractions, ours are percentages.
      const wantPdi = 100 * (oracle.pdi as number);
      const wantMdi = 100 * (oracle.mdi as number);
      expect(closeTo(got?.adx, want) && closeTo(got?.plusDI, wantPdi) && closeTo(got?.minusDI, wantMdi)).toBe(
        true,
      );
    }
  };

  const tiOracle = (bars: readonly Bar[], period: number) => {
    const oracle = new TiADX({ period, high: [], low: [], close: [] });
    const ours = new ADX(period, { firstBar: 'skip' });
    for (const b of bars) {
      // technicalindicators types nextValue's argument as a number; it reads one high/low/close bar.
      const want = oracle.nextValue(hlc(b) as never);
      const got = ours.update(b);
      // With no directional movement in the window (+DI + −DI = 0) it computes 0/0 = NaN for DX, which
      // then poisons its ADX for good; we define DX = 0 there. Nothing after it is comparable.
      if (want !== undefined && Number.isNaN(want.adx)) return;
      if (want === undefined) expect(got).toBeUndefined();
      else
        expect(
          closeTo(got?.adx, want.adx) && closeTo(got?.plusDI, want.pdi) && closeTo(got?.minusDI, want.mdi),
        ).toBe(true);
    }
  };

  it("matches trading-signals ADX with firstBar 'range' and technicalindicators ADX with 'skip'", () => {
    fc.assert(
      // trading-signals never computes DX on the first bar, so its ADX(1) starts one bar late.
      fc.property(arbGenericBars(0, 80), fc.integer({ min: 1, max: 20 }), (bars, period) => {
        if (period > 1) tsOracle(bars, period);
        tiOracle(bars, period);
      }),
      { numRuns: 60 },
    );
  });

  it('matches both oracles on GBM one-minute bars with float prices', () => {
    tsOracle(realBars, 14);
    tiOracle(realBars, 14);
  });

  it('matches technicalindicators on cent prices, where exact ties up == down occur', () => {
    const ties = centBars.filter((b, i) => {
      const prev = centBars[i - 1];
      return prev !== undefined && b.high - prev.high === prev.low - b.low && b.high > prev.high;
    });
    expect(ties.length).toBeGreaterThan(0); // trading-signals counts these as both +DM and −DM
    tiOracle(centBars, 14);
    tiOracle(centBars, 5);
  });

  it.each([[0], [-1], [2.5], [Number.POSITIVE_INFINITY]])('throws RangeError for period %j', (period) => {
    expect(() => new ADX(period)).toThrow(RangeError);
  });

  it('throws RangeError for an unknown firstBar', () => {
    expect(() => new ADX(14, { firstBar: 'both' as FirstBar })).toThrow(RangeError);
  });

  describe("contract, firstBar 'skip'", () => {
    barContractTests(
      () => new ADX(3),
      (bars) => adxSeries(bars, 3),
    );
  });

  describe("contract, firstBar 'range'", () => {
    barContractTests(
      () => new ADX(2, { firstBar: 'range' }),
      (bars) => adxSeries(bars, 2, { firstBar: 'range' }),
    );
  });
});
