export const STALE = Symbol('stale');

/**
 * The connection epoch of a publisher, bumped on every disconnect and reconnect: an answer
 * obtained in another epoch says nothing about what this connection sent, and a request lost with
 * the connection would hang until its timeout, so awaits race the epoch's end.
 */
export class Epoch {
  value = 0;
  private end: () => void = () => {};
  /**
   * Resolves when the current epoch ends. The first epoch's too: one that never ended let a read
   * hung on a killed server wait out its timeout through the first fault of a publisher's life.
   */
  private ended: Promise<typeof STALE> = this.fresh();

  next(): void {
    this.value++;
    this.end();
    this.ended = this.fresh();
  }

  /** `p`, or STALE as soon as the epoch ends. */
  orStale<T>(p: Promise<T>): Promise<T | typeof STALE> {
    p.catch(() => {}); // its failure matters only through the race
    return Promise.race([p, this.ended]);
  }

  private fresh(): Promise<typeof STALE> {
    return new Promise((resolve) => {
      this.end = () => resolve(STALE);
    });
  }
}
