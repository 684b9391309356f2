import { Dec } from '@tickflow/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalDecimal, doubles, sameDecimal } from './sql.ts';

const decimal = fc
  .tuple(fc.boolean(), fc.stringMatching(/^\d{1,12}$/), fc.stringMatching(/^\d{0,10}$/))
  .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`);

describe('canonicalDecimal and sameDecimal', () => {
  it('canonicalises as decimal.js prints the value', () => {
    fc.assert(
      fc.property(decimal, (s) => {
        expect(canonicalDecimal(s)).toBe(new Dec(s).toFixed());
      }),
      { numRuns: 5000 },
    );
    expect(canonicalDecimal('0100.2500')).toBe('100.25');
    expect(canonicalDecimal('-0.000')).toBe('0');
    expect(canonicalDecimal('+7.10')).toBe('7.1');
  });

  it('agrees with decimal.js equality on any two decimals, DuckDB text included', () => {
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        expect(sameDecimal(a, b)).toBe(new Dec(a).eq(b));
        expect(sameDecimal(new Dec(a).toFixed(10), a)).toBe(true);
      }),
      { numRuns: 5000 },
    );
    expect(sameDecimal('1e2', '100')).toBe(true);
    expect(sameDecimal('100.0000000001', '100')).toBe(false);
  });
});

describe('doubles', () => {
  it('reads a DOUBLE column as a Float64Array, through the vector or, failing that, getItem', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      const result = await conn.run('SELECT (i * 1.5)::DOUBLE AS x FROM range(5000) t(i)');
      const chunk = await result.fetchChunk();
      const vector = chunk?.getColumnVector(0);
      if (!vector) throw new Error('no chunk');
      const expected = Float64Array.from({ length: vector.itemCount }, (_, i) => i * 1.5);
      expect(doubles(vector)).toEqual(expected);
      // A vector without the internal array (another node API version) is copied value by value.
      const opaque = { itemCount: vector.itemCount, getItem: (i: number) => vector.getItem(i) };
      expect(doubles(opaque as unknown as typeof vector)).toEqual(expected);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});
