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
  tickSeq: number;
  tickTs: number;
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
