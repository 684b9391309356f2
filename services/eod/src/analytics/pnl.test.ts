import { Dec } from '@tickflow/core';
import { describe, expect, it } from 'vitest';
import { computePnl, type MinuteMark } from './pnl.ts';
import type { PnlFill } from './pnl-book.ts';

const T0 = Date.parse('2026-03-02T10:00:00Z') * 1000;
const MIN = 60_000_000;
const fill = (side: 'BUY' | 'SELL', qty: string, price: string, minute: number, symbol = 'S'): PnlFill => ({
  symbol,
  side,
  qty,
  price,
  fee: '0',
  ts: T0 + minute * MIN,
});
const mark = (price: string, minute: number, symbol = 'S'): MinuteMark => ({
  symbol,
  minute: Math.floor(T0 / MIN) + minute,
  price,
});

describe('computePnl (average cost, exact decimals)', () => {
  it('marks a symbol that never traded at its last fill price', () => {
    const { symbols } = computePnl([fill('BUY', '2', '10', 0), fill('BUY', '1', '13', 1)], []);
    // Long 3 at average 11, marked at the last fill 13: +6 unrealised.
    expect(symbols[0]).toMatchObject({ avgCost: '11', mark: '13', unrealised: '6.00000000', roundTrips: 0 });
    expect(symbols[0]?.winRate).toBeNull();
  });

  it('counts a flip as one closed round trip and opens the next at the flip price', () => {
    const { symbols } = computePnl([fill('BUY', '1', '10', 0), fill('SELL', '3', '12', 1)], [mark('11', 2)]);
    // +2 realised on the long; short 2 at 12 marked at 11: +2 unrealised.
    expect(symbols[0]).toMatchObject({
      realised: '2.00000000',
      unrealised: '2.00000000',
      position: '-2',
      roundTrips: 1,
      wins: 1,
    });
  });

  it('takes the drawdown of the total curve across symbols, not the sum of per-symbol drawdowns', () => {
    // A and B move against each other: each has a drawdown of 5, the total never falls.
    const { symbols, total } = computePnl(
      [fill('BUY', '1', '100', 0, 'A'), fill('SELL', '1', '100', 0, 'B')],
      [
        mark('100', 0, 'A'),
        mark('100', 0, 'B'),
        mark('105', 1, 'A'),
        mark('105', 1, 'B'),
        mark('100', 2, 'A'),
        mark('100', 2, 'B'),
      ],
    );
    expect(symbols.map((s) => s.maxDrawdown)).toEqual(['5.00000000', '5.00000000']);
    expect(total.maxDrawdown).toBe('0.00000000');
  });

  it('uses the close given for the day over the last minute mark', () => {
    const { symbols } = computePnl([fill('BUY', '1', '10', 0)], [mark('10', 0)], new Map([['S', '9']]));
    expect(symbols[0]).toMatchObject({ mark: '9', net: '-1.00000000', maxDrawdown: '1.00000000' });
  });

  it('keeps realised + unrealised exactly equal to cash flows + marked position when the average cost does not terminate', () => {
    // Notional-sized fills (odd quantities, prices with many places) reduce at average costs like
    // x / 3 or x / 7: the result must still equal the path-independent cash-flow form, exactly.
    const fills: PnlFill[] = [];
    let cash = new Dec(0);
    let qty = new Dec(0);
    for (let i = 0; i < 60; i++) {
      const side = i % 3 === 2 ? 'SELL' : 'BUY';
      const q = new Dec('0.0137').plus(new Dec(i % 7).div(1000)).toFixed();
      const p = new Dec('61234.5678').plus(new Dec(i * 37).div(100)).toFixed();
      fills.push({ ...fill(side, q, p, i), fee: '0.0123' });
      cash = side === 'BUY' ? cash.minus(new Dec(q).mul(p)) : cash.plus(new Dec(q).mul(p));
      qty = side === 'BUY' ? qty.plus(q) : qty.minus(q);
    }
    const { total } = computePnl(fills, [mark('61299.99', 70)]);
    const expected = cash.minus(new Dec('0.0123').mul(60)).plus(qty.mul('61299.99'));
    expect(total.netExact).toBe(expected.toFixed());
  });
});
