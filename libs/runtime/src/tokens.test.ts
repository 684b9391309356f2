import * as crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from './config.ts';
import { grants, parseTokens, TokenStore } from './tokens.ts';

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

const A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

describe('TokenStore', () => {
  afterEach(() => vi.mocked(crypto.timingSafeEqual).mockClear());

  it('finds the entry of a token and nothing for a prefix, an extension or another case', () => {
    const store = new TokenStore();
    store.add(A, { name: 'a', scopes: new Set(['read']) });
    store.add(B, { name: 'b', scopes: new Set(['trade']) });
    expect(store.find(A)?.name).toBe('a');
    expect(store.find(B)?.name).toBe('b');
    for (const wrong of [A.slice(0, -1), `${A}a`, A.toUpperCase(), '', 'a'])
      expect(store.find(wrong)).toBeUndefined();
  });

  it('compares fixed-length digests with timingSafeEqual against every entry, whatever the candidate', () => {
    const store = new TokenStore();
    store.add(A, { name: 'a', scopes: new Set(['read']) });
    store.add(B, { name: 'b', scopes: new Set(['read']) });
    const compare = vi.mocked(crypto.timingSafeEqual);
    for (const candidate of [A, 'x', 'y'.repeat(10_000)]) {
      compare.mockClear();
      store.find(candidate);
      // No early exit at a match, and the lengths compared never depend on the candidate's.
      expect(compare).toHaveBeenCalledTimes(2);
      for (const [x, y] of compare.mock.calls) {
        expect((x as Buffer).length).toBe(32);
        expect((y as Buffer).length).toBe(32);
      }
    }
  });
});

describe('the tokens file', () => {
  it('reads "<token> <scopes> [name]" lines, skipping blanks and comments', () => {
    const store = parseTokens(`# ops\n\n${A} read,trade alice  # trailing comment\n${B} admin\n`, 'f');
    expect(store.size).toBe(2);
    expect([...(store.find(A)?.scopes ?? [])]).toEqual(['read', 'trade']);
    expect(store.find(A)?.name).toBe('alice');
    expect(store.find(B)?.name).toBe('line 4');
  });

  it('names every bad line in one ConfigError, never printing a token', () => {
    const text = `short read\n${A} write\n${B}\n${A} read\n${A} read x y\n`;
    let error: unknown;
    try {
      parseTokens(text, '--tokens t.txt');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      '--tokens t.txt line 1: a token is 16 to 512 characters of A-Z a-z 0-9 . _ ~ -',
      '--tokens t.txt line 2: scopes must be a comma-separated list of read, trade, admin, got "write"',
      '--tokens t.txt line 3: scopes must be a comma-separated list of read, trade, admin, got ""',
      '--tokens t.txt line 5: expected "<token> <scopes> [name]", got more fields',
    ]);
    expect((error as Error).message).not.toContain(A);
  });

  it('refuses a token given twice and a file without tokens', () => {
    expect(() => parseTokens(`${A} read\n${A} trade\n`, 'f')).toThrow(/line 2: the same token appears twice/);
    expect(() => parseTokens('# nothing\n', 'f')).toThrow(/no tokens in the file/);
  });

  it('ranks scopes: admin grants trade and read, trade grants read, read grants only read', () => {
    expect(grants(new Set(['admin']), 'trade')).toBe(true);
    expect(grants(new Set(['trade']), 'read')).toBe(true);
    expect(grants(new Set(['trade']), 'admin')).toBe(false);
    expect(grants(new Set(['read']), 'trade')).toBe(false);
  });
});
