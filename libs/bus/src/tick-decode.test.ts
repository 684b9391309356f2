import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, decode, encodeValidTick } from './codec.ts';
import { decodeTick } from './tick-decode.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

const tick = fc.record(
  {
    v: fc.nat(3),
    venue: fc.stringMatching(/^[a-z0-9]{1,12}$/),
    symbol: fc.stringMatching(/^[A-Z0-9]{1,8}(-[A-Z0-9]{1,5})?$/),
    seq: fc.maxSafeNat(),
    ts: fc.maxSafeNat(),
    price: fc.stringMatching(/^-?\d{1,9}(\.\d{1,8})?$/),
    size: fc.stringMatching(/^\d{1,9}(\.\d{1,8})?$/),
    side: fc.constantFrom('buy', 'sell'),
    recvTs: fc.maxSafeNat(),
  },
  { requiredKeys: ['v', 'venue', 'symbol', 'seq', 'ts', 'price', 'size', 'recvTs'] },
);

describe('decodeTick', () => {
  it('reads the feed layout exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(tick, (t) => {
        expect(decodeTick(encodeValidTick(t))).toStrictEqual(JSON.parse(JSON.stringify(t)));
      }),
      { numRuns: 2000 },
    );
  });

  it('returns what decode returns for any JSON text, and throws DecodeError where decode does', () => {
    const texts = fc.oneof(
      fc.json(),
      tick.map((t) => JSON.stringify(t)),
      // The layout with one byte changed, dropped or added somewhere.
      fc
        .tuple(
          tick,
          fc.nat(),
          fc.constantFrom('', ' ', '"', '\\', '0', '-', '.', 'e', '}', ',', 'é', '\u0001'),
        )
        .map(([t, at, ch]) => {
          const s = JSON.stringify(t);
          const i = at % s.length;
          return s.slice(0, i) + ch + s.slice(i + (ch === '' ? 1 : 0));
        }),
    );
    fc.assert(
      fc.property(texts, (s) => {
        let expected: unknown;
        try {
          expected = decode(bytes(s));
        } catch (err) {
          expect(err).toBeInstanceOf(DecodeError);
          expect(() => decodeTick(bytes(s))).toThrow(DecodeError);
          return;
        }
        expect(decodeTick(bytes(s))).toStrictEqual(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it('leaves numbers past 2^53, with a leading zero or an exponent to JSON.parse', () => {
    for (const s of [
      '{"v":1,"venue":"x","symbol":"A","seq":9007199254740993,"ts":1,"price":"1","size":"1","recvTs":1}',
      '{"v":1,"venue":"x","symbol":"A","seq":01,"ts":1,"price":"1","size":"1","recvTs":1}',
      '{"v":1,"venue":"x","symbol":"A","seq":1e3,"ts":1,"price":"1","size":"1","recvTs":1}',
    ]) {
      let expected: unknown;
      try {
        expected = JSON.parse(s);
      } catch {
        expect(() => decodeTick(bytes(s))).toThrow(DecodeError);
        continue;
      }
      expect(decodeTick(bytes(s))).toStrictEqual(expected);
    }
  });

  it('never answers one string for another, with more distinct strings than intern slots', () => {
    // 10,000 same-length symbols in 4,096 slots: slots are shared, so a hit must be checked byte by
    // byte; read twice, in two orders, each must still be what JSON.parse gives.
    const symbols = Array.from({ length: 10_000 }, (_, i) => `S${String(i).padStart(5, '0')}`);
    for (const order of [symbols, [...symbols].reverse()])
      for (const symbol of order) {
        const text = JSON.stringify({ ...base, symbol });
        expect((decodeTick(bytes(text)) as { symbol: string }).symbol).toBe(symbol);
      }
  });
});

const base = { v: 1, venue: 'x', symbol: 'A', seq: 1, ts: 1, price: '1.5', size: '2', recvTs: 3 };
