import { Dec } from '@tickflow/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalDecimal, sameDecimal } from './sql.ts';

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
