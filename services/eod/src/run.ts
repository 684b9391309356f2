import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Bus, BusAuthError, BusConnectError } from '@tickflow/bus';
import {
  DayLoader,
  type History,
  type HistoryOptions,
  openHistory,
  type ReadSymbolsOptions,
  SchemaVersionError,
  type Watermarks,
} from '@tickflow/history';
import {
  busAuthFrom,
  ConfigError,
  createLogger,
  type Logger,
  loadStrategySetup,
  warnStreamSetting,
} from '@tickflow/runtime';
import { CLOSE_STEPS, closeDay, type ReportPaths } from './close.ts';
import { type EodConfig, lastCompletedUtcDay } from './config.ts';
import { backfillDay, collectDay } from './load/collect.ts';
import { loadFromLog } from './load/log-loader.ts';
import { SessionSpecError, sessionRange, UTC_DAY } from './load/session-range.ts';
import { stepProgress } from './progress.ts';
import { botSession } from './reconcile/bot-session.ts';
import type { Report } from './report/report.ts';

export interface EodResult {
  report: Report;
  paths: ReportPaths;
  /** Wall time of the load (JetStream → DuckDB), of the whole run and of each step, in ms. */
  timings: { loadMs: number; totalMs: number; steps: Record<string, number> };
}

export interface EodRunOptions {
  /** Show a progress bar (the CLI passes `process.stdout.isTTY`); off by default. */
  progress?: boolean;
}

/**
 * The date's session range from --session-tz/--session-open/--session-close; refused (ConfigError,
 * exit 2) when invalid, or when not the UTC day with --from-log (the day log is split by UTC date).
 */
function sessionOf(config: EodConfig, date: string): { start: number; end: number } {
  const spec = { timeZone: config.sessionTz, open: config.sessionOpen, close: config.sessionClose };
  let range: { start: number; end: number };
  try {
    range = sessionRange(date, spec);
  } catch (err) {
    if (err instanceof SessionSpecError)
      throw new ConfigError([`--session-tz/--session-open/--session-close: ${err.message}`]);
    throw err;
  }
  const utc = sessionRange(date, UTC_DAY);
  if (config.fromLog && (range.start !== utc.start || range.end !== utc.end))
    throw new ConfigError([
      '--from-log loads UTC days (the day log is split by UTC date): leave --session-* at their defaults',
    ]);
  return range;
}

/**
 * The DuckDB file, its schema checked: a file this tickflow cannot read (another schema version)
 * is a usage error (ConfigError, exit 2) naming --db, not a failure of the run.
 */
async function openDatabase(database: string, options: HistoryOptions): Promise<History> {
  try {
    return await openHistory(database, options);
  } catch (err) {
    if (err instanceof SchemaVersionError) throw new ConfigError([`--db: ${err.message}`]);
    throw err;
  }
}

/**
 * Of --memory-budget-mib, DuckDB's memory limit (it spills beyond it), lent by step: the steps
 * that hold nothing big in JavaScript (the load, the bars, a big day's archive and analytics) get
 * more than the close's overlapping steps beside a whole day's tick columns, and a big day's
 * reconciliation, which holds a group of tick columns, gets less.
 */
const DUCKDB_SHARE = { alone: 0.6, besideDay: 0.4, besideGroups: 0.25 };
/** Of --memory-budget-mib: the reconciliation's tick columns (~41 bytes a tick), one group at a time. */
const READBACK_SHARE = 0.3;
const TICK_COLUMN_BYTES = 41;

/**
 * How the close keeps within --memory-budget-mib: DuckDB's limit for each step and its spill
 * directory, and how many ticks the reconciliation reads back at once (a bigger day goes group by
 * group through the spill directory). The rest of the budget is Node's own (its heap, a symbol's
 * replay, the report).
 */
export function memoryPlan(config: Pick<EodConfig, 'memoryBudgetMib' | 'spillDir' | 'dataDir' | 'threads'>): {
  /** DuckDB opened with the limit of the steps that run alone (the load, the bars). */
  duckdb: HistoryOptions;
  /** DuckDB's limit in MiB beside the whole day's tick columns, and beside a group's. */
  duckdbMib: { alone: number; besideDay: number; besideGroups: number };
  readback: ReadSymbolsOptions;
  spillDir: string;
} {
  const spillDir = resolve(config.spillDir ?? join(config.dataDir, 'spill'));
  const budget = config.memoryBudgetMib * 2 ** 20;
  const mib = (share: number) => Math.max(1, Math.floor(config.memoryBudgetMib * share));
  const duckdbMib = {
    alone: mib(DUCKDB_SHARE.alone),
    besideDay: mib(DUCKDB_SHARE.besideDay),
    besideGroups: mib(DUCKDB_SHARE.besideGroups),
  };
  return {
    duckdb: {
      memoryLimit: `${duckdbMib.alone}MiB`,
      tempDirectory: join(spillDir, 'duckdb'),
      ...(config.threads > 0 ? { threads: config.threads } : {}),
    },
    duckdbMib,
    readback: { maxRowsInMemory: Math.floor((budget * READBACK_SHARE) / TICK_COLUMN_BYTES), spillDir },
    spillDir,
  };
}

/** The process's memory now, in MiB (debug log lines: where the close's memory goes). */
const memoryNow = () => {
  const m = process.memoryUsage();
  const mib = (n: number) => Math.round(n / 2 ** 20);
  return { rssMib: mib(m.rss), heapMib: mib(m.heapUsed), arrayBuffersMib: mib(m.arrayBuffers) };
};

const LOAD_STEPS = ['read TICKS', 'read REJECTS', 'read DECISIONS', 'read FILLS', 'commit'] as const;
const LOG_LOAD_STEP = 'load log and commit';
const BACKFILL_STEP = 'backfill from JetStream';

/**
 * End of day for one date: JetStream → DuckDB (staged, one transaction, replacing the date) →
 * 1-minute bars → Parquet archive → analytics and reconciliation in DuckDB → reports/<date>/.
 */
export async function runEod(
  config: EodConfig,
  log: Logger = createLogger('eod', config.logLevel),
  options: EodRunOptions = {},
): Promise<EodResult> {
  const date = config.date ?? lastCompletedUtcDay();
  // The batch recomputation must run the very strategies the speed layer ran.
  // Built-ins and the strategy modules the config names, through the one loader (libs/runtime).
  const setup = await loadStrategySetup(config.strategies, {
    fast: config.fast,
    slow: config.slow,
    qty: config.qty,
  });
  const range = sessionOf(config, date);
  const database = resolve(config.db ?? join(config.dataDir, 'tickflow.duckdb'));
  const archiveDir = config.skipArchive
    ? undefined
    : resolve(config.archiveDir ?? join(config.dataDir, 'archive'));
  mkdirSync(resolve(database, '..'), { recursive: true });
  const memory = memoryPlan(config);
  try {
    mkdirSync(memory.spillDir, { recursive: true });
  } catch (err) {
    // An unusable directory is the operator's to fix: a usage error naming the flag (exit 2).
    throw new ConfigError([`--spill-dir ${memory.spillDir}: ${(err as Error).message}`]);
  }
  const loadSteps = !config.fromLog
    ? LOAD_STEPS
    : config.skipBackfill
      ? [LOG_LOAD_STEP]
      : [BACKFILL_STEP, LOG_LOAD_STEP];
  const progress = stepProgress([...loadSteps, ...CLOSE_STEPS], options.progress === true);
  // From the day log with --skip-backfill, NATS is not needed at all.
  const bus =
    config.fromLog && config.skipBackfill
      ? undefined
      : await Bus.connect({ ...busAuthFrom(config), name: 'tickflow-eod' }).catch((err: unknown) => {
          // Refused credentials stay a BusAuthError (exit 2): the hint below is about reachability.
          if (config.fromLog && err instanceof BusConnectError && !(err instanceof BusAuthError))
            throw new BusConnectError(
              `${err.message} (--from-log reads from JetStream what the day log is missing; --skip-backfill loads the log alone)`,
              { cause: err },
            );
          throw err;
        });
  const history = await openDatabase(database, memory.duckdb).catch(async (err: unknown) => {
    await bus?.drain();
    throw err;
  });
  const conn = await history.connect();
  // The close runs its analytics and its reconciliation on these while the archive runs on `conn`.
  const side = { analytics: await history.connect(), replay: await history.connect() };
  try {
    await bus?.ensureStreams({ replicas: config.replicas }, warnStreamSetting(log));
    const started = Date.now();
    const steps: Record<string, number> = {};
    let current: { name: string; at: number } | undefined;
    const step = (name: string) => {
      const now = Date.now();
      if (current) steps[current.name] = now - current.at;
      current = name === 'done' ? undefined : { name, at: now };
      if (name !== 'done') progress.step(name);
      log.debug({ step: name, ...memoryNow() }, 'load step');
    };
    const loader = await DayLoader.open(conn, date);
    // From JetStream the streams are read into staging; from the day log, the commit reads it,
    // and what the log is missing (the archiver was down or behind) is read from JetStream first.
    let read: Watermarks;
    let backfilled: Record<string, number> | undefined;
    if (config.fromLog) {
      // Refuses a date with an open segment before anything is read.
      const logRoot = resolve(config.logDir ?? join(config.dataDir, 'log'));
      read = loadFromLog(loader, logRoot);
      if (bus) {
        step(BACKFILL_STEP);
        backfilled = await backfillDay(bus, loader, logRoot, range);
      }
      step(LOG_LOAD_STEP);
    } else {
      read = (await collectDay(bus as Bus, loader, (stream) => step(`read ${stream}`), range)).watermarks;
      step('commit');
    }
    const watermarks = await loader.commit(read);
    const loadMs = Date.now() - started;
    log.info({ date, ...loader.counts, backfilled, ms: loadMs }, 'loaded into DuckDB');
    step('done');
    const session = bus
      ? await botSession(bus, config.botDurable, date, range, config.botPartitions)
      : undefined;
    if (config.botPartitions > 1 && session?.missingSnapshots.length)
      log.warn(
        { missing: session.missingSnapshots },
        "bot partitions' session snapshots missing: the fills are recomputed with the default model, positions not compared",
      );
    const { missingSnapshots: _missing, ...sessionParts } = session ?? { missingSnapshots: [] };
    // A day bigger than one read-back group runs its close steps one after another, each with its
    // own share of DuckDB's memory: three at once over 50 M ticks ran DuckDB out of its limit.
    const grouped = loader.counts.ticks > (memory.readback.maxRowsInMemory ?? 0);
    if (!grouped) await conn.setMemoryLimit(memory.duckdbMib.besideDay);
    const { report, paths, ...close } = await closeDay(conn, {
      date,
      database,
      archiveDir,
      reportsDir: resolve(config.reportsDir),
      factory: setup.factory,
      ...sessionParts,
      load: { ...loader.counts, watermarks },
      onStep: (s) => {
        progress.step(s);
        log.debug({ step: s, ...memoryNow() }, 'close step');
      },
      side: grouped ? undefined : side,
      readback: memory.readback,
      duckdbMib: grouped
        ? {
            archive: memory.duckdbMib.alone,
            analytics: memory.duckdbMib.alone,
            reconcile: memory.duckdbMib.besideGroups,
          }
        : undefined,
    });
    Object.assign(steps, close.steps);
    progress.stop();
    const totalMs = Date.now() - started;
    // Peak resident memory of the whole run so far (kB on Linux), against --memory-budget-mib.
    const usage = process.resourceUsage();
    const peakRssMib = Math.round(usage.maxRSS / 1024);
    const cpuS = Math.round((usage.userCPUTime + usage.systemCPUTime) / 1e5) / 10;
    log.info(
      {
        date,
        json: paths.json,
        archive: archiveDir,
        ms: totalMs,
        steps,
        peakRssMib,
        budgetMib: config.memoryBudgetMib,
        cpuS,
      },
      'report written',
    );
    return { report, paths, timings: { loadMs, totalMs, steps } };
  } finally {
    progress.stop();
    history.close();
    await bus?.drain();
  }
}
