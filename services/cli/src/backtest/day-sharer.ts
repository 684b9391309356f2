import { DaySource } from './day-source.ts';
import type { ShareAnswer, ShareRequest } from './read-ahead.ts';

/**
 * The reader thread's side: one DaySource per archive, days read one after another (a DaySource
 * reads one date at a time), each handed over as shared memory and not kept.
 */
export class DaySharer {
  private readonly sources = new Map<string, Promise<DaySource>>();
  private tail: Promise<unknown> = Promise.resolve();

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
      const key = JSON.stringify([r.share.archiveDir, r.share.db ?? null, r.share.symbols ?? null]);
      let source = this.sources.get(key);
      if (!source) {
        source = DaySource.open({ ...r.share, sharedMemory: true });
        this.sources.set(key, source);
      }
      return { id: r.id, day: await (await source).shareDay(r.date, r.maxTicks) };
    } catch (err) {
      return { id: r.id, failure: (err as Error)?.message ?? String(err) };
    }
  }
}
