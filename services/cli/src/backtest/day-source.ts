import { existsSync } from 'node:fs';
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
export class DaySource {
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
  ): Promise<{ kind: DaySourceKind; ticks: number }> {
    const hit = this.cache.get(date);
    if (hit) {
      for (const t of hit.symbols) onSymbol(t);
      return { kind: hit.kind, ticks: hit.ticks };
    }
    const kind = await this.kindOf(date);
    if (kind === 'none') return { kind, ticks: 0 };
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
    if (this.cacheTicks === 0) return { kind, ticks: await readSymbols(this.conn, date, onSymbol) };
    // Each day's SymbolTicks are views over columns of their own, so keeping them is safe.
    const symbols: SymbolTicks[] = [];
    const ticks = await readSymbols(this.conn, date, (t) => {
      symbols.push(t);
      onSymbol(t);
    });
    if (this.cached + ticks <= this.cacheTicks) {
      this.cache.set(date, { kind, ticks, symbols });
      this.cached += ticks;
    }
    return { kind, ticks };
  }

  close(): void {
    this.history.close();
  }
}
