import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { Decision, Fill, RejectedTick, Tick } from '@tickflow/core';
import { duckdbConnection, type HistoryConnection, type SqlValue } from './connection.ts';
import { checkDate } from './date.ts';
import { KEYED_TABLES, keepFirstPerKey } from './duplicates.ts';
import { stagedSelect, stagingColumns, TABLE_NAMES, type TableName } from './schema.ts';

export interface LoadCounts {
  ticks: number;
  decisions: number;
  fills: number;
  rejects: number;
  /** Messages that were not valid JSON of their contract: counted, listed in the report. */
  unparseable: number;
}

export type Watermarks = Record<TableName, number>;

const big = (n: number) => BigInt(Math.trunc(n));

/**
 * A failpoint for the crash test: with `EOD_TEST_CRASH_AT=<name>` the process kills itself
 * (SIGKILL, as `kill -9` would) at that point, e.g. `before-commit`: the date's rows inserted, the
 * transaction not committed. Not a TICKFLOW_ variable, which the configuration refuses as unknown.
 */
function crashPoint(name: string): void {
  if (process.env.EOD_TEST_CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}

/**
 * Loads one trading date into DuckDB. Rows go to staging tables through the appender (which
 * auto-commits every 204,800 rows), then `commit()` replaces the date's rows and records the
 * watermark in ONE transaction: a crash at any point leaves the previous state, a re-run replaces.
 */
export class DayLoader {
  readonly counts: LoadCounts = { ticks: 0, decisions: 0, fills: 0, rejects: 0, unparseable: 0 };
  private readonly appenders = new Map<TableName, DuckDBAppender>();
  /** Tables `commit()` fills straight from a query rather than from their staging table. */
  private readonly direct = new Map<TableName, { select: string; params: Record<string, SqlValue> }>();

  private constructor(
    private readonly conn: HistoryConnection,
    readonly date: string,
  ) {}

  /** The day tables exist already (openHistory made them); the staging tables are made here. */
  static async open(conn: HistoryConnection, date: string): Promise<DayLoader> {
    checkDate(date);
    for (const t of TABLE_NAMES) await conn.run(`CREATE OR REPLACE TABLE stage_${t} (${stagingColumns(t)})`);
    const loader = new DayLoader(conn, date);
    const duck: DuckDBConnection = duckdbConnection(conn);
    for (const t of TABLE_NAMES) loader.appenders.set(t, await duck.createAppender(`stage_${t}`));
    return loader;
  }

  private app(t: TableName): DuckDBAppender {
    return this.appenders.get(t) as DuckDBAppender;
  }

  tick(t: Tick, streamSeq: number): void {
    const a = this.app('ticks');
    a.appendVarchar(t.venue);
    a.appendVarchar(t.symbol);
    a.appendBigInt(big(t.seq));
    a.appendBigInt(big(t.ts));
    a.appendVarchar(t.price);
    a.appendVarchar(t.size);
    if (t.side) a.appendVarchar(t.side);
    else a.appendNull();
    a.appendBigInt(big(t.recvTs));
    a.appendBigInt(big(streamSeq));
    a.endRow();
    this.counts.ticks++;
  }

  decision(d: Decision, streamSeq: number): void {
    const a = this.app('decisions');
    for (const s of [d.id, d.strategy, d.venue, d.symbol, d.action, d.qty, d.refPrice]) a.appendVarchar(s);
    a.appendBigInt(big(d.tickSeq));
    a.appendBigInt(big(d.tickTs));
    a.appendBigInt(big(d.decidedAt));
    a.appendVarchar(d.reason);
    a.appendVarchar(JSON.stringify(d.indicators ?? {}));
    a.appendBigInt(big(streamSeq));
    a.endRow();
    this.counts.decisions++;
  }

  fill(f: Fill, streamSeq: number): void {
    const a = this.app('fills');
    for (const s of [f.id, f.decisionId, f.symbol, f.side, f.qty, f.price, f.fee]) a.appendVarchar(s);
    a.appendBigInt(big(f.ts));
    a.appendBigInt(big(streamSeq));
    a.endRow();
    this.counts.fills++;
  }

  reject(r: RejectedTick, streamSeq: number): void {
    const a = this.app('rejects');
    for (const s of [r.venue, r.code, r.reason, r.raw]) a.appendVarchar(String(s));
    a.appendBigInt(big(r.at));
    a.appendBigInt(big(streamSeq));
    a.endRow();
    this.counts.rejects++;
  }

  unparseable(): void {
    this.counts.unparseable++;
  }

  /**
   * Makes `commit()` insert `table` straight from `select` (DuckDB reading the day log: its staged
   * column names, decimals already DECIMAL, `stream_seq` possibly repeated) instead of from
   * staging: one copy of the day instead of two. The commit keeps one row per stream sequence and
   * takes the table's count and watermark from what it inserted.
   * `params` are the values `select` binds besides `$date`, which is the loader's.
   */
  loadDirect(table: TableName, select: string, params: Record<string, SqlValue> = {}): void {
    this.direct.set(table, { select, params });
  }

  /**
   * Moves the staged rows in (or reads the `loadDirect` ones), replacing the date, and records the
   * watermarks, atomically. Returns the watermarks recorded: those given, except that a table loaded
   * directly gets the last stream sequence it inserted.
   */
  async commit(given: Watermarks): Promise<Watermarks> {
    const watermarks = { ...given };
    for (const a of this.appenders.values()) {
      a.flushSync();
      a.closeSync();
    }
    this.appenders.clear();
    const date = this.date;
    await this.conn.transaction(async () => {
      for (const t of TABLE_NAMES) {
        await this.conn.run(`DELETE FROM ${t} WHERE trade_date = $date`, { date });
        const direct = this.direct.get(t);
        if (direct !== undefined)
          await this.conn.run(
            `INSERT INTO ${t} BY NAME SELECT $date::DATE AS trade_date, * FROM (${direct.select})`,
            { ...direct.params, date },
          );
        // Casting VARCHAR → DECIMAL here rounds only beyond 10 places (never for wire values, which
        // the contract limits); by name, so column order cannot drift. Beside a direct load, the
        // staged rows are what was backfilled from JetStream.
        await this.conn.run(
          `INSERT INTO ${t} BY NAME SELECT $date::DATE AS trade_date, ${stagedSelect(t)} FROM stage_${t}`,
          { date },
        );
        if (direct !== undefined) {
          const loaded = await this.keepOnePerStreamSeq(t);
          this.counts[t] = loaded.count;
          watermarks[t] = Math.max(watermarks[t], loaded.last);
        }
      }
      // A record stored twice under two stream sequences counts once; the rest are listed.
      await this.conn.run('DELETE FROM duplicates WHERE trade_date = $date', { date });
      for (const t of KEYED_TABLES) this.counts[t] -= await keepFirstPerKey(this.conn, date, t);
      const c = this.counts;
      await this.conn.run(
        `INSERT OR REPLACE INTO loads VALUES ($date::DATE, now()::TIMESTAMP, $ticks, $decisions, $fills, $rejects,
         $unparseable, $ticksLast, $decisionsLast, $fillsLast, $rejectsLast)`,
        {
          date,
          ticks: big(c.ticks),
          decisions: big(c.decisions),
          fills: big(c.fills),
          rejects: big(c.rejects),
          unparseable: big(c.unparseable),
          ticksLast: big(watermarks.ticks),
          decisionsLast: big(watermarks.decisions),
          fillsLast: big(watermarks.fills),
          rejectsLast: big(watermarks.rejects),
        },
      );
      crashPoint('before-commit');
    });
    for (const t of TABLE_NAMES) await this.conn.run(`DROP TABLE IF EXISTS stage_${t}`);
    return watermarks;
  }

  /**
   * A message redelivered after an archiver crash (or a lost ack) can be in the log twice. The
   * date's rows of `t` are checked for a repeated stream sequence with a bitmap over the sequence
   * range (`bitstring_agg`: ~0.1 s at 10 M rows, against ~0.8–1.5 s for `count(DISTINCT)` or
   * de-duplicating every load); only if one repeats are the copies deleted.
   */
  private async keepOnePerStreamSeq(t: TableName): Promise<{ count: number; last: number }> {
    const where = 'trade_date = $date';
    const date = this.date;
    const range = await this.conn.one(
      `SELECT count(*) AS n, min(stream_seq) AS lo, max(stream_seq) AS hi FROM ${t} WHERE ${where}`,
      { date },
    );
    const { n, lo, hi } = range as { n: bigint; lo: bigint | null; hi: bigint | null };
    if (lo === null || hi === null) return { count: 0, last: 0 };
    // A bitmap of the range costs (hi − lo) / 8 bytes: fine up to 2^30 sequences (128 MiB).
    const bitmap = hi - lo < 2n ** 30n;
    const distinct = bitmap ? 'bit_count(bitstring_agg(stream_seq, $lo, $hi))' : 'count(DISTINCT stream_seq)';
    const { u } = (await this.conn.one(
      `SELECT ${distinct} AS u FROM ${t} WHERE ${where}`,
      bitmap ? { date, lo, hi } : { date },
    )) as { u: bigint };
    if (u < n)
      await this.conn.run(
        `DELETE FROM ${t} WHERE ${where} AND rowid IN (
        SELECT rowid FROM ${t} WHERE ${where} QUALIFY row_number() OVER (PARTITION BY stream_seq ORDER BY rowid) > 1)`,
        { date },
      );
    return { count: Number(u), last: Number(hi) };
  }
}
