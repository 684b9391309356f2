import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openHistory } from './database.ts';
import { readParquetColumns } from './parquet-baseline.ts';

describe('readParquetColumns', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-parquet-baseline-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every row of the files a glob matches into one column per tick field, across chunks', async () => {
    const history = await openHistory(':memory:');
    const conn = await history.connect();
    try {
      // 5,000 rows per file: more than one of DuckDB's 2,048-row chunks each.
      for (const part of [0, 1])
        await conn.run(
          `COPY (SELECT i AS seq, i * 10 AS ts, (100 + i / 100)::DECIMAL(24,10) AS price, 1.5::DECIMAL(24,10) AS size,
                  i + 1 AS recv_ts FROM range(${part * 5000}, ${part * 5000 + 5000}) r(i))
           TO '${join(dir, `p${part}.parquet`)}' (FORMAT parquet)`,
        );
      const { rows, columns } = await readParquetColumns(conn, join(dir, '*.parquet'));
      expect(rows).toBe(10_000);
      const [seq, ts, price, size, recv] = columns as Float64Array[];
      const at = [...(seq as Float64Array)].indexOf(7_321);
      expect([ts?.[at], price?.[at], size?.[at], recv?.[at]]).toEqual([73_210, 173.21, 1.5, 7_322]);
      expect(new Set(seq).size).toBe(10_000);
    } finally {
      history.close();
    }
  });
});
