/**
 * A bounded single-consumer async queue. A producer that outruns the consumer must not grow memory
 * without limit, and a socket can't be paused without the venue dropping us, so when full the
 * OLDEST item is dropped (the freshest market data is worth most) and counted: the caller logs it.
 */
export class BoundedQueue<T> {
  private readonly ring: (T | undefined)[];
  private head = 0;
  private size = 0;
  private waiter: ((item: T | undefined) => void) | undefined;
  private closed = false;
  /** Items dropped because the queue was full. */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be an integer ≥ 1');
    this.ring = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.size;
  }

  /** Adds an item; returns the dropped oldest item when the queue was full, else undefined. Ignored once closed. */
  push(item: T): T | undefined {
    if (this.closed) return undefined;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(item);
      return undefined;
    }
    let evicted: T | undefined;
    if (this.size === this.capacity) {
      evicted = this.ring[this.head];
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.size--;
      this.dropped++;
    }
    this.ring[(this.head + this.size) % this.capacity] = item;
    this.size++;
    return evicted;
  }

  /** The next item, waiting for one; undefined once the queue is closed and drained. One caller at a time. */
  shift(): Promise<T | undefined> {
    if (this.size > 0) {
      const item = this.ring[this.head] as T;
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.size--;
      return Promise.resolve(item);
    }
    if (this.closed) return Promise.resolve(undefined);
    if (this.waiter) return Promise.reject(new QueueBusyError());
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** No more pushes; items already queued are still delivered, then shift() resolves undefined. */
  close(): void {
    this.closed = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.(undefined);
  }
}

/** shift() was called while another shift() was still waiting: the queue has one consumer. */
export class QueueBusyError extends Error {
  override name = 'QueueBusyError';
  constructor() {
    super('BoundedQueue has a single consumer: a shift() is already waiting');
  }
}
