/**
 * Doubles → their position in a list of distinct keys, for the read-back's price and size
 * dictionaries (two look-ups per tick replayed). An open-addressing table on the double's bits:
 * `Map.get` with a number key boxed each double read from a column and cost ~30 % of making a
 * Tick in a profile of the backtest's replay. Keys are compared with `===` (so 0 and -0 are one
 * key, as in a Map); an unknown key gives -1.
 */
export class DoubleIndex {
  private readonly keys: Float64Array;
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly bits = new Float64Array(1);
  private readonly halves = new Uint32Array(this.bits.buffer);

  constructor(keys: ArrayLike<number>) {
    let size = 8;
    while (size < keys.length * 2) size *= 2;
    this.mask = size - 1;
    this.keys = new Float64Array(size);
    this.slots = new Int32Array(size).fill(-1);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as number;
      let s = this.slotOf(key);
      while (this.slots[s] !== -1) {
        if (this.keys[s] === key) break; // a repeated key keeps its first position
        s = (s + 1) & this.mask;
      }
      if (this.slots[s] === -1) {
        this.keys[s] = key;
        this.slots[s] = i;
      }
    }
  }

  /** The position of `key` in the list, or -1. */
  get(key: number): number {
    for (let s = this.slotOf(key); ; s = (s + 1) & this.mask) {
      const at = this.slots[s] as number;
      if (at === -1 || this.keys[s] === key) return at;
    }
  }

  private slotOf(key: number): number {
    this.bits[0] = key === 0 ? 0 : key; // -0 and 0 hash alike
    const lo = this.halves[0] as number;
    const hi = this.halves[1] as number;
    return (Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> 7) & this.mask;
  }
}
