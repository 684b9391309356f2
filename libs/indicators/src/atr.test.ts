import fc from 'fast-check';
import { ATR as TiATR, TrueRange as TiTrueRange } from 'technicalindicators';
import { ATR as TsATR, TR as TsTR } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { ATR, atrSeries, type FirstBar, TrueRange, trueRange, trueRangeSeries } from './atr.ts';
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

/** The definition from scratch: TR list, mean of the first `period`, then Wilder's recursion. */
function naiveAtr(bars: readonly Bar[], period: number, firstBar: FirstBar): (number | undefined)[] {
  let atr: number | undefined;
  const trs: number[] = [];
  return bars.map((b, i) => {
    const prev = bars[i - 1];
    if (prev === undefined && firstBar === 'skip') return undefined;
    const tr = prev === undefined ? b.high - b.low : trueRange(b.high, b.low, prev.close);
    trs.push(tr);
    if (trs.length === period) atr = trs.reduce((a, x) => a + x, 0) / period;
    else if (trs.length > period && atr !== undefined) atr += (tr - atr) / period;
    return atr;
  });
}

describe('TrueRange', () => {
  it('is the largest of high - low and the gaps from the previous close', () => {
    expect(trueRange(12, 10, 11)).toBe(2);
    expect(trueRange(12, 10, 15)).toBe(5); // gap down
    expect(trueRange(12, 10, 7)).toBe(5); // gap up
  });

  it("gives nothing on the first bar with 'skip' and high - low with 'range'", () => {
    expect(new TrueRange().update(bar(12, 10, 11))).toBeUndefined();
    expect(new TrueRange({ firstBar: 'range' }).update(bar(12, 10, 11))).toBe(2);
  });

  it('matches trading-signals TR (range) and technicalindicators TrueRange (skip)', () => {
    for (const bars of [realBars, centBars]) {
      const ts = new TsTR();
      const ti = new TiTrueRange({ high: [], low: [], close: [] });
      const range = new TrueRange({ firstBar: 'range' });
      const skip = new TrueRange({ firstBar: 'skip' });
      for (const b of bars) {
        expect(closeTo(range.update(b), ts.add(hlc(b)) as number)).toBe(true);
        const want = ti.nextValue(hlc(b) as never); // typed as a full candle; it reads high/low/close
        const got = skip.update(b);
        if (want === undefined) expect(got).toBeUndefined();
        else expect(closeTo(got, want)).toBe(true);
      }
    }
  });

  describe('contract', () => {
    barContractTests(
      () => new TrueRange(),
      (bars) => trueRangeSeries(bars),
    );
  });
});

describe('ATR', () => {
  it("defaults to period 14, firstBar 'skip': ready after period + 1 bars, 'range' after period", () => {
    const bars = [bar(11, 9, 10), bar(12, 10, 11), bar(14, 11, 13), bar(13, 12, 12)];
    const skip = new ATR(2);
    expect(new ATR().period).toBe(14);
    expect(skip.firstBar).toBe('skip');
    // TRs from bar 2: 2, 3, 1 -> ATR (2+3)/2 = 2.5, then 2.5 + (1 - 2.5)/2 = 1.75
    expect(bars.map((b) => skip.update(b))).toEqual([undefined, undefined, 2.5, 1.75]);
    const range = new ATR(2, { firstBar: 'range' });
    // TRs: 2 (high - low), 2, 3, 1 -> 2, 2.5, 1.75
    expect(bars.map((b) => range.update(b))).toEqual([undefined, 2, 2.5, 1.75]);
    expect(range.trueRange).toBe(1);
  });

  it('matches the from-scratch definition, both seedings', () => {
    fc.assert(
      fc.property(
        fc.array(arbBar, { maxLength: 80, size: 'max' }),
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom<FirstBar>('skip', 'range'),
        (bars, period, firstBar) => {
          const want = naiveAtr(bars, period, firstBar);
          const got = atrSeries(bars, period, { firstBar });
          got.forEach((g, i) => {
            const w = want[i];
            if (w === undefined) expect(g).toBeUndefined();
            else expect(closeTo(g, w)).toBe(true);
          });
        },
      ),
    );
  });

  const tsOracle = (bars: readonly Bar[], period: number) => {
    const oracle = new TsATR(period);
    const ours = new ATR(period, { firstBar: 'range' });
    for (const b of bars) {
      const want = oracle.add(hlc(b));
      const got = ours.update(b);
      if (want === null) expect(got).toBeUndefined();
      else expect(closeTo(got, want)).toBe(true);
    }
  };

  const tiOracle = (bars: readonly Bar[], period: number) => {
    const oracle = new TiATR({ period, high: [], low: [], close: [] });
    const ours = new ATR(period, { firstBar: 'skip' });
    for (const b of bars) {
      const want = oracle.nextValue(hlc(b) as never); // typed as a full candle; it reads high/low/close
      const got = ours.update(b);
      if (want === undefined) expect(got).toBeUndefined();
      else expect(closeTo(got, want)).toBe(true);
    }
  };

  it("matches trading-signals ATR with firstBar 'range' and technicalindicators ATR with 'skip'", () => {
    fc.assert(
      fc.property(arbGenericBars(0, 80), fc.integer({ min: 1, max: 20 }), (bars, period) => {
        tsOracle(bars, period);
        tiOracle(bars, period);
      }),
      { numRuns: 60 },
    );
  });

  it('matches both oracles on GBM one-minute bars, float and cent prices', () => {
    for (const bars of [realBars, centBars]) {
      tsOracle(bars, 14);
      tiOracle(bars, 14);
    }
  });

  it.each([[0], [-3], [1.5], [Number.NaN]])('throws RangeError for period %j', (period) => {
    expect(() => new ATR(period)).toThrow(RangeError);
  });

  it('throws RangeError for an unknown firstBar', () => {
    expect(() => new ATR(14, { firstBar: 'first' as FirstBar })).toThrow(RangeError);
  });

  describe("contract, firstBar 'skip'", () => {
    barContractTests(
      () => new ATR(3),
      (bars) => atrSeries(bars, 3),
    );
  });

  describe("contract, firstBar 'range'", () => {
    barContractTests(
      () => new ATR(3, { firstBar: 'range' }),
      (bars) => atrSeries(bars, 3, { firstBar: 'range' }),
    );
  });
});
