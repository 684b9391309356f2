import { DaySource, type SharedDay } from './day-source.ts';
import { type DaySourceKey, sourceKey } from './job.ts';

/**
 * Ticks of days the grid's main thread reads once onto shared memory for all its worker threads
 * (~41 bytes each: ~160 MiB), instead of each thread reading every day from Parquet into a copy
 * of its own. Days past it are read by the threads themselves, as before.
 */
export const SHARED_DAY_TICKS = 4_000_000;

interface Source {
  source: Promise<DaySource>;
  days: Map<string, Promise<SharedDay | undefined>>;
  /** Reads go one after another: a DaySource reads one date at a time. */
  tail: Promise<unknown>;
}

/** The days the grid's jobs share, read on demand, each once. */
export class SharedDays {
  private readonly sources = new Map<string, Source>();
  private held = 0;

  constructor(private readonly budgetTicks = SHARED_DAY_TICKS) {}

  /**
   * The job's dates that can be shared, read now if not yet, in the job's order. A date that could
   * not be read here, or would pass the budget, is left out: the thread reads it (and reports
   * what is wrong with it) itself. Never rejects.
   */
  async daysFor(job: DaySourceKey & { dates: readonly string[] }): Promise<SharedDay[]> {
    const s = this.sourceOf(job);
    const out: SharedDay[] = [];
    for (const date of job.dates) {
      let day = s.days.get(date);
      if (!day) {
        day = s.tail.then(() => this.read(s, date));
        s.tail = day;
        s.days.set(date, day);
      }
      const d = await day;
      if (d) out.push(d);
    }
    return out;
  }

  close(): void {
    for (const s of this.sources.values()) s.source.then((source) => source.close()).catch(() => {});
    this.sources.clear();
  }

  private sourceOf(job: DaySourceKey): Source {
    const key = sourceKey(job);
    let s = this.sources.get(key);
    if (!s) {
      const source = DaySource.open({
        archiveDir: job.archiveDir,
        db: job.db,
        symbols: job.symbols ?? undefined,
        sharedMemory: true,
      });
      source.catch(() => {});
      s = { source, days: new Map(), tail: Promise.resolve() };
      this.sources.set(key, s);
    }
    return s;
  }

  private async read(s: Source, date: string): Promise<SharedDay | undefined> {
    try {
      const day = await (await s.source).shareDay(date, this.budgetTicks - this.held);
      if (day === undefined || day.kind === 'none') return undefined;
      this.held += day.ticks;
      return day;
    } catch {
      return undefined;
    }
  }
}
