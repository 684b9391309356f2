import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { Decision, Fill, RejectedTick, Tick } from '@tickflow/core';
import { LOADS_TABLE, stagedSelect, stagingColumns, TABLE_NAMES, TABLES, type TableName } from './schema.ts';

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
 * Loads one trading date into DuckDB. Rows go to staging tables through the appender (which
 * auto-commits every 204,800 rows), then `commit()` replaces the date's rows and records the
 * watermark in ONE transaction: a crash at any point leaves the previous state, a re-run replaces.
 */
export class DayLoader {
  readonly counts: LoadCounts = { ticks: 0, decisions: 0, fills: 0, rejects: 0, unparseable: 0 };
  private readonly appenders = new Map<TableName, DuckDBAppender>();

  private constructor(
    private readonly conn: DuckDBConnection,
    readonly date: string,
  ) {}

  static async open(conn: DuckDBConnection, date: string): Promise<DayLoader> {
    for (const t of TABLE_NAMES) {
      await conn.run(`CREATE TABLE IF NOT EXISTS ${t} (${TABLES[t]})`);
      await conn.run(`CREATE OR REPLACE TABLE stage_${t} (${stagingColumns(t)})`);
    }
    await conn.run(LOADS_TABLE);
    const loader = new DayLoader(conn, date);
    for (const t of TABLE_NAMES) loader.appenders.set(t, await conn.createAppender(`stage_${t}`));
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

  /** Moves the staged rows in, replacing the date, and records the watermark, atomically. */
  async commit(watermarks: Watermarks): Promise<void> {
    for (const a of this.appenders.values()) {
      a.flushSync();
      a.closeSync();
    }
    this.appenders.clear();
    const d = `DATE '${this.date}'`;
    await this.conn.run('BEGIN TRANSACTION');
    try {
      for (const t of TABLE_NAMES) {
        await this.conn.run(`DELETE FROM ${t} WHERE trade_date = ${d}`);
        // Casting VARCHAR → DECIMAL here rounds only beyond 10 places (never for wire values, which
        // the contract limits); by name, so column order cannot drift.
        await this.conn.run(
          `INSERT INTO ${t} BY NAME SELECT ${d} AS trade_date, ${stagedSelect(t)} FROM stage_${t}`,
        );
      }
      const c = this.counts;
      await this.conn.run(
        `INSERT OR REPLACE INTO loads VALUES (${d}, now()::TIMESTAMP, ${c.ticks}, ${c.decisions}, ${c.fills}, ${c.rejects},
         ${c.unparseable}, ${watermarks.ticks}, ${watermarks.decisions}, ${watermarks.fills}, ${watermarks.rejects})`,
      );
      await this.conn.run('COMMIT');
    } catch (err) {
      await this.conn.run('ROLLBACK');
      throw err;
    }
    for (const t of TABLE_NAMES) await this.conn.run(`DROP TABLE IF EXISTS stage_${t}`);
  }
}
