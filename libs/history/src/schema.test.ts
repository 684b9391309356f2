import { describe, expect, it } from 'vitest';
import { openHistory } from './database.ts';
import { sqlString } from './literal.ts';
import { fastDecimal, PRICE } from './schema.ts';

describe('fastDecimal', () => {
  it('gives exactly the direct VARCHAR → DECIMAL(24,10) cast, fast path or not', async () => {
    const values = [
      '0',
      '-5',
      '1.5',
      '0.0000000001',
      '0.00000000005', // rounds at 10 places, both ways the same
      '0.00000000015',
      '-0.00000000015',
      '99999999.9999999999', // the largest the fast path holds
      '99999999.99999999995', // rounds up past it: the slow path
      '100000000',
      '123456789012.123456789',
      '99999999999999.9999999999', // the largest DECIMAL(24,10)
    ];
    const history = await openHistory(':memory:');
    const conn = await history.connect();
    try {
      const list = values.map((v) => `(${sqlString(v)})`).join(', ');
      const rows = await conn.rows(
        `SELECT v, (${fastDecimal('v')})::VARCHAR AS fast, (v::${PRICE})::VARCHAR AS direct, typeof(${fastDecimal('v')}) AS t
         FROM (VALUES ${list}) AS t(v)`,
      );
      expect(rows).toHaveLength(values.length);
      for (const r of rows) {
        expect(r.fast, String(r.v)).toBe(r.direct);
        expect(r.t).toBe(PRICE);
      }
    } finally {
      history.close();
    }
  });
});
