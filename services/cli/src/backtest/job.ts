import type { ExecutionModel, RiskLimits } from '@tickflow/paper';
import type { SmaCrossParams, StrategyFactory } from '@tickflow/strategy/light';
import { DaySource, type SharedDay } from './day-source.ts';
import type { Combination } from './grid.ts';
import { BacktestError, replayGroup } from './replay.ts';
import type { BacktestFigures } from './report-schema.ts';
import { smaCrossFactoryFor } from './sma-grid.ts';

/** What makes each combination's strategy factory: GridStrategies, or the built-in SMA cross alone. */
interface Factories {
  factoryFor(combination: Combination): StrategyFactory;
}

/**
 * One grid combination over one date range: plain JSON in, plain JSON out, so the same job runs
 * in this thread, on a worker thread, or (later) from a JetStream work queue on another machine that
 * sees the same archive. Paths are absolute.
 */
export interface BacktestJob {
  v: 1;
  /** The caller's name for the job (`grid:3`, `wf:2:train:5`); echoed in the result. */
  key: string;
  dates: string[];
  archiveDir: string;
  db: string;
  symbols: string[] | null;
  /** The strategy config file, or null for the built-in SMA cross with `sma`. */
  strategies: string | null;
  sma: SmaCrossParams;
  params: Combination;
  execution: ExecutionModel;
  /** The bot's risk limits; absent from a job of an older submitter: none. */
  limits?: RiskLimits;
  cash: string;
}

export type BacktestJobResult =
  | { v: 1; key: string; ok: true; figures: BacktestFigures }
  /** The strategy refused the combination's values (the grid lists it with `error`). */
  | { v: 1; key: string; ok: false; error: string };

/** What names a job's archive reader: jobs that agree on it read the same days. */
export type DaySourceKey = Pick<BacktestJob, 'archiveDir' | 'db' | 'symbols'>;

export const sourceKey = (job: DaySourceKey) => JSON.stringify([job.archiveDir, job.db, job.symbols]);

/** What jobs of one lane group agree on: everything but their key and parameters. */
export const groupKey = (job: BacktestJob) => {
  const { key: _key, params: _params, ...rest } = job;
  return JSON.stringify(rest);
};

/**
 * Ticks a runner keeps in memory to replay for the next job (~41 bytes each: ~80 MiB): a grid runs
 * the same days once per combination, and reading them from memory instead of Parquet saved a
 * third of a job's CPU in the bench. Days beyond it are read again each time.
 */
export const JOB_CACHE_TICKS = 2_000_000;

/**
 * Runs jobs one at a time, keeping what jobs share open between them: the archive reader (one
 * in-memory DuckDB per source, with the first JOB_CACHE_TICKS ticks of days kept) and the loaded
 * strategy modules.
 */
export class JobRunner {
  /**
   * `duckdbThreads`: DuckDB threads per archive reader (default one per core). `lazy`: open an
   * archive reader's DuckDB only when a day was not handed over (`preload`).
   */
  constructor(private readonly o: { duckdbThreads?: number; lazy?: boolean } = {}) {}

  /** Hands days read elsewhere (the grid's main thread) to the reader of `job`'s archive. */
  async preload(job: DaySourceKey, days: readonly SharedDay[]): Promise<void> {
    const source = await this.sourceOf(job);
    for (const day of days) source.preload(day);
  }

  private readonly sources = new Map<string, Promise<DaySource>>();
  private readonly strategies = new Map<string, Promise<Factories>>();

  async run(job: BacktestJob): Promise<BacktestJobResult> {
    return (await this.runGroup([job]))[0] as BacktestJobResult;
  }

  /**
   * Jobs that differ only in their key and parameters (`groupKey`), in one pass over their days
   * (`replayGroup`): each day read once, each tick made once for all of them. Each job's result is
   * the one it has alone; a combination the strategy refuses gets its error, the others still run.
   */
  async runGroup(jobs: readonly BacktestJob[]): Promise<BacktestJobResult[]> {
    const first = jobs[0];
    if (first === undefined) return [];
    const key = groupKey(first);
    if (jobs.some((j) => groupKey(j) !== key))
      throw new BacktestError('a lane group holds jobs over different days, archives or settings');
    const strategies = await this.strategiesOf(first);
    const out: BacktestJobResult[] = [];
    const lanes: { at: number; factory: StrategyFactory }[] = [];
    for (const [at, job] of jobs.entries()) {
      try {
        lanes.push({ at, factory: strategies.factoryFor(job.params) });
      } catch (err) {
        out[at] = { v: 1, key: job.key, ok: false, error: (err as Error).message };
      }
    }
    if (lanes.length === 0) return out;
    const figures = await replayGroup({
      source: await this.sourceOf(first),
      dates: first.dates,
      lanes: lanes.map(({ factory }) => ({
        factory,
        execution: first.execution,
        limits: first.limits,
        cash: first.cash,
      })),
    });
    for (const [k, { at }] of lanes.entries())
      out[at] = {
        v: 1,
        key: (jobs[at] as BacktestJob).key,
        ok: true,
        figures: figures[k] as BacktestFigures,
      };
    return out;
  }

  close(): void {
    for (const s of this.sources.values()) s.then((source) => source.close()).catch(() => {});
    this.sources.clear();
  }

  private sourceOf(job: DaySourceKey): Promise<DaySource> {
    const key = sourceKey(job);
    let source = this.sources.get(key);
    if (!source) {
      source = DaySource.open({
        archiveDir: job.archiveDir,
        db: job.db,
        symbols: job.symbols ?? undefined,
        cacheTicks: JOB_CACHE_TICKS,
        lazy: this.o.lazy === true,
        ...(this.o.duckdbThreads === undefined ? {} : { threads: this.o.duckdbThreads }),
      }).catch((cause) => {
        throw new BacktestError(`could not open the archive or the database: ${(cause as Error).message}`, {
          cause,
        });
      });
      this.sources.set(key, source);
    }
    return source;
  }

  /**
   * A grid without `--strategies` needs only the SMA cross: the config parser (and TypeBox, ~0.3 s
   * to load in each worker thread) is loaded only for a job that names a config.
   */
  private strategiesOf(job: BacktestJob): Promise<Factories> {
    const key = JSON.stringify([job.strategies, job.sma]);
    let s = this.strategies.get(key);
    if (!s) {
      const { strategies, sma } = job;
      s =
        strategies === null
          ? Promise.resolve({ factoryFor: (c: Combination) => smaCrossFactoryFor(sma, c) })
          : import('./grid-strategies.ts').then(({ GridStrategies }) => GridStrategies.load(strategies, sma));
      this.strategies.set(key, s);
    }
    return s;
  }
}
