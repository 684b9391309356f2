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

/** The order a pre-trade check looks at: the side and quantity it would trade, from where. */
export interface PreTradeOrder {
  symbol: string;
  side: 'BUY' | 'SELL';
  qty: Dec;
  positionBefore: Dec;
  refPrice: string;
  /** Σ |position value| of all the other symbols, at their marks. */
  grossOfOthers: Dec;
}

/**
 * The check the bot runs before an order goes out, shared with the backtest so both refuse the same
 * orders: nothing goes out while halted (the daily loss limit, or an operator), then the limits.
 */
export function preTradeCheck(
  limits: RiskLimits,
  halt: { halted: boolean; haltReason: string },
  o: PreTradeOrder,
): RiskVerdict | undefined {
  if (halt.halted) return { reason: 'HALTED', message: `bot halted: ${halt.haltReason}` };
  const delta = o.side === 'BUY' ? o.qty : o.qty.neg();
  return checkRisk(limits, {
    symbol: o.symbol,
    positionBefore: o.positionBefore.toFixed(),
    delta: delta.toFixed(),
    refPrice: o.refPrice,
    grossOfOthers: o.grossOfOthers.toFixed(),
  });
}

/** Why to halt when the day's net P&L breaches the daily loss limit; undefined while it does not. */
export function lossLimitHalt(limits: RiskLimits, dayNetPnl: string): string | undefined {
  if (!lossLimitBreached(limits, dayNetPnl)) return undefined;
  return `daily loss limit: the day's net P&L is ${dayNetPnl}, limit -${limits.dailyLossLimit}`;
}

/** Whether the day's net P&L breaches the daily loss limit (so the bot must halt). */
export function lossLimitBreached(limits: RiskLimits, dayNetPnl: string): boolean {
  return limits.dailyLossLimit !== '' && dec(dayNetPnl).lte(new Dec(limits.dailyLossLimit).neg());
}
