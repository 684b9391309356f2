/**
 * End-of-day benchmark, part of `npm run bench` (alone: node --import tsx services/eod/bench/eod.ts).
 * Writes a synthetic day of `ticks` trades (50 symbols, GBM) as the day log `eod archive` writes,
 * with the decisions the strategy makes on them and the fills the paper broker makes of those,
 * then times `eod run --from-log` (load, bars, Parquet, analytics, reconciliation, reports) next
 * to DuckDB's own raw rates for the same rows in the same run: the row appender, `read_csv` of the
 * same log, `read_json` of the same rows as NDJSON and `read_parquet` of the archive the run wrote (the
 * raw connection through @tickflow/history/internal: only libs/history imports DuckDB).
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Decision, type Fill, type Tick, WIRE_VERSION } from '@tickflow/core';
import {
  eodSpec,
  logPositionFile,
  readPosition,
  TICK_CSV_HEADER,
  TICK_CSV_READ_OPTIONS,
  tickCsvLine,
} from '@tickflow/eod/internal';
import { duckdbConnection, openHistory, sqlString } from '@tickflow/history/internal';
import { DEFAULT_EXECUTION, simulateExecution } from '@tickflow/paper';
import { resolveConfig } from '@tickflow/runtime';
import { StrategyEngine, strategySetup } from '@tickflow/strategy';

const BIN = fileURLToPath(new URL('../../cli/bin/tickflow.mjs', import.meta.url));
const DATE = '2026-01-05';
const DAY_START_US = Date.parse(`${DATE}T00:00:00Z`) * 1000;
const SYMBOLS = 50;
const SEGMENT_LINES = 1_000_000;

export interface EodBenchRow {
  ticks: number;
  decisions: number;
  fills: number;
  writeLogMs: number;
  totalMs: number;
  /** Day log → DuckDB, committed. */
  loadMs: number;
  steps: Record<string, number>;
  /** Peak resident memory of the `eod run` process (its own report), and its budget, in MiB. */
  peakRssMib: number;
  budgetMib: number;
  /** CPU seconds (user + system) of the `eod run` process. */
  cpuS: number;
  /** The reconciliation found no break (it must: the log is what the same code produced). */
  clean: boolean;
  raw: {
    appenderRowsPerS: number;
    readCsvRowsPerS: number;
    readJsonRowsPerS: number;
    readParquetRowsPerS: number;
  };
}

const ticksOf = (s: number, total: number) => Math.floor(total / SYMBOLS) + (s < total % SYMBOLS ? 1 : 0);

/** One symbol's day, tick by tick: seeded GBM around 100, spread evenly over the day. */
function symbolTickSource(s: number, n: number): () => Tick {
  // mulberry32: 32-bit integer arithmetic throughout. (The LCG here before multiplied in doubles
  // beyond 2^53, lost bits and drifted: at 1 M ticks a symbol its prices passed DECIMAL(24,10).)
  let seed = (1234567 + s * 7919) >>> 0;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let price = 100 + s;
  const step = Math.floor(86_400_000_000 / (n + 1));
  let i = 0;
  return () => {
    price *= Math.exp((rand() - 0.5) * 0.002);
    const ts = DAY_START_US + (i + 1) * step + s;
    i++;
    return {
      v: WIRE_VERSION,
      venue: 'bench',
      symbol: `S${s}-USD`,
      seq: i,
      ts,
      price: price.toFixed(2),
      size: (0.001 * (1 + Math.floor(rand() * 1000))).toFixed(3),
      side: rand() < 0.5 ? 'buy' : 'sell',
      recvTs: ts + 1000,
    };
  };
}

/** One symbol's whole day (the same ticks as its source gives one by one). */
function symbolTicks(s: number, n: number): Tick[] {
  const next = symbolTickSource(s, n);
  return Array.from({ length: n }, next);
}

/**
 * Appends lines in segments of SEGMENT_LINES as the archiver does: ticks as CSV (with its header),
 * anything else as NDJSON with `stream_seq` first.
 */
class LogWriter<T extends object> {
  private lines: string[] = [];
  private file = '';
  private inFile = 0;
  seq = 0;
  constructor(
    private readonly dir: string,
    private readonly csv?: { header: string; line: (seq: number, message: T) => string },
  ) {
    mkdirSync(dir, { recursive: true });
  }
  add(message: T): void {
    this.seq++;
    if (this.inFile === 0) {
      this.file = join(this.dir, `${String(this.seq).padStart(16, '0')}${this.csv ? '.csv' : '.ndjson'}`);
      if (this.csv) appendFileSync(this.file, this.csv.header);
    }
    this.lines.push(
      this.csv
        ? this.csv.line(this.seq, message)
        : `{"stream_seq":${this.seq},${JSON.stringify(message).slice(1)}\n`,
    );
    if (++this.inFile === SEGMENT_LINES) this.flush(true);
    else if (this.lines.length >= 50_000) this.flush(false);
  }
  flush(endSegment = true): void {
    if (this.lines.length) appendFileSync(this.file, this.lines.join(''));
    this.lines = [];
    if (endSegment) this.inFile = 0;
  }
}

export interface MeasureEodOptions {
  /** DuckDB's raw rates for the same rows (default true; the larger day skips them). */
  raw?: boolean;
}

export async function measureEod(ticks: number, opts: MeasureEodOptions = {}): Promise<EodBenchRow> {
  const dir = join(tmpdir(), `tickflow-eod-bench-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const config = resolveConfig(
    eodSpec,
    {
      date: DATE,
      dataDir: dir,
      reportsDir: join(dir, 'reports'),
      fromLog: 'true',
      skipBackfill: 'true',
      logLevel: 'warn',
    },
    {},
  );
  try {
    // The day: ticks, the strategy's decisions on them (live form, as signals runs it) and the
    // paper broker's fills of those — what the speed layer would have logged.
    const written = performance.now();
    const setup = strategySetup(undefined, { fast: config.fast, slow: config.slow, qty: config.qty });
    const logs = {
      ticks: new LogWriter<Tick>(join(dir, 'log', 'TICKS', DATE), {
        header: TICK_CSV_HEADER,
        line: tickCsvLine,
      }),
      decisions: new LogWriter<Decision>(join(dir, 'log', 'DECISIONS', DATE)),
      fills: new LogWriter<Fill>(join(dir, 'log', 'FILLS', DATE)),
    };
    // Ticks in stream order as a feed publishes them, the symbols interleaved in time (not one
    // symbol's day after another, which would hand the close presorted data); each symbol's
    // strategy sees its own ticks in order.
    const sources = Array.from({ length: SYMBOLS }, (_, s) => symbolTickSource(s, ticksOf(s, ticks)));
    const engines = Array.from({ length: SYMBOLS }, () => new StrategyEngine(setup.factory));
    const decisions: Decision[][] = Array.from({ length: SYMBOLS }, () => []);
    for (let i = 0; i < ticksOf(0, ticks); i++) {
      for (let s = 0; s < SYMBOLS; s++) {
        if (i >= ticksOf(s, ticks)) continue;
        const t = (sources[s] as () => Tick)();
        logs.ticks.add(t);
        const d = (engines[s] as StrategyEngine).onTick(t, t.ts).decision;
        if (d) (decisions[s] as Decision[]).push(d);
      }
    }
    // Decisions and fills as the signals service and the bot would publish them: in time order.
    const allDecisions = decisions.flat().sort((a, b) => a.tickTs - b.tickTs);
    for (const d of allDecisions) logs.decisions.add(d);
    const fills: Fill[] = [];
    for (let s = 0; s < SYMBOLS; s++) {
      const day = symbolTicks(s, ticksOf(s, ticks));
      for (const f of simulateExecution(decisions[s] as Decision[], () => day, DEFAULT_EXECUTION).fills)
        fills.push(f);
    }
    for (const f of fills.sort((a, b) => a.ts - b.ts)) logs.fills.add(f);
    const decisionCount = allDecisions.length;
    for (const l of Object.values(logs)) l.flush();
    const fillCount = logs.fills.seq;
    // The archiver fsyncs each segment before it acks, so at a real close the log is on disk. Here
    // it was just written: without this the close would share the disk with the kernel writing
    // back a gigabyte of dirty pages (seen: load 8.1 s against 6.7-6.9 s on the same log synced).
    spawnSync('sync');
    const writeLogMs = performance.now() - written;

    const run = runEodProcess(config.dataDir, config.reportsDir);
    const raw =
      opts.raw === false
        ? {
            appenderRowsPerS: Number.NaN,
            readCsvRowsPerS: Number.NaN,
            readJsonRowsPerS: Number.NaN,
            readParquetRowsPerS: Number.NaN,
          }
        : await rawRates(dir, ticks);
    return {
      ticks,
      decisions: decisionCount,
      fills: fillCount,
      writeLogMs,
      ...run,
      raw,
    };
  } finally {
    // BENCH_EOD_KEEP=1 keeps the day log, DuckDB file and reports for a closer look.
    if (process.env.BENCH_EOD_KEEP) console.error(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `tickflow eod run --from-log --skip-backfill` for the bench's date, run as users run it: its own
 * process, the built command (inside the bench process, whose heap holds what the earlier
 * sections left, the reconciliation's garbage collection cost more). Timings from its log lines.
 */
function runEodProcess(
  dataDir: string,
  reportsDir: string,
): Pick<EodBenchRow, 'totalMs' | 'loadMs' | 'steps' | 'clean' | 'peakRssMib' | 'budgetMib' | 'cpuS'> {
  const r = spawnSync(
    process.execPath,
    [BIN, 'eod', 'run', '--date', DATE, '--from-log', '--skip-backfill', '--data-dir', dataDir],
    {
      env: { ...process.env, TICKFLOW_REPORTS_DIR: reportsDir, TICKFLOW_LOG_LEVEL: 'info' },
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
    },
  );
  const lines = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map(
      (l) =>
        JSON.parse(l) as {
          msg?: string;
          ms?: number;
          steps?: Record<string, number>;
          peakRssMib?: number;
          budgetMib?: number;
          cpuS?: number;
        },
    );
  const loaded = lines.find((l) => l.msg === 'loaded into DuckDB');
  const written = lines.find((l) => l.msg === 'report written');
  if (!loaded?.ms || !written?.ms || !written.steps)
    throw new Error(`eod run failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  // Exit 0: reconciled; 3: breaks (there must be none: the log is what the same code produced).
  return {
    totalMs: written.ms,
    loadMs: loaded.ms,
    steps: written.steps,
    clean: r.status === 0,
    peakRssMib: written.peakRssMib ?? Number.NaN,
    budgetMib: written.budgetMib ?? Number.NaN,
    cpuS: written.cpuS ?? Number.NaN,
  };
}

/** DuckDB's own rates for the same rows: appender, read_json of the log, read_parquet of the archive. */
async function rawRates(dir: string, n: number): Promise<EodBenchRow['raw']> {
  const history = await openHistory(join(dir, 'raw.duckdb'));
  // The raw connection: DuckDB's own appender, not the adapter's, is what is measured here.
  const conn = duckdbConnection(await history.connect());
  try {
    await conn.run(`CREATE TABLE a (venue VARCHAR, symbol VARCHAR, seq BIGINT, ts BIGINT, price DOUBLE,
      size DOUBLE, side VARCHAR, recv_ts BIGINT)`);
    const appender = await conn.createAppender('a');
    let started = performance.now();
    for (let s = 0; s < SYMBOLS; s++) {
      for (const t of symbolTicks(s, ticksOf(s, n))) {
        appender.appendVarchar(t.venue);
        appender.appendVarchar(t.symbol);
        appender.appendBigInt(BigInt(t.seq));
        appender.appendBigInt(BigInt(t.ts));
        appender.appendDouble(Number(t.price));
        appender.appendDouble(Number(t.size));
        appender.appendVarchar(t.side ?? '');
        appender.appendBigInt(BigInt(t.recvTs));
        appender.endRow();
      }
    }
    appender.closeSync();
    // Generating the rows is in this figure too, as the day log's writing is not in ours.
    const appenderRowsPerS = n / ((performance.now() - started) / 1000);
    const q = sqlString;
    // The same log's rows, read as text, into a table: what `read_csv` itself costs.
    started = performance.now();
    await conn.run(
      `CREATE TABLE c AS SELECT * FROM read_csv(${q(join(dir, 'log', 'TICKS', DATE, '*.csv'))}, ${TICK_CSV_READ_OPTIONS})`,
    );
    const readCsvRowsPerS = n / ((performance.now() - started) / 1000);
    // The same rows as NDJSON (the log's earlier format), written here and read with `read_json`.
    const jsonDir = join(dir, 'raw-ndjson');
    const json = new LogWriter<Tick>(jsonDir);
    for (let s = 0; s < SYMBOLS; s++) for (const t of symbolTicks(s, ticksOf(s, n))) json.add(t);
    json.flush();
    started = performance.now();
    await conn.run(`CREATE TABLE j AS SELECT * FROM read_json(${q(join(jsonDir, '*.ndjson'))},
      format = 'newline_delimited', columns = {stream_seq: 'BIGINT', venue: 'VARCHAR', symbol: 'VARCHAR',
      seq: 'BIGINT', ts: 'BIGINT', price: 'VARCHAR', size: 'VARCHAR', side: 'VARCHAR', recvTs: 'BIGINT'})`);
    const readJsonRowsPerS = n / ((performance.now() - started) / 1000);
    rmSync(jsonDir, { recursive: true, force: true });
    const parquetDir = join(dir, 'archive', 'ticks', `date=${DATE}`);
    const files = readdirSync(parquetDir).filter((f) => f.endsWith('.parquet'));
    started = performance.now();
    await conn.run(
      `CREATE TABLE p AS SELECT * FROM read_parquet([${files.map((f) => q(join(parquetDir, f))).join(', ')}])`,
    );
    const readParquetRowsPerS = n / ((performance.now() - started) / 1000);
    return { appenderRowsPerS, readCsvRowsPerS, readJsonRowsPerS, readParquetRowsPerS };
  } finally {
    history.close();
  }
}

/**
 * `tickflow eod archive`, run as users run it (its own process, the built command), catching up
 * on a TICKS stream that already holds `expected` ticks (and nothing else): ticks/s from the
 * moment it starts reading TICKS (its log line, so Node's start-up is not counted) until its log
 * position says all are written and fsynced. Must keep up with the feed. (Run inside the bench
 * process, after everything else, its heap made it ~15 % slower than this.)
 */
export async function measureArchive(natsUrl: string, expected: number): Promise<number> {
  const dir = join(tmpdir(), `tickflow-archive-bench-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const child = spawn(
    process.execPath,
    [BIN, 'eod', 'archive', '--data-dir', dir, '--log-level', 'info', '--port', '0'],
    {
      env: { ...process.env, NATS_URL: natsUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise((r) => child.once('exit', r));
  try {
    let started: number | undefined;
    let text = '';
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      if (started === undefined && /"stream":"TICKS".*archiving from the log position/.test(text))
        started = performance.now();
    });
    const position = logPositionFile(join(dir, 'log'), 'TICKS');
    const deadline = Date.now() + 300_000;
    while (started === undefined || readPosition(position) < expected) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`eod archive did not finish: ${text}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return expected / ((performance.now() - started) / 1000);
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.env.BENCH_EOD_TICKS ?? 10_000_000);
  console.log(JSON.stringify(await measureEod(n), null, 1));
}
