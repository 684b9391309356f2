import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TickValidationError, validateTick } from './validate.ts';

const NOW = 1_767_225_600_000_000; // 2026-01-01T00:00:00Z in µs

const valid = () => ({
  v: 1,
  venue: 'synth',
  symbol: 'BTC-USD',
  seq: 7,
  ts: NOW - 1_000,
  price: '64123.50',
  size: '0.25',
  side: 'buy',
  recvTs: NOW,
});

const codeOf = (input: unknown, opts: { now: number; maxFutureMicros?: number } = { now: NOW }) => {
  const r = validateTick(input, opts);
  return r.ok ? 'OK' : r.error.code;
};

const withField = (field: string, value: unknown) => ({ ...valid(), [field]: value });

describe('validateTick', () => {
  it('accepts a valid tick and rebuilds it with only contract fields', () => {
    const r = validateTick({ ...valid(), extra: 'x', nested: { a: 1 } }, { now: NOW });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.tick).toStrictEqual(valid());
  });

  it('accepts a tick without side and does not add one', () => {
    const { side: _side, ...noSide } = valid();
    const r = validateTick(noSide, { now: NOW });
    expect(r.ok).toBe(true);
    expect(r.ok && 'side' in r.tick).toBe(false);
  });

  it('accepts a zero size', () => {
    expect(codeOf(withField('size', '0'))).toBe('OK');
  });

  it('returns a TickValidationError carrying the code', () => {
    const r = validateTick(withField('price', 12), { now: NOW });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(TickValidationError);
    expect(r.error.code).toBe('BAD_PRICE');
    expect(r.error.message).toContain('12');
  });

  it.each([[null], [undefined], ['tick'], [42], [[valid()]]])('rejects %j as NOT_AN_OBJECT', (input) => {
    expect(codeOf(input)).toBe('NOT_AN_OBJECT');
  });

  it.each([[2], ['1'], [undefined]])('rejects version %j as BAD_VERSION', (v) => {
    expect(codeOf(withField('v', v))).toBe('BAD_VERSION');
  });

  it.each([['SYNTH'], [''], ['syn.th'], [7], ['a'.repeat(33)]])('rejects venue %j as BAD_VENUE', (venue) => {
    expect(codeOf(withField('venue', venue))).toBe('BAD_VENUE');
  });

  it.each([['BTC.USD'], ['BTC-*'], ['BTC>'], ['BTC USD'], ['btc-usd'], [''], ['BTC-'], [undefined]])(
    'rejects symbol %j as BAD_SYMBOL',
    (symbol) => {
      expect(codeOf(withField('symbol', symbol))).toBe('BAD_SYMBOL');
    },
  );

  it.each([[0], [-1], [1.5], ['7'], [Number.MAX_SAFE_INTEGER + 1], [Number.NaN]])(
    'rejects seq %j as BAD_SEQ',
    (seq) => {
      expect(codeOf(withField('seq', seq))).toBe('BAD_SEQ');
    },
  );

  it.each([
    ['ts', 0],
    ['ts', -5],
    ['ts', 1.5],
    ['ts', String(NOW)],
    ['recvTs', undefined],
    ['recvTs', 0],
  ])('rejects %s = %j as BAD_TIMESTAMP', (field, value) => {
    expect(codeOf(withField(field, value))).toBe('BAD_TIMESTAMP');
  });

  it('rejects a ts beyond the default 5 s of skew as FUTURE_TIMESTAMP', () => {
    expect(codeOf(withField('ts', NOW + 5_000_000))).toBe('OK');
    expect(codeOf(withField('ts', NOW + 5_000_001))).toBe('FUTURE_TIMESTAMP');
  });

  it('honours maxFutureMicros', () => {
    const tick = withField('ts', NOW + 2_000);
    expect(codeOf(tick, { now: NOW, maxFutureMicros: 2_000 })).toBe('OK');
    expect(codeOf(tick, { now: NOW, maxFutureMicros: 1_999 })).toBe('FUTURE_TIMESTAMP');
  });

  it.each([[100], ['1e3'], ['NaN'], [''], [' 1'], [null]])('rejects price %j as BAD_PRICE', (price) => {
    expect(codeOf(withField('price', price))).toBe('BAD_PRICE');
  });

  it.each([['0'], ['-1'], ['0.000'], ['-0'], ['-0.5']])('rejects price %j as NON_POSITIVE_PRICE', (price) => {
    expect(codeOf(withField('price', price))).toBe('NON_POSITIVE_PRICE');
  });

  it.each([['0.00000001'], ['10']])('accepts the positive price %j', (price) => {
    expect(codeOf(withField('price', price))).toBe('OK');
  });

  it.each([[1], ['1e2'], [''], [undefined]])('rejects size %j as BAD_SIZE', (size) => {
    expect(codeOf(withField('size', size))).toBe('BAD_SIZE');
  });

  it.each([['-1'], ['-0.001']])('rejects size %j as NEGATIVE_SIZE', (size) => {
    expect(codeOf(withField('size', size))).toBe('NEGATIVE_SIZE');
  });

  it.each([['BUY'], ['b'], [null], [1]])('rejects side %j as BAD_SIDE', (side) => {
    expect(codeOf(withField('side', side))).toBe('BAD_SIDE');
  });

  it('reports the first problem in contract order', () => {
    expect(codeOf({ ...valid(), symbol: 'x', price: 'y' })).toBe('BAD_SYMBOL');
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const r = validateTick(input, { now: NOW });
        expect(typeof r.ok).toBe('boolean');
      }),
    );
  });

  it('never throws on objects whose fields are arbitrary', () => {
    const field = fc.oneof(fc.anything(), fc.constantFrom('1', '-1', '0', '1.5', 'BTC-USD', 'synth'));
    fc.assert(
      fc.property(
        fc.record({ v: fc.oneof(fc.constant(1), field), venue: field, symbol: field, seq: field }),
        fc.record({ ts: field, recvTs: field, price: field, size: field, side: field }),
        (a, b) => {
          const r = validateTick({ ...a, ...b }, { now: NOW });
          expect(typeof r.ok).toBe('boolean');
        },
      ),
    );
  });
});

describe('validateTick on values JSON cannot express', () => {
  it('reports a BigInt field as a typed error instead of throwing', () => {
    const r = validateTick({ v: 1, venue: 'synth', symbol: 'BTC-USD', seq: 1n }, { now: 1 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('BAD_SEQ');
    expect(validateTick({ v: 1n }, { now: 1 }).ok).toBe(false);
  });

  it('rejects a size of "-0" as signed', () => {
    const tick = {
      v: 1,
      venue: 'synth',
      symbol: 'BTC-USD',
      seq: 1,
      ts: 10,
      recvTs: 10,
      price: '1',
      size: '-0',
    };
    const r = validateTick(tick, { now: 10 });
    expect(r.ok ? undefined : r.error.code).toBe('NEGATIVE_SIZE');
  });
});
