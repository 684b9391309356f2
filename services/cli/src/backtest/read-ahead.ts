import type { Worker } from 'node:worker_threads';
import type { SharedDay } from './day-source.ts';
import { backtestWorker } from './worker-thread.ts';

/** What names the archive a read-ahead thread reads: as DaySource's options say it. */
export interface ReadAheadSource {
  archiveDir: string;
  db?: string | undefined;
  symbols?: readonly string[] | undefined;
}

/** A request to the reader thread: `date` onto shared memory, unless it has more than `maxTicks`. */
export interface ShareRequest {
  share: ReadAheadSource;
  id: number;
  date: string;
  maxTicks: number;
}

/** The reader thread's answer: the day, none (too big: read it in the replay's thread), or why not. */
export interface ShareAnswer {
  id: number;
  day?: SharedDay | undefined;
  failure?: string;
}

/**
 * Reads a backtest's next days on a thread of their own while this thread replays the current
 * one. A replay spends about a third of its time reading a day from Parquet (DuckDB's scan and
 * the counting sort into lanes, see libs/history's readSymbols), which on one thread it waits
 * for; read elsewhere onto SharedArrayBuffers (as the grid's days are, `DaySource.shareDay`) it
 * overlaps with the replay of the day before, and reaches this thread without a copy.
 *
 * A day the thread cannot read, or one bigger than `maxTicks`, comes back undefined: the replay's
 * own DaySource then reads it as before (bounded, grouped through the temp dir, with its errors).
 */
export class ReadAhead {
  private worker: Worker | undefined;
  private failed = false;
  private nextId = 0;
  private readonly waiting = new Map<number, (day: SharedDay | undefined) => void>();

  constructor(private readonly source: ReadAheadSource) {}

  /** `date` read on the reader thread, in the order asked; undefined: read it here instead. */
  read(date: string, maxTicks: number): Promise<SharedDay | undefined> {
    const worker = this.thread();
    if (!worker) return Promise.resolve(undefined);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      if (this.waiting.size === 1) worker.ref();
      const request: ShareRequest = { share: this.source, id, date, maxTicks };
      worker.postMessage(request);
    });
  }

  close(): void {
    this.giveUp();
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private thread(): Worker | undefined {
    if (this.failed) return undefined;
    if (!this.worker) {
      try {
        const w = backtestWorker();
        w.on('message', (a: ShareAnswer) => this.answered(a));
        // A thread that dies leaves its days to the replay's thread (which reports what is wrong).
        w.on('error', () => this.giveUp());
        w.on('exit', () => this.giveUp());
        w.unref();
        this.worker = w;
      } catch {
        this.failed = true;
        return undefined;
      }
    }
    return this.worker;
  }

  private answered(a: ShareAnswer): void {
    const resolve = this.waiting.get(a.id);
    this.waiting.delete(a.id);
    if (this.waiting.size === 0) this.worker?.unref();
    resolve?.(a.failure === undefined ? a.day : undefined);
  }

  private giveUp(): void {
    this.failed = true;
    for (const resolve of this.waiting.values()) resolve(undefined);
    this.waiting.clear();
  }
}
