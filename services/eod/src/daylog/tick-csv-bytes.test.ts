import { decodeTick, encodeValidTick } from '@tickflow/bus';
import { validateTick } from '@tickflow/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineBuffer } from './line-buffer.ts';
import { tickCsvLine } from './tick-csv.ts';
import { scanTickLayout, writeScannedTick } from './tick-csv-bytes.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

/** The general path: decode, validate (no future check), format. */
function generalLine(streamSeq: number, data: Uint8Array): string | undefined {
  let raw: unknown;
  try {
    raw = decodeTick(data);
  } catch {
    return undefined;
  }
  const checked = validateTick(raw, { now: Number.MAX_SAFE_INTEGER });
  return checked.ok ? tickCsvLine(streamSeq, checked.tick) : undefined;
}

/** The fast path: the line, or undefined when it leaves the message to the general path. */
function fastLine(streamSeq: number, data: Uint8Array): string | undefined {
  if (scanTickLayout(data) < 0) return undefined;
  const out = new LineBuffer(16);
  writeScannedTick(out, streamSeq, data);
  return Buffer.from(out.view()).toString('latin1');
}

/** Integers around the contract's edges: zero, one, the largest safe one and past it. */
const int = fc.oneof(
  fc.maxSafeNat(),
  fc.constantFrom(0, 1, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, 1e21, -1),
);
/** Decimal strings, with the edges that matter: all zeros, signs, 64 and 65 characters. */
const decimal = fc.oneof(
  fc.stringMatching(/^-?\d{1,12}(\.\d{0,10})?$/),
  fc.constantFrom('0', '0.0', '000.000', '-0', '-1', '1.', '.5', '1e5', ' 1', '1'.repeat(64), '1'.repeat(65)),
  fc.constantFrom(`0.${'0'.repeat(61)}1`, `0.${'0'.repeat(62)}1`, `0.${'0'.repeat(62)}`),
);

const tick = fc.record(
  {
    v: fc.constantFrom(1, 1, 1, 0, 2, '1'),
    venue: fc.oneof(
      fc.stringMatching(/^[a-z0-9_]{1,8}$/),
      fc.constantFrom('', 'Synth', 'a.b', 'x-y', '_', 'a'.repeat(32), 'a'.repeat(33)),
    ),
    symbol: fc.oneof(
      fc.stringMatching(/^[A-Z0-9]{1,6}(-[A-Z0-9]{0,6})?$/),
      fc.constantFrom('', 'btc-usd', '-USD', 'A--B', 'A-', 'A'.repeat(20), 'A'.repeat(21)),
      fc.constantFrom(`${'A'.repeat(20)}-${'B'.repeat(20)}`, `A-${'B'.repeat(21)}`, 'A-B-C'),
    ),
    seq: int,
    ts: int,
    price: decimal,
    size: decimal,
    side: fc.constantFrom('buy', 'sell', 'hold', 'BUY', '', 'bu', 'buys', 'sells'),
    recvTs: int,
  },
  { requiredKeys: ['v', 'venue', 'symbol', 'seq', 'ts', 'price', 'size', 'recvTs'] },
);

describe('the archiver tick fast path', () => {
  it('writes the line the general path writes for a valid tick in the feed layout', () => {
    const out = fastLine(
      42,
      encodeValidTick({
        v: 1,
        venue: 'synth',
        symbol: 'BTC-USD',
        seq: 7,
        ts: 1_770_000_000_000_000,
        price: '100.25',
        size: '0.500',
        side: 'buy',
        recvTs: 1_770_000_000_000_010,
      }),
    );
    expect(out).toBe('42,synth,BTC-USD,7,1770000000000000,100.25,0.500,buy,1770000000000010\n');
  });

  it('leaves the side field empty for a tick without one', () => {
    const t = { v: 1, venue: 'x', symbol: 'AAPL', seq: 1, ts: 5, price: '1', size: '0', recvTs: 6 };
    expect(fastLine(9, encodeValidTick(t))).toBe('9,x,AAPL,1,5,1,0,,6\n');
  });

  it('never accepts what the general path refuses, and writes the same line for what it accepts', () => {
    fc.assert(
      fc.property(tick, fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (t, seq) => {
        const data = bytes(JSON.stringify(t));
        const fast = fastLine(seq, data);
        const general = generalLine(seq, data);
        if (fast !== undefined) expect(fast).toBe(general);
        // The feed's own layout of a valid tick always takes the fast path.
        if (general !== undefined) expect(fast).toBe(general);
      }),
      { numRuns: 5000 },
    );
  });

  it('leaves a changed layout to the general path, never to a different line', () => {
    const texts = fc
      .tuple(tick, fc.nat(), fc.constantFrom('', ' ', '"', '\\', '0', '-', '.', 'e', '}', ',', 'é', '\u0001'))
      .map(([t, at, ch]) => {
        const s = JSON.stringify(t);
        const i = at % s.length;
        return s.slice(0, i) + ch + s.slice(i + (ch === '' ? 1 : 0));
      });
    fc.assert(
      fc.property(texts, (s) => {
        const fast = fastLine(3, bytes(s));
        if (fast !== undefined) expect(fast).toBe(generalLine(3, bytes(s)));
      }),
      { numRuns: 5000 },
    );
  });

  it('grows its buffer past the initial size without losing a byte', () => {
    const out = new LineBuffer(8);
    const lines: string[] = [];
    for (let i = 1; i <= 500; i++) {
      const t = { v: 1, venue: 'v', symbol: 'S', seq: i, ts: i, price: `${i}.5`, size: '1', recvTs: i };
      expect(scanTickLayout(encodeValidTick(t))).toBe(i);
      writeScannedTick(out, i * 1000, encodeValidTick(t));
      lines.push(`${i * 1000},v,S,${i},${i},${i}.5,1,,${i}\n`);
    }
    expect(Buffer.from(out.view()).toString('latin1')).toBe(lines.join(''));
  });
});
