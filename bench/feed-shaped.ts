import { encodeValidTick } from '@tickflow/bus';
import { SyntheticMarket } from '@tickflow/feed';

/** One of the feed's ticks as a raw baseline publishes it: its subject, payload and id. */
export interface ShapedTick {
  subject: string;
  data: Uint8Array;
  /** `venue:symbol:` — a baseline appends a number unique to the message. */
  idPrefix: string;
}

/**
 * 10,000 ticks shaped as the feed's bench run makes them — its synthetic market's 50 symbol names,
 * prices, sizes and sides, a venue name as long as the feed's (`feedbench0`), encoded as the feed
 * encodes them — for the raw baselines to cycle: "the same core publishes" as the feed's, byte for
 * byte in size. (Until 2026-12-08 the baselines sent shorter ticks — venue `raw0`, symbols `S0`…,
 * no side — ~25 % fewer bytes per message than the feed; see docs/BENCHMARKS.md.)
 */
export function feedShapedTicks(venue: string, count = 10_000): ShapedTick[] {
  const market = new SyntheticMarket({
    symbols: 50,
    seed: 1,
    startTs: Date.parse('2026-01-05T14:30:00Z') * 1000,
    stepMicros: 1000,
  });
  const seqs = new Map<string, number>();
  const recvTs = Date.now() * 1000;
  return Array.from({ length: count }, (_, k) => {
    const t = market.next();
    const seq = (seqs.get(t.symbol) ?? 0) + 1;
    seqs.set(t.symbol, seq);
    const data = encodeValidTick({
      v: 1,
      venue,
      symbol: t.symbol,
      seq,
      ts: t.ts,
      price: t.price,
      size: t.size,
      side: t.side,
      recvTs: recvTs + k,
    });
    return { subject: `ticks.${venue}.${t.symbol}`, data, idPrefix: `${venue}:${t.symbol}:` };
  });
}
