import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { bundleIsFresh } from '../../bin/bundle-fresh.mjs';
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

/**
 * The worker's script: the bundle's dist/backtest-worker.mjs (plain JavaScript) when the code
 * running is the bundle, or the sources with a bundle still fresh (built after every source
 * change: the bench runs `npm run build` first); otherwise a bootstrap that registers tsx's loader
 * in the new thread and imports worker-entry.ts. A thread compiling the sources itself took ~9 s
 * to start here under load, against well under a second for the bundle.
 */
function workerOf(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    for (const rel of ['./backtest-worker.mjs', '../backtest-worker.mjs']) {
      const url = new URL(rel, here);
      if (existsSync(fileURLToPath(url))) return bundledWorker(url);
    }
    throw new BacktestError('dist/backtest-worker.mjs is missing: run npm run build');
  }
  const bundled = new URL('../../dist/backtest-worker.mjs', here);
  if (bundleIsFresh(fileURLToPath(new URL('../../../../', here)), fileURLToPath(bundled)))
    return bundledWorker(bundled);
  const entry = new URL('./worker-entry.ts', here).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true });
}

interface Task {
  job: BacktestJob;
  resolve: (r: BacktestJobResult) => void;
  reject: (e: Error) => void;
}

/** Flags that load code into every module graph (`--import tsx`): a thread would inherit them. */
const LOADER_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);

/**
 * The bundle's worker, plain JavaScript, without the parent's loader flags: a parent run under
 * `--import tsx` (the bench, the tests) gave each thread tsx's hooks too, ~0.1-0.2 s of start-up
 * per thread spent on a loader the bundle does not need.
 */
function bundledWorker(url: URL): Worker {
  const execArgv: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    if (LOADER_FLAGS.has(flag))
      i++; // and its value
    else if (!LOADER_FLAGS.has(flag.slice(0, flag.indexOf('=')))) execArgv.push(flag);
  }
  return new Worker(url, { execArgv });
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
      const w = workerOf();
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
