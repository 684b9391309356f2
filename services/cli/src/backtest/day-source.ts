import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  archivedDates,
  checkDate,
  type History,
  type HistoryConnection,
  openHistory,
  readSymbols,
  type SymbolTicks,
  sqlString,
} from '@tickflow/history';

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

export class DaySource {
  /** Each venue+symbol's last seq handed over in the current run, and its last date (see `readDay`). */
  private readonly lastSeq = new Map<string, number>();
  private lastDate = '';

  private constructor(
    private readonly history: History,
    private readonly conn: HistoryConnection,
    private readonly archiveDir: string,
    private readonly dbAttached: boolean,
    private readonly symbols: readonly string[] | undefined,
    private readonly archived: ReadonlySet<string>,
    private readonly cacheTicks: number,
  ) {}

  /** Days kept to be handed over again without DuckDB (a grid replays the same days per combination). */
  private readonly cache = new Map<string, { kind: DaySourceKind; ticks: number; symbols: SymbolTicks[] }>();
  private cached = 0;

  static async open(o: {
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
  }): Promise<DaySource> {
    const history = await openHistory(':memory:', o.threads === undefined ? {} : { threads: o.threads });
    const conn = await history.connect();
    try {
      // The schema's empty `ticks` table gives way to a view per date.
      await conn.run('DROP TABLE IF EXISTS ticks');
      const attach = o.db !== undefined && existsSync(o.db);
      if (attach) await conn.run(`ATTACH ${sqlString(o.db as string)} AS src (READ_ONLY)`);
      const archived = new Set(archivedDates(o.archiveDir, 'ticks'));
      return new DaySource(history, conn, o.archiveDir, attach, o.symbols, archived, o.cacheTicks ?? 0);
    } catch (err) {
      history.close();
      throw err;
    }
  }

  /** Where `date`'s ticks would be read from. */
  async kindOf(date: string): Promise<DaySourceKind> {
    checkDate(date);
    if (this.archived.has(date)) return 'archive';
    if (!this.dbAttached) return 'none';
    const row = await this.conn.one('SELECT count(*) > 0 AS has FROM src.ticks WHERE trade_date = $date', {
      date,
    });
    return row.has === true ? 'db' : 'none';
  }

  /**
   * Hands `date`'s ticks over symbol by symbol (SymbolTicks: each venue in seq order), as the end
   * of day's recomputation reads them. Returns the ticks read and where from.
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
    const kind = await this.kindOf(date);
    if (kind === 'none') return { kind, ticks: 0, renumbered };
    const only = this.symbols?.length
      ? ` AND symbol IN (${this.symbols.map((s) => sqlString(s)).join(', ')})`
      : '';
    // A view takes no parameters: the date is a checked calendar date, the paths vetted literals.
    const from =
      kind === 'archive'
        ? `(SELECT * EXCLUDE (date), DATE '${date}' AS trade_date
            FROM read_parquet(${sqlString(join(this.archiveDir, 'ticks', `date=${date}`, '*.parquet'))},
                              hive_partitioning = true))`
        : 'src.ticks';
    await this.conn.run(
      `CREATE OR REPLACE TEMP VIEW ticks AS SELECT * FROM ${from} t WHERE trade_date = DATE '${date}'${only}`,
    );
    // Bounded whatever a day's size: a bigger day comes group by group through the temp dir.
    const readback = { maxRowsInMemory: READBACK_ROWS, spillDir: tmpdir() };
    if (this.cacheTicks === 0) {
      const ticks = await readSymbols(this.conn, date, hand, readback);
      return { kind, ticks, renumbered };
    }
    // Each day's SymbolTicks are views over columns of their own, so keeping them is safe (the
    // seq carry makes new views: the kept ones stay as read).
    const symbols: SymbolTicks[] = [];
    const ticks = await readSymbols(
      this.conn,
      date,
      (t) => {
        symbols.push(t);
        hand(t);
      },
      readback,
    );
    if (this.cached + ticks <= this.cacheTicks) {
      this.cache.set(date, { kind, ticks, symbols });
      this.cached += ticks;
    }
    return { kind, ticks, renumbered };
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
    this.history.close();
  }
}
