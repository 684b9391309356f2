import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { History, HistoryConnection } from '@tickflow/history';
import {
  archivedDates,
  checkDate,
  type SharedSymbolTicks,
  SymbolTicks,
  sqlString,
  type TickColumns,
} from '@tickflow/history/ticks';
import { ReadAhead } from './read-ahead.ts';

/** DuckDB and its read-back, loaded on first use: a grid thread handed its days never loads them. */
const duckdb = () => import('@tickflow/history');

/** Where a date's ticks come from: its Parquet partition, the DuckDB day table, or nowhere. */
export type DaySourceKind = 'archive' | 'db' | 'none';

/**
 * The backtest's reader of one date at a time: the Parquet archive where the date is archived, the
 * DuckDB day table (`--db`, attached read-only) where it is not. It runs on an in-memory DuckDB
 * whose `ticks` is a view over that one date (optionally only `symbols`), so the columnar read-back
 * of libs/history (`readSymbols`) reads it unchanged and only one day is ever held.
 */
/** Ticks' columns read back at most at once (~41 bytes each: ~200 MB), whatever a day's size. */
const READBACK_ROWS = 5_000_000;

/** A day read onto shared memory, as plain data a worker thread can take (`DaySource.preload`). */
export interface SharedDay {
  date: string;
  kind: DaySourceKind;
  ticks: number;
  symbols: SharedSymbolTicks[];
}

interface DaySourceOptions {
  archiveDir: string;
  db?: string | undefined;
  symbols?: readonly string[] | undefined;
  /** DuckDB's threads (default one per core); a grid's worker thread takes 1, the pool being the parallelism. */
  threads?: number;
  /**
   * Keep days read, up to this many ticks in all (~41 bytes each, outside the heap), to hand them
   * over again from memory. Default 0: one day in memory at a time.
   */
  cacheTicks?: number;
  /**
   * Open DuckDB only when a day must be read from it: a grid's worker thread is handed its days
   * (`preload`) and often needs none (its errors then come from `readDay`).
   */
  lazy?: boolean;
  /** Read days onto SharedArrayBuffers (see `shareDay`). */
  sharedMemory?: boolean;
  /**
   * Read the next planned date (`plan`) on a thread of its own while this one is handed over (see
   * ReadAhead): a run over several days then waits only for its first. At most two days in memory.
   */
  readAhead?: boolean;
  /** A day with more ticks is not read ahead but here, in groups (default READBACK_ROWS). */
  readAheadMaxTicks?: number;
  /** See ReadSymbolsOptions.materializeRows (0: always streamed). */
  materializeRows?: number;
}

export class DaySource {
  /** Each venue+symbol's last seq handed over in the current run, and its last date (see `readDay`). */
  private readonly lastSeq = new Map<string, number>();
  private lastDate = '';
  /** With `readAhead`: the run's dates in order, and the reads asked of the reader thread. */
  private planned: readonly string[] = [];
  private ahead: ReadAhead | undefined;
  private readonly reading = new Map<string, Promise<SharedDay | undefined>>();
  /** Days handed over as read by the reader thread. */
  daysReadAhead = 0;
  private db: Promise<{ history: History; conn: HistoryConnection }> | undefined;

  private constructor(
    private readonly o: DaySourceOptions,
    private readonly dbAttached: boolean,
    private readonly archived: ReadonlySet<string>,
  ) {}

  /** Days kept to be handed over again without DuckDB (a grid replays the same days per combination). */
  private readonly cache = new Map<string, { kind: DaySourceKind; ticks: number; symbols: SymbolTicks[] }>();
  private cached = 0;

  static async open(o: DaySourceOptions): Promise<DaySource> {
    const source = new DaySource(
      o,
      o.db !== undefined && existsSync(o.db),
      new Set(archivedDates(o.archiveDir, 'ticks')),
    );
    if (!o.lazy) await source.connection();
    return source;
  }

  /** The in-memory DuckDB, opened on first use. */
  private async connection(): Promise<HistoryConnection> {
    this.db ??= (async () => {
      const { openHistory } = await duckdb();
      const history = await openHistory(
        ':memory:',
        this.o.threads === undefined ? {} : { threads: this.o.threads },
      );
      try {
        const conn = await history.connect();
        // The schema's empty `ticks` table gives way to a view per date.
        await conn.run('DROP TABLE IF EXISTS ticks');
        if (this.dbAttached) await conn.run(`ATTACH ${sqlString(this.o.db as string)} AS src (READ_ONLY)`);
        return { history, conn };
      } catch (err) {
        history.close();
        throw err;
      }
    })();
    return (await this.db).conn;
  }

  /**
   * Hands `day` (read by another DaySource over the same archive, database and symbols) over from
   * memory from now on, as if read here. Does not count against `cacheTicks`.
   */
  preload(day: SharedDay): void {
    const dicts = new Map();
    this.cache.set(day.date, {
      kind: day.kind,
      ticks: day.ticks,
      symbols: day.symbols.map((s) => SymbolTicks.fromShared(s, dicts)),
    });
  }

  /**
   * `date`'s ticks as read, without the seq carry of a run, as plain data on shared memory (the
   * source must be opened with `sharedMemory`). The day is not kept here. Undefined, unread, when
   * it has more than `maxTicks` ticks. `storageFor`: see ReadSymbolsOptions.
   */
  async shareDay(
    date: string,
    maxTicks = Number.POSITIVE_INFINITY,
    storageFor?: (rows: number) => TickColumns,
  ): Promise<SharedDay | undefined> {
    const symbols: SharedSymbolTicks[] = [];
    const read = await this.read(date, (t) => symbols.push(t.toShared()), maxTicks, storageFor);
    return read && { date, kind: read.kind, ticks: read.ticks, symbols };
  }

  /**
   * The dates a run is about to read, in order. With `readAhead`, the first is read here as usual
   * (waiting for a thread to start and open DuckDB would cost more) while the reader thread reads
   * the second; each later one is asked for when the one before it is handed over. Without
   * `readAhead`, nothing changes.
   */
  plan(dates: readonly string[]): void {
    if (!this.o.readAhead || dates.length < 2) return;
    this.ahead ??= new ReadAhead({ archiveDir: this.o.archiveDir, db: this.o.db, symbols: this.o.symbols });
    this.planned = dates;
    this.reading.clear();
    this.askAhead(dates[1] as string);
  }

  /** `date` from the reader thread, if it was asked for; asks for the planned date after it. */
  private readAheadOf(date: string): Promise<SharedDay | undefined> | undefined {
    const at = this.planned.indexOf(date);
    if (at < 0) return undefined;
    const day = this.reading.get(date);
    this.reading.delete(date);
    const next = this.planned[at + 1];
    if (next !== undefined) this.askAhead(next);
    return day;
  }

  private askAhead(date: string): void {
    if (this.ahead && !this.reading.has(date))
      this.reading.set(date, this.ahead.read(date, this.o.readAheadMaxTicks ?? READBACK_ROWS));
  }

  /** Where `date`'s ticks would be read from. */
  async kindOf(date: string): Promise<DaySourceKind> {
    checkDate(date);
    if (this.archived.has(date)) return 'archive';
    if (!this.dbAttached) return 'none';
    const row = await (await this.connection()).one(
      'SELECT count(*) > 0 AS has FROM src.ticks WHERE trade_date = $date',
      {
        date,
      },
    );
    return row.has === true ? 'db' : 'none';
  }

  /**
   * Hands `date`'s ticks over symbol by symbol (SymbolTicks: each venue in seq order), as the end
   * of day's recomputation reads them. Returns the ticks read and where from. With `readAhead`,
   * a day's views hold until the next `readDay` starts (the reader thread then refills them).
   */
  async readDay(
    date: string,
    onSymbol: (ticks: SymbolTicks) => void,
  ): Promise<{ kind: DaySourceKind; ticks: number; renumbered: number }> {
    // Runs read their dates in order: an earlier date (or the same) starts another run (a grid's
    // next combination, a walk-forward window), whose seq carry starts afresh.
    if (date <= this.lastDate) this.lastSeq.clear();
    this.lastDate = date;
    let renumbered = 0;
    const hand = (t: SymbolTicks) => {
      const { view, shifted } = this.carrySeq(t);
      renumbered += shifted;
      onSymbol(view);
    };
    const hit = this.cache.get(date);
    if (hit) {
      for (const t of hit.symbols) hand(t);
      return { kind: hit.kind, ticks: hit.ticks, renumbered };
    }
    const shared = await this.readAheadOf(date);
    if (shared) {
      this.daysReadAhead++;
      const dicts = new Map();
      for (const s of shared.symbols) hand(SymbolTicks.fromShared(s, dicts));
      return { kind: shared.kind, ticks: shared.ticks, renumbered };
    }
    if (this.o.cacheTicks === undefined || this.o.cacheTicks === 0) {
      const { kind, ticks } = (await this.read(date, hand)) as { kind: DaySourceKind; ticks: number };
      return { kind, ticks, renumbered };
    }
    // Each day's SymbolTicks are views over columns of their own, so keeping them is safe (the
    // seq carry makes new views: the kept ones stay as read).
    const symbols: SymbolTicks[] = [];
    const { kind, ticks } = (await this.read(date, (t) => {
      symbols.push(t);
      hand(t);
    })) as { kind: DaySourceKind; ticks: number };
    if (kind !== 'none' && this.cached + ticks <= this.o.cacheTicks) {
      this.cache.set(date, { kind, ticks, symbols });
      this.cached += ticks;
    }
    return { kind, ticks, renumbered };
  }

  /** Reads `date` from the archive or the database, handing its symbols over as read. */
  private async read(
    date: string,
    onSymbol: (ticks: SymbolTicks) => void,
    maxTicks?: number,
    storageFor?: (rows: number) => TickColumns,
  ): Promise<{ kind: DaySourceKind; ticks: number } | undefined> {
    const kind = await this.kindOf(date);
    if (kind === 'none') return { kind, ticks: 0 };
    const conn = await this.connection();
    const symbols = this.o.symbols;
    const only = symbols?.length ? ` AND symbol IN (${symbols.map((s) => sqlString(s)).join(', ')})` : '';
    // A view takes no parameters: the date is a checked calendar date, the paths vetted literals.
    const from =
      kind === 'archive'
        ? `(SELECT * EXCLUDE (date), DATE '${date}' AS trade_date
            FROM read_parquet(${sqlString(join(this.o.archiveDir, 'ticks', `date=${date}`, '*.parquet'))},
                              hive_partitioning = true))`
        : 'src.ticks';
    await conn.run(
      `CREATE OR REPLACE TEMP VIEW ticks AS SELECT * FROM ${from} t WHERE trade_date = DATE '${date}'${only}`,
    );
    if (maxTicks !== undefined && Number((await conn.one('SELECT count(*) AS n FROM ticks')).n) > maxTicks)
      return undefined;
    // Bounded whatever a day's size: a bigger day comes group by group through the temp dir.
    const { readSymbols } = await duckdb();
    const ticks = await readSymbols(conn, date, onSymbol, {
      maxRowsInMemory: READBACK_ROWS,
      spillDir: tmpdir(),
      sharedMemory: this.o.sharedMemory === true,
      ...(storageFor ? { storageFor } : {}),
      ...(this.o.materializeRows === undefined ? {} : { materializeRows: this.o.materializeRows }),
    });
    return { kind, ticks };
  }

  /**
   * A lane whose seq starts again at or below where it ended on an earlier date of the run is
   * history imported a date at a time (`tickflow import` numbers each date from 1; a recorded feed
   * never restarts a series): its seq goes on from there, or the engine would skip the whole date
   * as duplicates. Decision ids of such a run then depend on its first date.
   */
  private carrySeq(t: SymbolTicks): { view: SymbolTicks; shifted: number } {
    const offsets = new Map<string, number>();
    for (const { venue } of t.lanes) {
      const key = `${venue}\u0000${t.symbol}`;
      const range = t.seqRange(venue);
      if (range === undefined) continue;
      const last = this.lastSeq.get(key);
      if (last !== undefined && range.first <= last) {
        offsets.set(venue, last);
        this.lastSeq.set(key, range.last + last);
      } else this.lastSeq.set(key, range.last);
    }
    return { view: offsets.size ? t.withSeqOffsets(offsets) : t, shifted: offsets.size };
  }

  close(): void {
    this.ahead?.close();
    this.db?.then(({ history }) => history.close()).catch(() => {});
  }
}
