/**
 * Median of the last `window` values, kept in a sorted array beside a ring of arrival order:
 * O(window) per update by binary search + splice, which for the spike filter's small windows
 * (tens of prices) is cheaper than two heaps with lazy deletion.
 */
export class RollingMedian {
  private readonly ring: number[] = [];
  private readonly sorted: number[] = [];
  private next = 0;

  constructor(readonly window: number) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be >= 1, got ${window}`);
  }

  update(x: number): void {
    if (this.ring.length < this.window) {
      this.ring.push(x);
    } else {
      const old = this.ring[this.next] as number;
      this.ring[this.next] = x;
      this.next = (this.next + 1) % this.window;
      this.sorted.splice(this.indexOf(old), 1);
    }
    this.sorted.splice(this.insertionPoint(x), 0, x);
  }

  get count(): number {
    return this.sorted.length;
  }

  get value(): number | undefined {
    const n = this.sorted.length;
    if (n === 0) return undefined;
    const mid = n >> 1;
    return n % 2 ? this.sorted[mid] : ((this.sorted[mid - 1] as number) + (this.sorted[mid] as number)) / 2;
  }

  private insertionPoint(x: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.sorted[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private indexOf(x: number): number {
    const i = this.insertionPoint(x);
    return this.sorted[i] === x ? i : this.sorted.indexOf(x);
  }
}
