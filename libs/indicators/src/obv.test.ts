import fc from 'fast-check';
import { OBV as TiOBV } from 'technicalindicators';
import { OBV as TsOBV } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { arbBar, arbGenericBars, barContractTests, centBars, closeTo, realBars } from './bar-test-data.ts';
import type { Bar } from './indicator.ts';
import { OBV, obvSeries } from './obv.ts';

const bar = (close: number, volume: number): Bar => ({
  open: close,
  high: close,
  low: close,
  close,
  volume,
  ts: 0,
});

describe('OBV', () => {
  it('starts at 0, adds volume on an up close, subtracts it on a down close, keeps it on a flat one', () => {
    const obv = new OBV();
    expect(obv.value).toBeUndefined();
    expect(obv.isReady).toBe(false);
    expect([bar(10, 5), bar(11, 7), bar(9, 3), bar(9, 100), bar(12, 1)].map((b) => obv.update(b))).toEqual([
      0, 7, 4, 4, 5,
    ]);
    expect(obv.isReady).toBe(true);
  });

  it('equals the running signed-volume sum from scratch', () => {
    fc.assert(
      fc.property(fc.array(arbBar, { maxLength: 100, size: 'max' }), (bars) => {
        let total = 0;
        const want = bars.map((b, i) => {
          const prev = bars[i - 1];
          if (prev !== undefined) total += Math.sign(b.close - prev.close) * b.volume;
          return total;
        });
        obvSeries(bars).forEach((got, i) => {
          expect(closeTo(got, want[i] as number)).toBe(true);
        });
      }),
    );
  });

  const check = (bars: readonly Bar[]) => {
    // trading-signals OBV(2) is the classic OBV; OBV(n > 2) ignores the moves of bars 2..n-1.
    const ts = new TsOBV(2);
    const ti = new TiOBV({ close: [], volume: [] });
    const ours = new OBV();
    bars.forEach((b, i) => {
      const got = ours.update(b);
      const fromTs = ts.add(b);
      const fromTi = ti.nextValue(b);
      if (i === 0) {
        // Both oracles start at the second bar; we start at 0 on the first.
        expect([got, fromTs, fromTi]).toEqual([0, null, undefined]);
      } else {
        expect(closeTo(got, fromTs as number)).toBe(true);
        expect(closeTo(got, fromTi as number)).toBe(true);
      }
    });
  };

  it('matches trading-signals OBV(2) and technicalindicators OBV from the second bar on', () => {
    fc.assert(fc.property(arbGenericBars(1, 100), check), { numRuns: 50 });
    check(realBars);
    check(centBars); // cent prices: many unchanged closes
  });

  describe('contract', () => {
    barContractTests(
      () => new OBV(),
      (bars) => obvSeries(bars),
    );
  });
});
