import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from './csv.ts';
import { numericColumn, table, textColumn } from './table.ts';

describe('csvField', () => {
  it('quotes a field holding a comma, quote, CR or LF and doubles its quotes (RFC 4180)', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
  });

  it('writes plain values as they are and null as an empty field', () => {
    expect(csvField('BTC-USD')).toBe('BTC-USD');
    expect(csvField(0.125)).toBe('0.125');
    expect(csvField('-12.50000000')).toBe('-12.50000000');
    expect(csvField(null)).toBe('');
  });
});

describe('toCsv', () => {
  it('writes a header of column keys and the raw records, not the display values, in CRLF lines', () => {
    const t = table(
      'pnl',
      'P&L',
      [
        textColumn('symbol', 'Symbol'),
        numericColumn('rate', 'win rate', (v) => (v === null ? 'n/a' : `${Number(v) * 100} %`)),
      ],
      [
        { symbol: 'A,B', rate: 0.5 },
        { symbol: 'C', rate: null },
      ],
    );
    expect(toCsv(t)).toBe('symbol,rate\r\n"A,B",0.5\r\nC,\r\n');
    expect(t.rows).toEqual([
      ['A,B', '50 %'],
      ['C', 'n/a'],
    ]);
  });
});
