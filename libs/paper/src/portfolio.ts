import { Dec, dec, type Fill, money, type Position, plain, ZERO } from '@tickflow/core';

interface Book {
  /** Signed quantity: positive long, negative short. */
  qty: Dec;
  /** Signed cost basis of the open quantity (qty × average cost). */
  cost: Dec;
  realized: Dec;
  fees: Dec;
  /** The latest mark as traded (a decimal string), parsed only when a figure needs it. */
  markText: string | undefined;
  markDec: Dec | undefined;
}

/** A book's mark as a Dec: parsed once per new mark, not once per tick (marks come with every tick). */
function markOf(b: Book): Dec | undefined {
  if (b.markDec === undefined && b.markText !== undefined) b.markDec = dec(b.markText);
  return b.markDec;
}

/** What applying one fill did, as told to a Portfolio's listener (the backtest's trade statistics). */
export interface AppliedFill {
  fill: Fill;
  qty: Dec;
  price: Dec;
  fee: Dec;
  /** The realized P&L it booked before its fee, when it reduced (closed, flipped) a position. */
  realized: Dec | undefined;
}

export interface PnlSummary {
  realized: string;
  unrealized: string;
  fees: string;
  /** realized + unrealized - fees */
  net: string;
  cash: string;
  equity: string;
}

/**
 * Positions, cash and P&L in exact decimals, average-cost method, long and short.
 *
 * The cost basis moves between `cost` and `realized` by the very same amount on every reduce, so
 * realized + unrealized always equals the fills' cash flows plus the marked position, exactly,
 * whatever rounding the average cost itself needs (a reduce at a non-terminating average cost is
 * rounded at 40 significant digits). For display, each part is rounded to 8 places and unrealized
 * is taken as the rounded total less the rounded realized, so realized + unrealized shown add up to
 * the rounded total; `net` is the exact realized + unrealized - fees rounded once, which is what
 * the batch layer reports (fees have 8 places, so it differs from the shown parts only on a tie).
 */
export class Portfolio {
  private readonly books = new Map<string, Book>();
  private cash: Dec;
  private readonly applied = new Set<string>();

  constructor(
    readonly initialCash: Dec = new Dec(100_000),
    /** Told of each fill applied, with what it booked: nothing needs to recompute the book. */
    private readonly onApplied?: (applied: AppliedFill) => void,
  ) {
    this.cash = initialCash;
  }

  /** Applies a fill once; returns false (and changes nothing) for a fill id already applied. */
  apply(fill: Fill): boolean {
    if (this.applied.has(fill.id)) return false;
    this.applied.add(fill.id);
    const book = this.book(fill.symbol);
    const price = dec(fill.price);
    const fee = dec(fill.fee);
    const qty = dec(fill.qty);
    let remaining = fill.side === 'BUY' ? qty : qty.neg();
    let realized: Dec | undefined;
    this.cash = this.cash.minus(remaining.mul(price)).minus(fee);
    book.fees = book.fees.plus(fee);
    // Reduce (or close) an opposite position first, then open with whatever is left: a flip.
    if (!book.qty.isZero() && book.qty.isNegative() !== remaining.isNegative()) {
      const closing = Dec.min(book.qty.abs(), remaining.abs());
      const costRemoved = closing.eq(book.qty.abs()) ? book.cost : book.cost.mul(closing).div(book.qty.abs());
      const sold = closing.mul(price);
      const proceeds = book.qty.isNegative() ? sold.neg() : sold;
      // Summed in this order, as ever (a cost basis from a division can carry 40 digits).
      book.realized = book.realized.plus(proceeds).minus(costRemoved);
      if (this.onApplied) realized = proceeds.minus(costRemoved);
      book.cost = book.cost.minus(costRemoved);
      book.qty = book.qty.plus(remaining.isNegative() ? closing.neg() : closing);
      remaining = remaining.isNegative() ? remaining.plus(closing) : remaining.minus(closing);
    }
    if (!remaining.isZero()) {
      book.qty = book.qty.plus(remaining);
      book.cost = book.cost.plus(remaining.mul(price));
    }
    if (book.markText === undefined) {
      book.markText = fill.price;
      book.markDec = price;
    }
    this.onApplied?.({ fill, qty, price, fee, realized });
    return true;
  }

  /** Marks a symbol to a traded price (unrealized P&L uses the latest mark). */
  mark(symbol: string, price: string): void {
    const b = this.book(symbol);
    b.markText = price;
    b.markDec = undefined;
  }

  /** Σ |position × mark| over every symbol but `except` (a symbol never marked counts its cost). */
  grossExposure(except?: string): Dec {
    let gross = ZERO;
    for (const [symbol, b] of this.books) {
      if (symbol !== except) gross = gross.plus(this.value(b).abs());
    }
    return gross;
  }

  /** Cash plus every position at its mark, unrounded (for limits; `pnl()` rounds for display). */
  equity(): Dec {
    let value = ZERO;
    for (const b of this.books.values()) value = value.plus(this.value(b));
    return this.cash.plus(value);
  }

  hasApplied(fillId: string): boolean {
    return this.applied.has(fillId);
  }

  position(symbol: string): Position | undefined {
    const b = this.books.get(symbol);
    return b ? this.toPosition(symbol, b) : undefined;
  }

  positions(): Position[] {
    return [...this.books.entries()].map(([s, b]) => this.toPosition(s, b));
  }

  pnl(): PnlSummary {
    let realized = ZERO;
    let unrealized = ZERO;
    let fees = ZERO;
    let value = ZERO;
    for (const b of this.books.values()) {
      realized = realized.plus(b.realized);
      unrealized = unrealized.plus(this.unrealized(b));
      fees = fees.plus(b.fees);
      value = value.plus(this.value(b));
    }
    const shown = splitForDisplay(realized, unrealized);
    return {
      realized: shown.realized,
      unrealized: shown.unrealized,
      fees: money(fees),
      // Rounded once from the exact value, as the batch layer rounds its total.
      net: money(realized.plus(unrealized).minus(fees)),
      cash: money(this.cash),
      equity: money(this.cash.plus(value)),
    };
  }

  /** The position at its mark, or at its cost when never marked. */
  private value(b: Book): Dec {
    const mark = markOf(b);
    return mark ? b.qty.mul(mark) : b.cost;
  }

  private unrealized(b: Book): Dec {
    const mark = markOf(b);
    return mark ? b.qty.mul(mark).minus(b.cost) : ZERO;
  }

  private toPosition(symbol: string, b: Book): Position {
    const shown = splitForDisplay(b.realized, this.unrealized(b));
    return {
      symbol,
      qty: plain(b.qty),
      avgCost: b.qty.isZero() ? '0' : plain(b.cost.div(b.qty).toDecimalPlaces(12)),
      realizedPnl: shown.realized,
      unrealizedPnl: shown.unrealized,
      fees: money(b.fees),
      lastPrice: b.markText === undefined ? '' : plain(markOf(b) as Dec),
    };
  }

  private book(symbol: string): Book {
    let b = this.books.get(symbol);
    if (!b) {
      b = { qty: ZERO, cost: ZERO, realized: ZERO, fees: ZERO, markText: undefined, markDec: undefined };
      this.books.set(symbol, b);
    }
    return b;
  }
}

/** Rounds realized and the total to money places and derives unrealized, so the parts add up. */
function splitForDisplay(
  realized: Dec,
  unrealized: Dec,
): { realized: string; unrealized: string; gross: string } {
  const gross = money(realized.plus(unrealized));
  const r = money(realized);
  return { realized: r, unrealized: money(new Dec(gross).minus(r)), gross };
}
