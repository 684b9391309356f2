/**
 * Remembers the last `perSymbol` trade ids of each symbol (FIFO eviction) to drop the replays a
 * venue sends after a reconnect (Coinbase's `last_match`, overlapping connections). Bounded on both
 * axes: ids per symbol and symbols (the symbol seen least recently first is forgotten beyond
 * `maxSymbols`, so a stream of junk symbols can't grow memory).
 */
export class TradeIdDedup {
  private readonly bySymbol = new Map<string, Window>();

  constructor(
    readonly perSymbol = 10_000,
    readonly maxSymbols = 1_024,
  ) {
    if (!Number.isInteger(perSymbol) || perSymbol < 1)
      throw new RangeError('perSymbol must be an integer ≥ 1');
    if (!Number.isInteger(maxSymbols) || maxSymbols < 1)
      throw new RangeError('maxSymbols must be an integer ≥ 1');
  }

  /** True the first time (symbol, id) is seen within the window; false for a repeat. */
  firstSeen(symbol: string, id: string): boolean {
    let w = this.bySymbol.get(symbol);
    if (w) {
      // Re-insert to keep the Map in least-recently-seen order for the symbol eviction.
      this.bySymbol.delete(symbol);
      this.bySymbol.set(symbol, w);
    } else {
      w = new Window(this.perSymbol);
      this.bySymbol.set(symbol, w);
      if (this.bySymbol.size > this.maxSymbols) {
        const oldest = this.bySymbol.keys().next().value as string;
        this.bySymbol.delete(oldest);
      }
    }
    return w.add(id);
  }

  /** Number of symbols currently tracked. */
  get symbols(): number {
    return this.bySymbol.size;
  }
}

/** A set of at most `capacity` ids that forgets the oldest first. */
class Window {
  private readonly ids = new Set<string>();
  private readonly ring: string[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    if (this.ring.length < this.capacity) {
      this.ring.push(id);
    } else {
      this.ids.delete(this.ring[this.next] as string);
      this.ring[this.next] = id;
      this.next = (this.next + 1) % this.capacity;
    }
    this.ids.add(id);
    return true;
  }
}
