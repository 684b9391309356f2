import { describe, expect, it } from 'vitest';
import {
  BinanceFormatError,
  binanceColumns,
  binanceRow,
  detectUnit,
  TimeUnitError,
  unitOf,
} from './binance-rows.ts';

describe('Binance trades dump rows', () => {
  it('reads a spot file (no header, 7 cells) by position', () => {
    const c = binanceColumns('f', '1,100.5,0.1,10.05,1772445600000,true,true');
    expect(c).toEqual({ id: 0, price: 1, qty: 2, time: 4, buyerMaker: 5, width: 7, header: false });
    expect(binanceRow('1,100.5,0.1,10.05,1772445600000,true,true', c)).toEqual({
      ok: true,
      id: 1,
      price: '100.5',
      qty: '0.1',
      time: 1772445600000,
      buyerMaker: true,
    });
  });

  it('reads a header by name, in any order and case', () => {
    const c = binanceColumns('f', 'time,IS_BUYER_MAKER,id,qty,price,quote_qty');
    expect(c).toEqual({ id: 2, price: 4, qty: 3, time: 0, buyerMaker: 1, width: 6, header: true });
  });

  it('refuses a header without the time column, naming it', () => {
    expect(() => binanceColumns('f', 'id,price,qty,is_buyer_maker')).toThrow(BinanceFormatError);
    expect(() => binanceColumns('f', 'id,price,qty,is_buyer_maker')).toThrow(/lacks time/);
  });

  it('tells milliseconds from microseconds by their digits and refuses anything else', () => {
    expect(unitOf(1772445600000)).toBe('ms');
    expect(unitOf(1772445600000000)).toBe('us');
    expect(unitOf(1772445600)).toBeUndefined(); // seconds
    expect(unitOf(17724456000000)).toBeUndefined(); // 14 digits
  });

  it('detects the unit only when every recognisable time agrees', () => {
    expect(detectUnit('f', [1772445600000, 1772445600001, 42])).toBe('ms');
    expect(detectUnit('f', [1772445600000000])).toBe('us');
    expect(() => detectUnit('f', [1772445600000, 1772445600000000])).toThrow(TimeUnitError);
    expect(() => detectUnit('f', [1772445600])).toThrow(/no .*|none of its first 1 rows/);
  });
});
