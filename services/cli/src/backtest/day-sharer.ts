import { columnStorage, type TickColumns } from '@tickflow/history/ticks';
import { DaySource } from './day-source.ts';
import { sourceKey } from './job.ts';
import type { ShareAnswer, ShareRequest } from './read-ahead.ts';

/**
 * The reader thread's side: one DaySource per archive, days read one after another (a DaySource
 * reads one date at a time), each handed over as shared memory and not kept.
 */
export class DaySharer {
  private readonly sources = new Map<string, Promise<DaySource>>();
  private tail: Promise<unknown> = Promise.resolve();
  /**
   * Two storages filled in turn. The replay asks for a day when it starts the one before it, so
   * the day two back, in the other storage, is done with by then (ReadAhead keeps to that order):
   * no new shared columns per day, whose memory would wait for both threads' collectors.
   */
  private readonly ring: (TickColumns | undefined)[] = [undefined, undefined];
  private turn = 0;

  answer(r: ShareRequest): Promise<ShareAnswer> {
    const answer = this.tail.then(() => this.share(r));
    this.tail = answer;
    return answer;
  }

  close(): void {
    for (const s of this.sources.values()) s.then((source) => source.close()).catch(() => {});
  }

  private async share(r: ShareRequest): Promise<ShareAnswer> {
    try {
      const { archiveDir, db = '', symbols } = r.share;
      const key = sourceKey({ archiveDir, db, symbols: symbols ? [...symbols] : null });
      let source = this.sources.get(key);
      if (!source) {
        // Streamed: a materialised result's memory would wait for this thread's collector too.
        source = DaySource.open({ ...r.share, sharedMemory: true, materializeRows: 0 });
        this.sources.set(key, source);
      }
      let used = false;
      const storageFor = (rows: number): TickColumns => {
        used = true;
        const have = this.ring[this.turn];
        if (have && have.seq.length >= rows) return have;
        const fresh = columnStorage(rows, true);
        this.ring[this.turn] = fresh;
        return fresh;
      };
      const day = await (await source).shareDay(r.date, r.maxTicks, storageFor);
      if (used) this.turn = 1 - this.turn;
      return { id: r.id, day };
    } catch (err) {
      return { id: r.id, failure: (err as Error)?.message ?? String(err) };
    }
  }
}
