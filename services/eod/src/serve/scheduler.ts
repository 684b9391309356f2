import type { Logger } from '@tickflow/runtime';
import { nextRun } from './schedule.ts';

export interface RunRecord {
  date: string;
  startedAt: string;
  finishedAt?: string;
  ok?: boolean;
  clean?: boolean;
  error?: string;
}

export interface SchedulerDeps {
  /** Wall clock, epoch ms (injected so tests control time). */
  now: () => number;
  /** Runs the end of day for a date; resolves with whether it reconciled. */
  runDay: (date: string) => Promise<{ clean: boolean }>;
  log: Logger;
  /** setTimeout by default; tests pass their own. */
  setTimer?: (fn: () => void, ms: number) => { clear(): void };
}

/**
 * Runs the day's end-of-day job at each session close, one at a time (DuckDB has one writer), and
 * remembers how the last runs went for /healthz and the REST API. A failed run is logged and
 * recorded; the next close runs as usual.
 */
export class EodScheduler {
  readonly runs: RunRecord[] = [];
  next: { at: number; date: string } | undefined;
  private timer: { clear(): void } | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly closeMinutes: number,
    private readonly deps: SchedulerDeps,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Runs a date now (also what the timer does); a second call waits for the first. */
  async runNow(date: string): Promise<RunRecord> {
    while (this.running) await this.running;
    const record: RunRecord = { date, startedAt: new Date(this.deps.now()).toISOString() };
    this.runs.unshift(record);
    this.runs.length = Math.min(this.runs.length, 30);
    const job = (async () => {
      try {
        const { clean } = await this.deps.runDay(date);
        Object.assign(record, { ok: true, clean });
        this.deps.log.info({ date, clean }, 'end of day done');
      } catch (err) {
        Object.assign(record, { ok: false, error: (err as Error).message });
        this.deps.log.error({ err, date }, 'end of day failed');
      } finally {
        record.finishedAt = new Date(this.deps.now()).toISOString();
      }
    })();
    this.running = job;
    await job;
    this.running = undefined;
    return record;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.clear();
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    const now = this.deps.now();
    this.next = nextRun(now, this.closeMinutes);
    const { at, date } = this.next;
    const set =
      this.deps.setTimer ??
      ((fn: () => void, ms: number) => {
        const t = setTimeout(fn, ms);
        return { clear: () => clearTimeout(t) };
      });
    // setTimeout takes at most ~24.8 days; a day is far below that.
    this.timer = set(() => {
      void this.runNow(date).then(() => this.schedule());
    }, at - now);
    this.deps.log.info({ date, at: new Date(at).toISOString() }, 'next end of day scheduled');
  }
}
