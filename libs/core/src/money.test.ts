import { describe, expect, it } from 'vitest';
import { cents, Dec, dec, InvalidDecimalError, isDecimalString, money, plain } from './money.ts';

describe('dec', () => {
  it.each(['0', '1', '-1', '42.5', '0.00000001', '-0.10', '123456789012345678901234567890.123456789'])(
    'parses the plain decimal string %s exactly',
    (s) => {
      expect(dec(s).eq(new Dec(s))).toBe(true);
    },
  );

  it.each([
    ['1e5'],
    ['1E5'],
    ['NaN'],
    ['Infinity'],
    ['-Infinity'],
    [''],
    [' 1'],
    ['1 '],
    ['+1'],
    ['.5'],
    ['1.'],
    ['0x10'],
    ['1,5'],
  ])('refuses %j with InvalidDecimalError', (s) => {
    expect(() => dec(s)).toThrow(InvalidDecimalError);
  });

  it.each([[0.1], [1], [Number.NaN], [null], [undefined]])('refuses the non-string %j', (v) => {
    expect(() => dec(v as unknown as string)).toThrow(InvalidDecimalError);
  });

  it('keeps the refused input on the error', () => {
    expect(() => dec('1e5')).toThrow(expect.objectContaining({ name: 'InvalidDecimalError', input: '1e5' }));
  });

  it('returns a Dec unchanged', () => {
    const d = new Dec('3.5');
    expect(dec(d)).toBe(d);
  });

  it('adds 0.1 and 0.2 to exactly 0.3', () => {
    expect(dec('0.1').plus(dec('0.2')).eq(dec('0.3'))).toBe(true);
    expect(plain(dec('0.1').plus(dec('0.2')))).toBe('0.3');
  });

  it('sums a thousand cents to exactly 10', () => {
    let sum = dec('0');
    for (let i = 0; i < 1000; i++) sum = sum.plus(dec('0.01'));
    expect(plain(sum)).toBe('10');
  });
});

describe('isDecimalString', () => {
  it('accepts what dec accepts and refuses longer than 64 characters', () => {
    expect(isDecimalString('12.34')).toBe(true);
    expect(isDecimalString('1'.repeat(64))).toBe(true);
    expect(isDecimalString('1'.repeat(65))).toBe(false);
    expect(isDecimalString('1e3')).toBe(false);
    expect(isDecimalString(12)).toBe(false);
  });
});

describe('money', () => {
  it('formats with exactly 8 decimal places', () => {
    expect(money(dec('20'))).toBe('20.00000000');
    expect(money(dec('-0.5'))).toBe('-0.50000000');
  });

  it('rounds half to even at the 8th decimal place', () => {
    expect(money(dec('0.000000005'))).toBe('0.00000000');
    expect(money(dec('0.000000015'))).toBe('0.00000002');
    expect(money(dec('0.000000025'))).toBe('0.00000002');
    expect(money(dec('-0.000000015'))).toBe('-0.00000002');
    expect(money(dec('1.123456785000000001'))).toBe('1.12345679');
  });

  it('never uses exponent notation', () => {
    expect(money(dec('123456789012345678901234567890'))).toBe('123456789012345678901234567890.00000000');
    expect(plain(dec('0.0000000000000000000001'))).toBe('0.0000000000000000000001');
  });
});

describe('cents', () => {
  it('rounds half to even to 2 decimal places', () => {
    expect(cents(dec('1.005'))).toBe('1.00');
    expect(cents(dec('1.015'))).toBe('1.02');
    expect(cents(dec('1.0151'))).toBe('1.02');
    expect(cents(dec('7'))).toBe('7.00');
    expect(cents(dec('-2.345'))).toBe('-2.34');
  });
});
