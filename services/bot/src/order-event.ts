import { type Decision, type OrderEvent, WIRE_VERSION } from '@tickflow/core';
import type { PaperOrder } from '@tickflow/paper';

/**
 * The ORDERS message for an order the bot did not fill in full: rejected before it went out (its
 * decision's tick time) or expired (the tick past its time to live), with the unfilled quantity.
 */
export function orderEvent(
  d: Decision,
  order: PaperOrder,
  status: OrderEvent['status'],
  why: { reason: string; message: string },
  now: number,
): OrderEvent {
  return {
    v: WIRE_VERSION,
    id: `${status.toLowerCase()}:${d.id}`,
    decisionId: d.id,
    symbol: d.symbol,
    status,
    reason: why.reason,
    message: why.message,
    side: order.side ?? 'BUY',
    qty: order.remainingQty,
    ts: status === 'EXPIRED' ? order.expiredAt : d.tickTs,
    at: now,
  };
}
