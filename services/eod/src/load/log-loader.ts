import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { utcDateRange } from '@tickflow/core';
import { type DayLoader, sqlString, stagedSelect, type Watermarks } from '@tickflow/history';
import { CSV, NDJSON, OPEN } from '../daylog/segment-log.ts';
import { KEPT_STREAMS } from '../daylog/stream-rules.ts';

export class OpenSegmentError extends Error {
  override name = 'OpenSegmentError';
  constructor(readonly paths: string[]) {
    super(
      `the day log still has open segments (the archiver is writing to them): ${paths.join(', ')}; ` +
        'wait for its --idle-close-seconds or stop it, then run again',
    );
  }
}

/**
 * Points the loader at the date's day log (`<root>/<STREAM>/<date>/*.csv|*.ndjson`): its
 * `commit()` then reads every table straight in with DuckDB's own readers (`loadDirect`) — far
 * faster than appending row by row, and one copy of the day instead of two — and keeps one row
 * per stream sequence (a message redelivered after an archiver crash can be in two segments).
 * Refuses (OpenSegmentError) while a segment of the date is still open. Returns zero watermarks:
 * the commit records the last stream sequence each table loaded.
 */
export function loadFromLog(loader: DayLoader, root: string): Watermarks {
  const { start, end } = utcDateRange(loader.date);
  const filesOf = (stream: string) => {
    const dir = join(root, stream, loader.date);
    return { dir, files: existsSync(dir) ? readdirSync(dir) : [] };
  };
  // Refuse before loading anything: an open segment may be missing the date's last messages.
  const open = KEPT_STREAMS.flatMap(({ stream }) => {
    const { dir, files } = filesOf(stream);
    return files.filter((f) => f.endsWith(OPEN)).map((f) => join(dir, f));
  });
  if (open.length) throw new OpenSegmentError(open);
  for (const { stream, table, timeField, ndjson, csv } of KEPT_STREAMS) {
    const { dir, files } = filesOf(stream);
    const readers: string[] = [];
    // NDJSON for every stream (ticks too, as archivers before 2026-11-25 wrote them), CSV for ticks.
    if (files.some((f) => f.endsWith(NDJSON)))
      readers.push(`SELECT ${ndjson.select} FROM read_json(${sqlString(join(dir, `*${NDJSON}`))},
        format = 'newline_delimited', columns = ${ndjson.columns}) WHERE "${timeField}" >= $start AND "${timeField}" < $end`);
    if (csv && files.some((f) => f.endsWith(CSV)))
      readers.push(`SELECT * FROM read_csv(${sqlString(join(dir, `*${CSV}`))}, ${csv.readOptions})
        WHERE "${csv.timeColumn}" >= $start AND "${csv.timeColumn}" < $end`);
    // Decimals arrive as text and are cast exactly (fastDecimal) on the way in.
    if (readers.length)
      loader.loadDirect(
        table,
        `SELECT ${stagedSelect(table)} FROM (${readers.join(' UNION ALL BY NAME ')})`,
        {
          start: BigInt(start),
          end: BigInt(end),
        },
      );
  }
  return { ticks: 0, decisions: 0, fills: 0, rejects: 0 };
}
