/**
 * The last `capacity` ids seen, for dropping replays (a venue re-sending trades after a
 * reconnect). O(1) per check; memory bounded: the oldest id is forgotten when full.
 */
export class RecentIds {
  private readonly set = new Set<string>();
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be >= 1, got ${capacity}`);
    this.ring = new Array(capacity);
  }

  /** Records `id`; returns false when it was already among the recent ones (a duplicate). */
  add(id: string): boolean {
    if (this.set.has(id)) return false;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.set.delete(evicted);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    this.set.add(id);
    return true;
  }

  get size(): number {
    return this.set.size;
  }
}
