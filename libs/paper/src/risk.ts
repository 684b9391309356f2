import { Dec, dec } from '@tickflow/core';

/** Pre-trade limits; an empty string turns a limit off. Quantities and money are decimal strings. */
export interface RiskLimits {
  /** Largest absolute position per symbol after the order. */
  maxPosition: string;
  /** Largest absolute position value per symbol after the order (qty × reference price). */
  maxNotional: string;
  /** Largest sum over symbols of |position value| after the order. */
  maxGrossExposure: string;
  /** Net P&L of the trading day at or below minus this halts the bot. */
  dailyLossLimit: string;
}

export const NO_LIMITS: RiskLimits = {
  maxPosition: '',
  maxNotional: '',
  maxGrossExposure: '',
  dailyLossLimit: '',
};

export type RiskReason = 'HALTED' | 'MAX_POSITION' | 'MAX_NOTIONAL' | 'MAX_GROSS_EXPOSURE';

export interface RiskVerdict {
  reason: RiskReason;
  message: string;
}

/** What a pre-trade check needs to know about the order and the book. */
export interface OrderExposure {
  symbol: string;
  /** Signed position before the order. */
  positionBefore: string;
  /** Signed quantity the order adds (negative for a sell). */
  delta: string;
  refPrice: string;
  /** Σ |position value| of all the other symbols, at their marks. */
  grossOfOthers: string;
}

/**
 * Checks an order against the limits before it goes out, NautilusTrader style: a failed check
 * returns the reason (the order is rejected and the rejection published), it never throws. Orders
 * that reduce a position are always allowed, so a limit never traps a trader in a position.
 */
export function checkRisk(limits: RiskLimits, o: OrderExposure): RiskVerdict | undefined {
  const before = dec(o.positionBefore);
  const after = before.plus(dec(o.delta));
  const reduces =
    after.isZero() || (after.abs().lte(before.abs()) && after.isNegative() === before.isNegative());
  if (reduces) return undefined;
  const price = dec(o.refPrice);
  if (limits.maxPosition && after.abs().gt(dec(limits.maxPosition)))
    return {
      reason: 'MAX_POSITION',
      message: `${o.symbol} position would be ${after.toFixed()}, over the limit of ${limits.maxPosition}`,
    };
  const notional = after.abs().mul(price);
  if (limits.maxNotional && notional.gt(dec(limits.maxNotional)))
    return {
      reason: 'MAX_NOTIONAL',
      message: `${o.symbol} position value would be ${notional.toFixed(2)}, over the limit of ${limits.maxNotional}`,
    };
  const gross = dec(o.grossOfOthers).plus(notional);
  if (limits.maxGrossExposure && gross.gt(dec(limits.maxGrossExposure)))
    return {
      reason: 'MAX_GROSS_EXPOSURE',
      message: `gross exposure would be ${gross.toFixed(2)}, over the limit of ${limits.maxGrossExposure}`,
    };
  return undefined;
}

/** Whether the day's net P&L breaches the daily loss limit (so the bot must halt). */
export function lossLimitBreached(limits: RiskLimits, dayNetPnl: string): boolean {
  return limits.dailyLossLimit !== '' && dec(dayNetPnl).lte(new Dec(limits.dailyLossLimit).neg());
}
