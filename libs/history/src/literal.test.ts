import { describe, expect, it } from 'vitest';
import { openHistory } from './database.ts';
import { SqlLiteralError, sqlIdentifier, sqlString } from './literal.ts';

const awkward = [
  "it's",
  "''",
  "a\\'b",
  'back\\slash\\',
  '\\',
  "x'); DROP TABLE ticks; --",
  'ü "quoted" ✓',
  '',
];

describe('sqlString', () => {
  it('doubles single quotes and leaves backslashes as they are', () => {
    expect(sqlString("it's")).toBe("'it''s'");
    expect(sqlString('C:\\data\\x')).toBe("'C:\\data\\x'");
    expect(sqlString('')).toBe("''");
  });

  it('gives DuckDB back exactly the string, quotes and backslashes included', async () => {
    const history = await openHistory(':memory:');
    const conn = await history.connect();
    try {
      for (const s of awkward) expect((await conn.one(`SELECT ${sqlString(s)} AS v`)).v).toBe(s);
    } finally {
      history.close();
    }
  });

  it('refuses a NUL character', () => {
    expect(() => sqlString('a\u0000b')).toThrow(SqlLiteralError);
  });
});

describe('sqlIdentifier', () => {
  it('doubles double quotes', () => {
    expect(sqlIdentifier('my "t"')).toBe('"my ""t"""');
    expect(sqlIdentifier('a\\b')).toBe('"a\\b"');
  });

  it('names a column DuckDB reads back under exactly that name', async () => {
    const history = await openHistory(':memory:');
    const conn = await history.connect();
    try {
      for (const name of awkward.filter((s) => s !== '')) {
        const row = await conn.one(`SELECT 1 AS ${sqlIdentifier(name)}`);
        expect(Object.keys(row)).toEqual([name]);
      }
    } finally {
      history.close();
    }
  });

  it('refuses an empty name and a NUL character', () => {
    expect(() => sqlIdentifier('')).toThrow(SqlLiteralError);
    expect(() => sqlIdentifier('a\u0000')).toThrow(SqlLiteralError);
  });
});
