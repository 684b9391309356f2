/**
 * Subject names for the v1 contracts. Tokens come from validated venues and symbols, which never
 * contain `.`, `*`, `>` or spaces (see @tickflow/core isValidSymbol / isValidVenue).
 *
 * Rejected ticks travel on `rejects.<venue>`, not `ticks.rejected.<venue>`: the latter matches
 * TICKS's `ticks.*.*`, and JetStream refuses two streams with overlapping subjects.
 */
export const subjects = {
  tick: (venue: string, symbol: string) => `ticks.${venue}.${symbol}`,
  reject: (venue: string) => `rejects.${venue}`,
  decision: (symbol: string) => `decisions.${symbol}`,
  fill: (symbol: string) => `fills.${symbol}`,
  /** An order the bot did not fill (in full): `orders.rejected.<symbol>`, `orders.expired.<symbol>`. */
  orderEvent: (status: 'rejected' | 'expired', symbol: string) => `orders.${status}.${symbol}`,
  allTicks: 'ticks.*.*',
  allRejects: 'rejects.*',
  allDecisions: 'decisions.*',
  allFills: 'fills.*',
  allOrderEvents: 'orders.*.*',
} as const;

/** Dedup id of a tick in TICKS (`Nats-Msg-Id`): a re-published tick is dropped by the window. */
export function tickMsgId(venue: string, symbol: string, seq: number): string {
  return `${venue}:${symbol}:${seq}`;
}
