import { Dec, type Decision, type Fill, ZERO } from '@tickflow/core';
import type { Portfolio } from '@tickflow/paper';

/** Decisions remembered per symbol; far more than can be in flight or redelivered at once. */
const KEEP_PER_SYMBOL = 1024;

interface Entry {
  venue: string;
  seq: number;
  /** Signed quantity filled so far for this decision. */
  qty: Dec;
}

/**
 * The signed quantity filled per decision, per symbol, so the bot knows the position an order
 * started from even after a restart that re-applied its (and later orders') fills: a FLAT must
 * close what the orders before it left, not what is there now. Decision ids carry their venue
 * and tick seq (`<strategy>:<venue>:<symbol>:<seq>`). One entry per decision that filled, the
 * latest 1,024 per symbol.
 */
export class DecisionFills {
  private readonly bySymbol = new Map<string, Map<string, Entry>>();

  add(fill: Fill): void {
    let decisions = this.bySymbol.get(fill.symbol);
    if (!decisions) {
      decisions = new Map();
      this.bySymbol.set(fill.symbol, decisions);
    }
    const signed = fill.side === 'BUY' ? new Dec(fill.qty) : new Dec(fill.qty).neg();
    const entry = decisions.get(fill.decisionId);
    if (entry) entry.qty = entry.qty.plus(signed);
    else {
      // Bounded: only the latest decisions matter (an order starts after those before it).
      if (decisions.size >= KEEP_PER_SYMBOL) decisions.delete(decisions.keys().next().value as string);
      const parts = fill.decisionId.split(':');
      decisions.set(fill.decisionId, {
        venue: parts[1] ?? '',
        seq: Number(parts[parts.length - 1]),
        qty: signed,
      });
    }
  }

  /** The quantity filled so far for a decision (unsigned), if it is remembered. */
  filledQty(symbol: string, decisionId: string): Dec | undefined {
    return this.bySymbol.get(symbol)?.get(decisionId)?.qty.abs();
  }

  has(symbol: string, decisionId: string): boolean {
    return this.bySymbol.get(symbol)?.has(decisionId) ?? false;
  }

  /** The symbol's position less every fill of this decision and of later ones on its venue. */
  positionBefore(portfolio: Portfolio, d: Decision): Dec {
    let qty = new Dec(portfolio.position(d.symbol)?.qty ?? '0');
    const decisions = this.bySymbol.get(d.symbol);
    if (!decisions) return qty;
    let later = ZERO;
    for (const e of decisions.values())
      if (e.venue === d.venue && e.seq >= d.tickSeq) later = later.plus(e.qty);
    qty = qty.minus(later);
    return qty;
  }
}
