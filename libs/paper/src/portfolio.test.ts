import { Dec, dec, type Fill, type FillSide } from '@tickflow/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Portfolio } from './portfolio.ts';

let n = 0;
const fill = (side: FillSide, qty: string, price: string, fee = '0', symbol = 'BTC-USD'): Fill => ({
  v: 1,
  id: `fill:${++n}`,
  decisionId: `d:${n}`,
  symbol,
  side,
  qty,
  price,
  fee,
  ts: 1_000 + n,
});

const portfolioWith = (...fills: Fill[]) => {
  const p = new Portfolio(dec('1000'));
  for (const f of fills) expect(p.apply(f)).toBe(true);
  return p;
};

describe('Portfolio', () => {
  it('realizes a long round trip', () => {
    const p = portfolioWith(fill('BUY', '2', '100'), fill('SELL', '2', '110'));
    expect(p.pnl()).toEqual({
      realized: '20.00000000',
      unrealized: '0.00000000',
      fees: '0.00000000',
      net: '20.00000000',
      cash: '1020.00000000',
      equity: '1020.00000000',
    });
    expect(p.position('BTC-USD')).toMatchObject({ qty: '0', avgCost: '0', realizedPnl: '20.00000000' });
  });

  it('realizes a short round trip', () => {
    const p = portfolioWith(fill('SELL', '1', '50'), fill('BUY', '1', '40'));
    expect(p.pnl().realized).toBe('10.00000000');
    expect(p.pnl().cash).toBe('1010.00000000');
    expect(p.position('BTC-USD')?.qty).toBe('0');
  });

  it('flips a long into a short at the fill price', () => {
    const p = portfolioWith(fill('BUY', '1', '100'), fill('SELL', '3', '120'));
    expect(p.position('BTC-USD')).toMatchObject({ qty: '-2', avgCost: '120', realizedPnl: '20.00000000' });
    p.mark('BTC-USD', '125');
    expect(p.pnl().unrealized).toBe('-10.00000000');
  });

  it('flips a short into a long at the fill price', () => {
    const p = portfolioWith(fill('SELL', '2', '50'), fill('BUY', '5', '45'));
    expect(p.position('BTC-USD')).toMatchObject({ qty: '3', avgCost: '45', realizedPnl: '10.00000000' });
  });

  it('realizes a partial reduce at the average cost and keeps the rest', () => {
    const p = portfolioWith(fill('BUY', '1', '100'), fill('BUY', '2', '101'), fill('SELL', '1', '110'));
    // avg cost 302 / 3; realized 110 - 100.666… ; the rest 201.333… for 2
    expect(p.position('BTC-USD')).toMatchObject({
      qty: '2',
      avgCost: '100.666666666667',
      realizedPnl: '9.33333333',
    });
    p.mark('BTC-USD', '110');
    expect(p.pnl()).toMatchObject({ realized: '9.33333333', unrealized: '18.66666667', net: '28.00000000' });
  });

  it('sums fees per symbol and overall and takes them from cash', () => {
    const p = portfolioWith(
      fill('BUY', '1', '10', '0.1'),
      fill('SELL', '1', '10', '0.25'),
      fill('BUY', '1', '20', '0.00000001', 'ETH-USD'),
    );
    expect(p.position('BTC-USD')?.fees).toBe('0.35000000');
    expect(p.pnl()).toMatchObject({ fees: '0.35000001', net: '-0.35000001', cash: '979.64999999' });
  });

  it('values an open position at the latest mark', () => {
    const p = portfolioWith(fill('BUY', '2', '100'), fill('SELL', '2', '100', '0', 'ETH-USD'));
    expect(p.position('BTC-USD')?.lastPrice).toBe('100');
    p.mark('BTC-USD', '105.5');
    p.mark('ETH-USD', '90');
    expect(p.position('BTC-USD')).toMatchObject({ lastPrice: '105.5', unrealizedPnl: '11.00000000' });
    expect(p.position('ETH-USD')?.unrealizedPnl).toBe('20.00000000');
    expect(p.pnl().unrealized).toBe('31.00000000');
  });

  it('keeps cash and equity consistent with net P&L when fully marked', () => {
    const p = portfolioWith(fill('BUY', '2', '100', '1'));
    p.mark('BTC-USD', '105');
    // cash 1000 - 200 - 1; equity cash + 2 × 105; net 10 - 1
    expect(p.pnl()).toEqual({
      realized: '0.00000000',
      unrealized: '10.00000000',
      fees: '1.00000000',
      net: '9.00000000',
      cash: '799.00000000',
      equity: '1009.00000000',
    });
  });

  it('applies a fill id once', () => {
    const p = new Portfolio(dec('1000'));
    const f = fill('BUY', '1', '100', '0.5');
    expect(p.apply(f)).toBe(true);
    const after = p.pnl();
    expect(p.apply({ ...f })).toBe(false);
    expect(p.pnl()).toEqual(after);
    expect(p.position('BTC-USD')?.qty).toBe('1');
    expect(p.hasApplied(f.id)).toBe(true);
    expect(p.hasApplied('fill:other')).toBe(false);
  });

  it('has no position for an unknown symbol and starts with 100000 cash by default', () => {
    const p = new Portfolio();
    expect(p.position('BTC-USD')).toBeUndefined();
    expect(p.positions()).toEqual([]);
    expect(p.pnl()).toMatchObject({ cash: '100000.00000000', equity: '100000.00000000', net: '0.00000000' });
  });
});

describe('Portfolio P&L identity', () => {
  const qty = fc.oneof(
    fc.integer({ min: 1, max: 5 }).map(String),
    fc.integer({ min: 1, max: 500 }).map((c) => new Dec(c).div(100).toFixed(2)),
  );
  const price = fc.integer({ min: 1, max: 1_000_000 }).map((c) => new Dec(c).div(100).toFixed(2));
  const fee = fc.integer({ min: 0, max: 100_000_000 }).map((c) => new Dec(c).div(1e8).toFixed(8));
  const symbol = fc.constantFrom('BTC-USD', 'ETH-USD');
  const fills = fc.array(fc.tuple(fc.constantFrom<FillSide>('BUY', 'SELL'), qty, price, fee, symbol), {
    minLength: 1,
    maxLength: 30,
  });

  it('realized + unrealized - fees equals the cash flows plus the marked position, exactly', () => {
    fc.assert(
      fc.property(fills, price, price, (list, markBtc, markEth) => {
        const initialCash = dec('100000');
        const p = new Portfolio(initialCash);
        const marks: Record<string, string> = { 'BTC-USD': markBtc, 'ETH-USD': markEth };
        const netQty: Record<string, Dec> = { 'BTC-USD': new Dec(0), 'ETH-USD': new Dec(0) };
        let flows = new Dec(0);
        for (const [side, q, px, f, sym] of list) {
          p.apply(fill(side, q, px, f, sym));
          const signed = side === 'BUY' ? dec(q) : dec(q).neg();
          flows = flows.minus(signed.mul(px)).minus(f);
          netQty[sym] = (netQty[sym] as Dec).plus(signed);
        }
        for (const [sym, m] of Object.entries(marks)) p.mark(sym, m);
        const expected = Object.entries(netQty).reduce(
          (acc, [sym, q]) => acc.plus(q.mul(marks[sym] as string)),
          flows,
        );

        const pnl = p.pnl();
        expect(dec(pnl.net).eq(expected)).toBe(true);
        // The parts shown add up to net exactly (unrealized is derived from the rounded total).
        const parts = dec(pnl.realized).plus(pnl.unrealized).minus(pnl.fees);
        expect(parts.eq(pnl.net)).toBe(true);
        expect(dec(pnl.equity).minus(initialCash).eq(dec(pnl.net))).toBe(true);
        expect(dec(pnl.cash).eq(initialCash.plus(flows))).toBe(true);
      }),
    );
  });

  // The 40-digit division by 7.68 leaves realized at -3821.6463031249…9 and unrealized at
  // 2954.5162031250…2 (exactly …3125 each): rounded separately they would miss net by 1e-8.
  it('rounds realized and unrealized so that they add up to net on a tie', () => {
    const p = portfolioWith(
      fill('BUY', '3', '5881.51'),
      fill('BUY', '3.68', '53.80'),
      fill('BUY', '1', '9518.25'),
      fill('SELL', '2.65', '945.60'),
      fill('SELL', '3', '3712.20'),
      fill('SELL', '0.68', '7481.13'),
    );
    p.mark('BTC-USD', '5751.13');
    const pnl = p.pnl();
    expect(pnl.net).toBe('-867.13010000');
    expect(dec(pnl.realized).plus(pnl.unrealized).minus(pnl.fees).eq(pnl.net)).toBe(true);
  });

  it('does not drift over a million fills at non-terminating average costs', { timeout: 60_000 }, () => {
    // Buy 3 lots at three prices (average cost n/3, non-terminating), sell them one at a time:
    // after every cycle the position is flat, so realized P&L must equal the cash flows exactly.
    const p = new Portfolio();
    let flows = new Dec(0);
    let count = 0;
    const add = (side: FillSide, price: string) => {
      p.apply(fill(side, '1', price, '0.00000007'));
      count++;
      flows = side === 'BUY' ? flows.minus(price) : flows.plus(price);
      flows = flows.minus('0.00000007');
    };
    for (let cycle = 0; count < 1_000_000; cycle++) {
      const base = 100 + (cycle % 97) / 100;
      add('BUY', base.toFixed(2));
      add('BUY', (base + 0.01).toFixed(2));
      add('BUY', (base + 0.04).toFixed(2)); // average base + 0.0166…
      add('SELL', (base + 0.02).toFixed(2));
      add('SELL', (base - 0.03).toFixed(2));
      add('SELL', (base + 0.04).toFixed(2));
    }
    const pnl = p.pnl();
    expect(p.position('BTC-USD')?.qty).toBe('0');
    expect(pnl.unrealized).toBe('0.00000000');
    expect(dec(pnl.net).eq(flows.toDecimalPlaces(8))).toBe(true);
    expect(dec(pnl.cash).minus(p.initialCash).eq(flows)).toBe(true);
  });
});
