import type { Worker } from 'node:worker_threads';
import type { SharedDay } from './day-source.ts';
import {
  type BacktestJob,
  type BacktestJobResult,
  type DaySourceKey,
  groupKey,
  JobRunner,
  sourceKey,
} from './job.ts';
import { BacktestError } from './replay.ts';
import { SharedDays } from './shared-days.ts';
import { backtestWorker } from './worker-thread.ts';

/** Runs BacktestJobs: `size` worker threads, or this thread when size ≤ 1. */
export interface JobPool {
  run(job: BacktestJob): Promise<BacktestJobResult>;
  close(): Promise<void>;
}

/** What a thread is sent before a job: days to take from memory instead of reading them. */
export interface Preload {
  preload: DaySourceKey;
  days: SharedDay[];
}

/** A lane group for a thread: jobs that differ only in their key and parameters (see `groupKey`). */
export interface JobBatch {
  jobs: BacktestJob[];
}

export type Answer = BacktestJobResult | { key: string; failure: { name: string; message: string } };

/** A thread's answer to a JobBatch: one per job, in the batch's order. */
export interface BatchAnswer {
  answers: Answer[];
}

/**
 * At most this many combinations in one lane group: a thread's group ends (and reports its jobs)
 * together, so the progress lines come a group at a time; each combination costs a strategy engine,
 * brokers and a portfolio, small beside a day's ticks.
 */
export const MAX_LANES = 32;

interface Task {
  job: BacktestJob;
  resolve: (r: BacktestJobResult) => void;
  reject: (e: Error) => void;
}

class ThreadPool implements JobPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Task[] = [];
  private readonly busy = new Map<Worker, Task[]>();
  private failed: Error | undefined;
  /** Jobs queued in the same turn (a sweep queues all of its at once) are grouped before they go. */
  private scheduled = false;
  /** Each day is read once here and handed to every thread (see SharedDays). */
  private readonly shared = new SharedDays();
  /** The days (source key + date) each thread already has. */
  private readonly handed = new Map<Worker, Set<string>>();

  /** `maxLanes`: combinations per lane group (1: each job alone, as the bench's serial baseline). */
  constructor(
    size: number,
    private readonly maxLanes = MAX_LANES,
  ) {
    for (let i = 0; i < size; i++) {
      const w = backtestWorker();
      w.on('message', (a: BatchAnswer) => this.answered(w, a));
      w.on('error', (err) => this.crashed(w, err));
      w.unref();
      this.all.push(w);
      this.idle.push(w);
    }
  }

  run(job: BacktestJob): Promise<BacktestJobResult> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      queueMicrotask(() => {
        this.scheduled = false;
        this.next();
      });
    });
  }

  async close(): Promise<void> {
    this.shared.close();
    await Promise.all(this.all.map((w) => w.terminate()));
  }

  private next(): void {
    while (this.idle.length && this.queue.length) {
      const share = this.idle.length;
      const w = this.idle.pop() as Worker;
      const group = this.takeGroup(share);
      this.busy.set(w, group);
      w.ref();
      void this.dispatch(
        w,
        group.map((t) => t.job),
      );
    }
  }

  /**
   * The first queued job and those queued that can share its pass over the days, this thread's
   * share of them (the idle threads split them evenly), at most `maxLanes`.
   */
  private takeGroup(threads: number): Task[] {
    const first = this.queue.shift() as Task;
    if (this.maxLanes <= 1) return [first];
    const key = groupKey(first.job);
    const mates = this.queue.filter((t) => groupKey(t.job) === key);
    const size = Math.min(this.maxLanes, Math.ceil((mates.length + 1) / threads));
    const taken = new Set(mates.slice(0, size - 1));
    for (let i = this.queue.length - 1; i >= 0; i--)
      if (taken.has(this.queue[i] as Task)) this.queue.splice(i, 1);
    return [first, ...taken];
  }

  /** Sends the thread the group's days it does not have yet (on shared memory), then the group. */
  private async dispatch(w: Worker, jobs: BacktestJob[]): Promise<void> {
    const job = jobs[0] as BacktestJob;
    const days = await this.shared.daysFor(job);
    if (this.failed) return;
    let handed = this.handed.get(w);
    if (!handed) {
      handed = new Set();
      this.handed.set(w, handed);
    }
    const prefix = sourceKey(job);
    const fresh = days.filter((d) => !handed.has(`${prefix}\u0000${d.date}`));
    for (const d of fresh) handed.add(`${prefix}\u0000${d.date}`);
    if (fresh.length) {
      const preload: Preload = {
        preload: { archiveDir: job.archiveDir, db: job.db, symbols: job.symbols },
        days: fresh,
      };
      w.postMessage(preload);
    }
    const batch: JobBatch = { jobs };
    w.postMessage(batch);
  }

  private answered(w: Worker, a: BatchAnswer): void {
    const tasks = this.busy.get(w) ?? [];
    this.busy.delete(w);
    w.unref();
    this.idle.push(w);
    for (const [i, task] of tasks.entries()) {
      const answer = a.answers[i];
      if (answer === undefined) task.reject(new BacktestError(`job ${task.job.key}: no answer`));
      else if ('failure' in answer)
        task.reject(
          new BacktestError(`job ${answer.key}: ${answer.failure.message}`, { cause: answer.failure }),
        );
      else task.resolve(answer);
    }
    this.next();
  }

  private crashed(w: Worker, err: Error): void {
    this.failed = new BacktestError(`a grid worker thread failed: ${err.message}`, { cause: err });
    for (const t of this.busy.get(w) ?? []) t.reject(this.failed);
    this.busy.delete(w);
    for (const t of this.queue.splice(0)) t.reject(this.failed);
  }
}

/** One JobRunner in this thread: `--workers 1`, and the serial baseline of the bench. */
class InlinePool implements JobPool {
  private readonly runner = new JobRunner();
  /** Jobs run one after another: they share the runner's archive reader. */
  private tail: Promise<unknown> = Promise.resolve();
  run(job: BacktestJob): Promise<BacktestJobResult> {
    const result = this.tail.then(() => this.runner.run(job));
    this.tail = result.catch(() => {});
    return result;
  }
  async close(): Promise<void> {
    this.runner.close();
  }
}

export const openPool = (workers: number): JobPool =>
  workers <= 1 ? new InlinePool() : new ThreadPool(workers);

/**
 * `size` fresh worker threads whatever the size: the bench's cold serial baseline is one, with
 * `maxLanes: 1` (each combination alone, one after another).
 */
export const openThreadPool = (size: number, o: { maxLanes?: number } = {}): JobPool =>
  new ThreadPool(size, o.maxLanes);
