import { Dec } from '@tickflow/core';
import { openHistory, sqlString } from '@tickflow/history';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactDecimal } from './compare-sql.ts';

/** exactDecimal(text) in DuckDB, as text ('NULL' when it refuses). */
async function cast(values: string[]): Promise<string[]> {
  const history = await openHistory(':memory:');
  const conn = await history.connect();
  try {
    const list = values.map((v, i) => `(${sqlString(v)}, ${i})`).join(', ');
    const [column] = await conn.columns(
      `SELECT coalesce((${exactDecimal('x')})::VARCHAR, 'NULL') FROM (VALUES ${list}) t(x, i) ORDER BY i`,
    );
    return column as string[];
  } finally {
    history.close();
  }
}

describe('exactDecimal', () => {
  it('casts a plain decimal of up to 8 integer digits and 10 places to its exact value', async () => {
    const plain = fc.sample(
      fc
        .tuple(fc.boolean(), fc.stringMatching(/^\d{1,8}$/), fc.stringMatching(/^\d{0,10}$/))
        .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`),
      300,
    );
    const unique = [...new Set(plain)];
    const got = await cast(unique);
    for (const [i, v] of unique.entries()) expect(new Dec(got[i] as string).eq(v)).toBe(true);
  });

  it('refuses what the cast would round or cannot hold exactly, so TypeScript decides', async () => {
    expect(await cast(['1.00000000001', '1e-12', '123456789.5', '.5', 'abc', '2.5'])).toEqual([
      'NULL',
      'NULL',
      'NULL',
      'NULL',
      'NULL',
      '2.5000000000',
    ]);
  });
});
