export const STALE = Symbol('stale');

/**
 * The connection epoch of a publisher, bumped on every disconnect and reconnect: an answer
 * obtained in another epoch says nothing about what this connection sent, and a request lost with
 * the connection would hang until its timeout, so awaits race the epoch's end.
 */
export class Epoch {
  value = 0;
  private ended: Promise<typeof STALE> = new Promise(() => {});
  private end: () => void = () => {};

  next(): void {
    this.value++;
    this.end();
    this.ended = new Promise((resolve) => {
      this.end = () => resolve(STALE);
    });
  }

  /** `p`, or STALE as soon as the epoch ends. */
  orStale<T>(p: Promise<T>): Promise<T | typeof STALE> {
    p.catch(() => {}); // its failure matters only through the race
    return Promise.race([p, this.ended]);
  }
}
