import {
  type HistoryConnection,
  qualifiedTable,
  type SqlParams,
  sqlIdentifier,
  type TempColumn,
} from '@tickflow/history';
import type { Comparison, ReconciliationBreak } from './compare.ts';

/** One column of the batch side: its name in the temp table, its type, and its value. */
export interface BatchColumn<B> {
  name: string;
  type: 'VARCHAR' | 'DOUBLE';
  of: (b: B) => string | number;
}

/**
 * The batch recomputation's items in a temp table (ord, id and `columns`), appended as they are
 * recomputed, a group of symbols at a time: the day's decisions and fills are never all in the heap.
 */
export class BatchTable<B extends { id: string }> {
  /** Items appended so far (the next item's `ord`). */
  count = 0;
  private readonly temp: TempColumn<B>[];

  constructor(
    readonly conn: HistoryConnection,
    readonly name: string,
    readonly columns: readonly BatchColumn<B>[],
    /** A scratch database (HistoryConnection.attachScratch) to keep the table in; a temp table without. */
    readonly catalog?: string,
  ) {
    this.temp = [
      { name: 'ord', type: 'INTEGER', of: (_b, i) => i },
      { name: 'id', type: 'VARCHAR', of: (b) => b.id },
      ...columns.map((c): TempColumn<B> => ({ name: c.name, type: c.type, of: (b) => c.of(b) })),
    ];
  }

  /** The table's name in SQL, quoted (and qualified in its scratch database). */
  get sqlName(): string {
    return qualifiedTable(this.name, this.catalog);
  }

  async create(): Promise<this> {
    await this.conn.createTempTable(this.name, this.temp, this.catalog);
    return this;
  }

  async append(items: readonly B[]): Promise<void> {
    await this.conn.appendTempRows(this.name, this.temp, items, this.count, this.catalog);
    this.count += items.length;
  }

  async drop(): Promise<void> {
    await this.conn.run(`DROP TABLE IF EXISTS ${this.sqlName}`);
  }
}

/** A batch item as read back from its BatchTable: its id and its columns by name. */
export type BatchRow = Record<string, unknown> & { id: string };

export interface SqlComparison {
  /** The batch recomputation, each item with a unique id (a repeated id is matched each time). */
  batch: { readonly sqlName: string; readonly columns: readonly { name: string }[] };
  /**
   * The speed layer's rows: a query returning `id`, `stream_seq` and what `same`/`differing`/`extra`
   * read (decimals as VARCHAR). Its columns are `s.<name>` in `equal`.
   */
  speed: string;
  /** The values `speed` binds (`$date`, say). */
  params?: SqlParams;
  /**
   * A SQL condition over `s.<column>` and `b.<batch column>` that holds when the two agree: it only
   * filters. Rows it does not prove equal are read back and judged by `same` (exact decimals), so
   * it may be stricter than `same`, never looser.
   */
  equal: string;
  same: (s: Record<string, unknown>, b: BatchRow) => boolean;
  missing: (b: BatchRow) => string;
  differing: (b: BatchRow, s: Record<string, unknown>) => string;
  extra: (s: Record<string, unknown>) => string;
  keep?: number;
  /** Rows compared at most at once (default COMPARE_ROWS); more go a group of symbols at a time. */
  maxRows?: number;
}

/**
 * A decimal string cast for comparison with a DECIMAL(24,10) column, only when the cast is exact:
 * a plain decimal with at most 8 integer digits and 10 places (the cast to DECIMAL(18,10) is ~40×
 * faster than to a 128-bit one, see `fastDecimal`). Anything else (more places, which the cast
 * would round, an exponent, a larger value) is NULL, so the row goes to `same`, which decides exactly.
 */
export const exactDecimal = (column: string) =>
  `CASE WHEN regexp_full_match(${column}, '[+-]?[0-9]{1,8}(\\.[0-9]{0,10})?') THEN try_cast(${column} AS DECIMAL(18,10)) END`;

/**
 * Compares the batch recomputation with what the speed layer recorded, by id, where the speed
 * layer's rows are: each batch item is matched, differing or missing; each recorded row the batch
 * lacks is extra. The batch is in a temp table (BatchTable), one full outer join by id counts what
 * agrees, and only the rows it cannot prove equal (missing, extra, candidates for differing) come
 * back to TypeScript to be judged exactly. Reading 386,000 decisions and as many fills back as
 * JavaScript strings to compare them there took ~10 s of a 10 M-tick day; this ~3.5 s.
 * Breaks: batch order first, then the extras in stream order; the first `keep` are kept (all are
 * counted); a repeated speed id counts once (its last row).
 */
export async function compareInDuckDB(
  conn: HistoryConnection,
  o: SqlComparison,
): Promise<Comparison & { speed: number }> {
  const groups = await symbolGroups(conn, o);
  if (groups.length <= 1) return finish(o, await compareGroup(conn, o, false));
  // A day too big to join at once (DuckDB's hash join and window over two million ids each ran out
  // of a 614 MiB limit) is compared a group of symbols at a time: ids embed their symbol, so every
  // id is compared within its group, and the breaks are put back in the same order.
  const parts: Awaited<ReturnType<typeof compareGroup>>[] = [];
  try {
    for (const symbols of groups) {
      await conn.fillTempTable(
        'compare_symbols',
        [{ name: 'symbol', type: 'VARCHAR', of: (x: string) => x }],
        symbols,
      );
      parts.push(await compareGroup(conn, o, true));
    }
  } finally {
    await conn.run('DROP TABLE IF EXISTS compare_symbols');
  }
  return finish(o, {
    agreed: parts.reduce((n, p) => n + p.agreed, 0),
    speed: parts.reduce((n, p) => n + p.speed, 0),
    // Batch order first (each group's in it, groups in symbol order as the batch was appended),
    // then the extras in stream order.
    rows: [
      ...parts
        .flatMap((p) => p.rows.filter((r) => r.b_ord !== null))
        .sort((a, b) => Number(a.b_ord) - Number(b.b_ord)),
      ...parts
        .flatMap((p) => p.rows.filter((r) => r.b_ord === null))
        .sort(
          (a, b) => Number(a.stream_seq) - Number(b.stream_seq) || String(a.id).localeCompare(String(b.id)),
        ),
    ],
  });
}

/** Rows compared at most at once: above, the comparison goes a group of symbols at a time. */
const COMPARE_ROWS = 500_000;

/** The symbols of both sides in groups of at most COMPARE_ROWS rows (one group when all fit). */
async function symbolGroups(conn: HistoryConnection, o: SqlComparison): Promise<string[][]> {
  const counts = await conn.rows(
    `SELECT symbol, count(*)::DOUBLE AS n FROM (SELECT symbol FROM (${o.speed}) UNION ALL SELECT symbol FROM ${o.batch.sqlName})
     GROUP BY symbol ORDER BY symbol`,
    o.params,
  );
  const groups: string[][] = [];
  const max = o.maxRows ?? COMPARE_ROWS;
  let rows = 0;
  for (const { symbol, n } of counts) {
    if (groups.length === 0 || (rows > 0 && rows + Number(n) > max)) {
      groups.push([]);
      rows = 0;
    }
    (groups.at(-1) as string[]).push(String(symbol));
    rows += Number(n);
  }
  return groups;
}

/** One join of the two sides (only `compare_symbols`' symbols when `grouped`). */
async function compareGroup(conn: HistoryConnection, o: SqlComparison, grouped: boolean) {
  const only = grouped ? 'WHERE symbol IN (SELECT symbol FROM compare_symbols)' : '';
  const batchColumns = o.batch.columns.map(
    (c) => `b.${sqlIdentifier(c.name)} AS ${sqlIdentifier(`b_${c.name}`)}`,
  );
  const joined = `
      WITH s AS (SELECT * FROM (${o.speed}) ${only} QUALIFY row_number() OVER (PARTITION BY id ORDER BY stream_seq DESC) = 1),
      bt AS (SELECT * FROM ${o.batch.sqlName} ${only}),
      j AS (SELECT s.*, b.ord AS b_ord, b.id AS b_id, ${batchColumns.join(', ')}, coalesce(${o.equal}, false) AS agree
            FROM s FULL OUTER JOIN bt b ON s.id = b.id)`;
  const [totals] = await conn.rows(
    `${joined}
        SELECT count(*) FILTER (WHERE agree) AS agreed, (SELECT count(*) FROM s) AS speed FROM j`,
    o.params,
  );
  const rows = await conn.rows(
    `${joined}
        SELECT * FROM j WHERE NOT agree ORDER BY b_ord NULLS LAST, stream_seq, id`,
    o.params,
  );
  return { agreed: Number(totals?.agreed ?? 0), speed: Number(totals?.speed ?? 0), rows };
}

/** Judges the rows the join could not prove equal, in order, into the comparison. */
function finish(
  o: SqlComparison,
  part: { agreed: number; speed: number; rows: Record<string, unknown>[] },
): Comparison & { speed: number } {
  const result: Comparison = { matched: part.agreed, missing: 0, extra: 0, differing: 0, breaks: [] };
  const keep = o.keep ?? Number.POSITIVE_INFINITY;
  const add = (b: ReconciliationBreak) => {
    if (result.breaks.length < keep) result.breaks.push(b);
  };
  for (const s of part.rows) {
    if (s.b_ord === null) {
      result.extra++;
      add({ id: String(s.id), kind: 'extra', detail: o.extra(s) });
      continue;
    }
    const b: BatchRow = { id: String(s.b_id) };
    for (const c of o.batch.columns) b[c.name] = s[`b_${c.name}`];
    if (s.id === null) {
      result.missing++;
      add({ id: b.id, kind: 'missing', detail: o.missing(b) });
    } else if (o.same(s, b)) result.matched++;
    else {
      result.differing++;
      add({ id: b.id, kind: 'differing', detail: o.differing(b, s) });
    }
  }
  return { ...result, speed: part.speed };
}
