import {
  Dec,
  type Decision,
  dec,
  type Fill,
  type FillSide,
  money,
  plain,
  WIRE_VERSION,
} from '@tickflow/core';

/**
 * How orders execute against the tape. Every field is in exchange time or decimals, never
 * wall-clock time, so a fill depends only on the decision and the tick stream: the batch layer
 * reproduces each fill exactly from the archived ticks.
 */
export interface ExecutionModel {
  /** Order latency in exchange time: the order reaches the market this long after its tick. */
  latencyMs: number;
  /** Fixed slippage in basis points, paid on every market fill (buys higher, sells lower). */
  slippageBps: string;
  /**
   * Size-dependent impact in basis points per unit of participation: a fill of the tick's whole
   * printed size pays `impactBps` more, twice that size twice as much (linear in qty / tick size,
   * uncapped; 0 turns it off).
   */
  impactBps: string;
  /** Taker fee in basis points of notional (market orders take liquidity). */
  takerFeeBps: string;
  /** Maker fee in basis points of notional (resting limit orders provide it). */
  makerFeeBps: string;
  /** Minimum fee per fill, in quote currency. */
  minFee: string;
  /** When true a fill takes at most the tick's printed size; the rest waits for later ticks. */
  partialFills: boolean;
  /** The unfilled rest of an order expires once a tick is this much later than the decision. */
  ttlMs: number;
}

export const DEFAULT_EXECUTION: ExecutionModel = {
  latencyMs: 0,
  slippageBps: '0',
  impactBps: '0',
  takerFeeBps: '1',
  makerFeeBps: '0',
  minFee: '0',
  partialFills: false,
  ttlMs: 60_000,
};

/** The part of a tick the matching needs: the feed's gap-free sequence, exchange time, price, size. */
export interface TapeTick {
  seq: number;
  /** Exchange time, epoch microseconds. */
  ts: number;
  price: string;
  size: string;
}

/** Decimal places a slipped fill price is rounded to (half-even), so fills are finite strings. */
const PRICE_DP = 10;

/** Basis points per unit, as a Dec: a number operand is converted to a Dec in every operation. */
const BPS = new Dec(10_000);

/** Fill id: `fill:<decisionId>` for the first fill (unchanged from one-fill orders), `:<n>` after. */
export function fillId(decisionId: string, n = 1): string {
  return n === 1 ? `fill:${decisionId}` : `fill:${decisionId}:${n}`;
}

export type OrderState = 'WORKING' | 'FILLED' | 'EXPIRED';

/**
 * One order from a decision, matched against the ticks after it. BUY and SELL trade the
 * decision's qty; FLAT trades the position held before this order (`positionBefore`, signed) back
 * to zero, and is done at once with no fill when there is none. Eligible ticks are those of the
 * decision's venue and symbol with a later `seq` than the deciding tick (never that tick itself)
 * and `ts >= tickTs + latency`. Pure: feed it ticks in seq order, get the same fills every time.
 *
 * Without `decision.limitPrice` it is a market order: it fills at the tick's price moved by
 * slippage and impact, and pays the taker fee. With one it is a limit order resting in the book:
 * it fills only when a tick trades *through* its price (a buy below it, a sell above it — a print
 * at the limit itself may have been someone ahead in the queue), at its own price, without
 * slippage, and pays the maker fee.
 */
export class PaperOrder {
  readonly side: FillSide | undefined;
  readonly qty: Dec;
  readonly limit: Dec | undefined;
  private remaining: Dec;
  private fills = 0;
  state: OrderState;
  /** Exchange time of the tick that expired the order (0 until then). */
  expiredAt = 0;
  private readonly notBefore: number;
  private readonly expiresAfter: number;

  constructor(
    readonly decision: Decision,
    /** The position before this order, signed (a Dec saves formatting it only to parse it again). */
    positionBefore: string | Dec,
    private readonly model: ExecutionModel = DEFAULT_EXECUTION,
  ) {
    if (decision.action === 'FLAT') {
      const pos = dec(positionBefore);
      this.side = pos.isZero() ? undefined : pos.isNegative() ? 'BUY' : 'SELL';
      this.qty = pos.abs();
    } else {
      this.side = decision.action;
      this.qty = dec(decision.qty);
    }
    this.limit = decision.limitPrice === undefined ? undefined : dec(decision.limitPrice);
    this.remaining = this.qty;
    this.state = this.side && !this.qty.isZero() ? 'WORKING' : 'FILLED';
    this.notBefore = decision.tickTs + model.latencyMs * 1000;
    this.expiresAfter = decision.tickTs + model.ttlMs * 1000;
  }

  get filledQty(): string {
    return plain(this.qty.minus(this.remaining));
  }

  get remainingQty(): string {
    return plain(this.remaining);
  }

  /** Whether this tick is past the order's deciding tick (ticks at or before it never match). */
  after(tick: TapeTick): boolean {
    return tick.seq > this.decision.tickSeq;
  }

  /**
   * Offers the order the next tick of its symbol. Returns the fill it makes, if any; the order
   * expires (state EXPIRED, remainder unfilled) on the first tick past its time to live.
   */
  onTick(tick: TapeTick): Fill | undefined {
    if (this.state !== 'WORKING' || !this.after(tick) || tick.ts < this.notBefore) return undefined;
    if (tick.ts > this.expiresAfter) {
      this.state = 'EXPIRED';
      this.expiredAt = tick.ts;
      return undefined;
    }
    const tickPrice = dec(tick.price);
    if (this.limit && (this.side === 'BUY' ? !tickPrice.lt(this.limit) : !tickPrice.gt(this.limit)))
      return undefined;
    const printed = dec(tick.size);
    let qty = this.remaining;
    if (this.model.partialFills) {
      if (printed.isZero()) return undefined;
      qty = Dec.min(qty, printed);
    }
    const slipped = this.limit ? undefined : this.slipped(tickPrice, qty, printed);
    const price = this.limit ?? slipped ?? tickPrice;
    const feeBps = dec(this.limit ? this.model.makerFeeBps : this.model.takerFeeBps);
    const fee = Dec.max(qty.mul(price).mul(feeBps).div(BPS), dec(this.model.minFee));
    this.remaining = this.remaining.minus(qty);
    if (this.remaining.isZero()) this.state = 'FILLED';
    this.fills++;
    const side = this.side as FillSide; // WORKING implies a side
    return {
      v: WIRE_VERSION,
      id: fillId(this.decision.id, this.fills),
      decisionId: this.decision.id,
      symbol: this.decision.symbol,
      side,
      qty: plain(qty),
      // A limit fills at its price; a market order without slippage at the tick's own price
      // string, verbatim (as the venue printed it).
      price: this.limit ? plain(this.limit) : slipped ? plain(slipped) : tick.price,
      fee: money(fee),
      ts: tick.ts,
    };
  }

  /** The tick price moved against the order by fixed slippage plus participation-scaled impact (none: undefined). */
  private slipped(price: Dec, qty: Dec, printed: Dec): Dec | undefined {
    let bps = dec(this.model.slippageBps);
    const impact = dec(this.model.impactBps);
    if (!impact.isZero() && !printed.isZero()) bps = bps.plus(impact.mul(qty.div(printed)));
    if (bps.isZero()) return undefined;
    const factor = this.side === 'BUY' ? bps.div(BPS).plus(1) : new Dec(1).minus(bps.div(BPS));
    return price.mul(factor).toDecimalPlaces(PRICE_DP, Dec.ROUND_HALF_EVEN);
  }
}
