import { type Decision, dec, type Fill, money, WIRE_VERSION } from '@tickflow/core';

export interface FillModel {
  /** Taker fee in basis points of notional, a decimal string ("1" = 0.01 %). */
  feeBps: string;
}

export const DEFAULT_FILL_MODEL: FillModel = { feeBps: '1' };

/** Deterministic fill id derived from the decision id: a redelivered decision maps to the same fill. */
export function fillId(decisionId: string): string {
  return `fill:${decisionId}`;
}

/**
 * Fills a decision in full at its reference price (the walking-skeleton execution model; slippage
 * and latency come later). BUY and SELL fill their qty; FLAT closes `positionQty` (the signed
 * position in the symbol before this fill), and gives no fill when there is none. Pure: the fill
 * depends only on the decision, the position and the model, so the batch layer reproduces it.
 */
export function fillDecision(
  decision: Decision,
  model: FillModel = DEFAULT_FILL_MODEL,
  positionQty = '0',
): Fill | undefined {
  let side: 'BUY' | 'SELL';
  let qtyText: string;
  if (decision.action === 'FLAT') {
    const pos = dec(positionQty);
    if (pos.isZero()) return undefined;
    side = pos.isNegative() ? 'BUY' : 'SELL';
    qtyText = pos.abs().toFixed();
  } else {
    side = decision.action;
    qtyText = decision.qty;
  }
  const qty = dec(qtyText);
  const price = dec(decision.refPrice);
  const fee = qty.mul(price).mul(dec(model.feeBps)).div(10_000);
  return {
    v: WIRE_VERSION,
    id: fillId(decision.id),
    decisionId: decision.id,
    symbol: decision.symbol,
    side,
    qty: qtyText,
    price: decision.refPrice,
    fee: money(fee),
    ts: decision.tickTs,
  };
}
