/** Wire contract version carried by every message (`v: 1`). Extend fields, never rename them. */
export const WIRE_VERSION = 1 as const;

/** Aggressor side of a trade, when the venue reports it. */
export type TradeSide = 'buy' | 'sell';

/** One trade print, as published on `ticks.<venue>.<symbol>`. Prices and sizes are decimal strings. */
export interface Tick {
  v: typeof WIRE_VERSION;
  venue: string;
  symbol: string;
  /** Gap-free per venue+symbol, assigned by the feed. */
  seq: number;
  /** Exchange (or simulated) time, epoch microseconds. */
  ts: number;
  price: string;
  size: string;
  side?: TradeSide;
  /** Wall-clock time the feed received or generated the tick, epoch microseconds. */
  recvTs: number;
}

/** A tick the feed refused, as published on `ticks.rejected.<venue>`. Never dropped silently. */
export interface RejectedTick {
  v: typeof WIRE_VERSION;
  venue: string;
  /** The raw input, verbatim (stringified when it was not a string). */
  raw: string;
  reason: string;
  code: string;
  /** When it was rejected, epoch microseconds. */
  at: number;
}

export type DecisionAction = 'BUY' | 'SELL' | 'FLAT';

/** An order decision, as published on `decisions.<symbol>`. */
export interface Decision {
  v: typeof WIRE_VERSION;
  /** Deterministic: `<strategy>:<venue>:<symbol>:<tickSeq>`, so a replay re-emits the same id. */
  id: string;
  strategy: string;
  venue: string;
  symbol: string;
  action: DecisionAction;
  qty: string;
  refPrice: string;
  /** Present: a limit order at this price (rests until a tick trades through it); absent: market. */
  limitPrice?: string;
  tickSeq: number;
  tickTs: number;
  /**
   * TICKS stream sequence of the deciding tick, when the decision came from the live stream: the
   * bot reads the ticks after it from there. Not part of the identity (a batch replay has none).
   */
  tickStreamSeq?: number;
  /**
   * The feed's receive time of the deciding tick, epoch microseconds, when it came from the live
   * stream: any subscriber measures tick → decision latency from the decision alone. Not identity.
   */
  tickRecvTs?: number;
  /** Wall-clock time of the decision, epoch microseconds (for latency; not part of the identity). */
  decidedAt: number;
  reason: string;
  indicators: Record<string, number>;
}

export type FillSide = 'BUY' | 'SELL';

/** A simulated execution, as published on `fills.<symbol>`. */
export interface Fill {
  v: typeof WIRE_VERSION;
  /** Deterministic, derived from the decision id. */
  id: string;
  decisionId: string;
  symbol: string;
  side: FillSide;
  qty: string;
  price: string;
  fee: string;
  /** Exchange time of the fill, epoch microseconds (the decision's tick time in the skeleton). */
  ts: number;
}

export type OrderStatus = 'REJECTED' | 'EXPIRED';

/**
 * A decision the bot did not fill (in full), as published on `orders.<status>.<symbol>`: rejected
 * before it went out (risk limits, halted) or expired with a rest unfilled. Like fills, never lost.
 */
export interface OrderEvent {
  v: typeof WIRE_VERSION;
  /** Deterministic: `<status lower case>:<decisionId>`. */
  id: string;
  decisionId: string;
  symbol: string;
  status: OrderStatus;
  /** Machine-readable: HALTED, MAX_POSITION, MAX_NOTIONAL, MAX_GROSS_EXPOSURE, TTL. */
  reason: string;
  message: string;
  side: FillSide;
  /** The quantity not filled. */
  qty: string;
  /** Exchange time: the decision's tick (rejected) or the tick past the time to live (expired), µs. */
  ts: number;
  /** Wall-clock time the bot recorded it, epoch microseconds. */
  at: number;
}

/** A position in one symbol. Quantities and money are decimal strings on the wire. */
export interface Position {
  symbol: string;
  /** Signed: positive long, negative short. */
  qty: string;
  avgCost: string;
  realizedPnl: string;
  unrealizedPnl: string;
  fees: string;
  lastPrice: string;
}
