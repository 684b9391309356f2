import { describe, expect, it } from 'vitest';
import { checkRisk, lossLimitBreached, NO_LIMITS, type OrderExposure } from './risk.ts';

const order = (patch: Partial<OrderExposure> = {}): OrderExposure => ({
  symbol: 'BTC-USD',
  positionBefore: '0',
  delta: '1',
  refPrice: '100',
  grossOfOthers: '0',
  ...patch,
});

describe('checkRisk', () => {
  it('passes everything when no limit is set', () => {
    expect(checkRisk(NO_LIMITS, order({ delta: '1000000' }))).toBeUndefined();
  });

  it('rejects an order that would take the position over the max, long or short', () => {
    const limits = { ...NO_LIMITS, maxPosition: '2' };
    expect(checkRisk(limits, order({ positionBefore: '2', delta: '1' }))?.reason).toBe('MAX_POSITION');
    expect(checkRisk(limits, order({ positionBefore: '-2', delta: '-0.5' }))?.reason).toBe('MAX_POSITION');
    expect(checkRisk(limits, order({ positionBefore: '1', delta: '1' }))).toBeUndefined();
  });

  it('always lets an order reduce or close a position, even one over the limits', () => {
    const limits = { ...NO_LIMITS, maxPosition: '1', maxNotional: '1', maxGrossExposure: '1' };
    expect(checkRisk(limits, order({ positionBefore: '5', delta: '-2' }))).toBeUndefined();
    expect(checkRisk(limits, order({ positionBefore: '-5', delta: '5' }))).toBeUndefined();
  });

  it('checks a flip through zero against the limits on the new side', () => {
    const limits = { ...NO_LIMITS, maxPosition: '2' };
    expect(checkRisk(limits, order({ positionBefore: '1', delta: '-4' }))?.reason).toBe('MAX_POSITION');
    expect(checkRisk(limits, order({ positionBefore: '1', delta: '-3' }))).toBeUndefined();
  });

  it('rejects on position value and on gross exposure across symbols, with the figures', () => {
    const notional = checkRisk({ ...NO_LIMITS, maxNotional: '250' }, order({ delta: '3' }));
    expect(notional).toEqual({
      reason: 'MAX_NOTIONAL',
      message: 'BTC-USD position value would be 300.00, over the limit of 250',
    });
    const gross = checkRisk(
      { ...NO_LIMITS, maxGrossExposure: '1000' },
      order({ delta: '2', grossOfOthers: '900' }),
    );
    expect(gross?.reason).toBe('MAX_GROSS_EXPOSURE');
    expect(
      checkRisk({ ...NO_LIMITS, maxGrossExposure: '1000' }, order({ grossOfOthers: '900' })),
    ).toBeUndefined();
  });
});

describe('lossLimitBreached', () => {
  it('trips at a loss equal to the limit, not before, and never when unset', () => {
    const limits = { ...NO_LIMITS, dailyLossLimit: '500' };
    expect(lossLimitBreached(limits, '-499.99')).toBe(false);
    expect(lossLimitBreached(limits, '-500')).toBe(true);
    expect(lossLimitBreached(NO_LIMITS, '-1000000')).toBe(false);
  });
});
