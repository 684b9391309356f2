import { join } from 'node:path';
import { utcDateStartMicros } from '@tickflow/core';
import { dailyBars, dailyPnl, dailyVolatility, type HistoryRow, openHistory } from '@tickflow/history';
import { type Cell, table, textColumn, toCsv } from '@tickflow/report';
import { ConfigError } from '@tickflow/runtime';
import { HISTORY_EXIT, type HistoryConfig, type HistoryQuestion } from './spec.ts';

const QUERIES = { bars: dailyBars, volatility: dailyVolatility, pnl: dailyPnl } as const;
const SOURCE: Record<HistoryQuestion, string> = { bars: 'ticks', volatility: 'ticks', pnl: 'fills' };

/** `tickflow history <question>`: the answer on stdout in the chosen format; the exit code. */
export async function runHistoryCommand(question: HistoryQuestion, c: HistoryConfig): Promise<number> {
  if (c.from === undefined) throw new ConfigError(['--from is required']);
  const from = c.from;
  const to = c.to ?? from;
  if (utcDateStartMicros(to) < utcDateStartMicros(from))
    throw new ConfigError([`--to ${to} is before --from ${from}`]);
  const symbols = c.symbols?.split(',');
  const history = await openHistory(':memory:');
  let rows: HistoryRow[];
  try {
    const conn = await history.connect();
    rows = await QUERIES[question](conn, c.archiveDir ?? join(c.dataDir, 'archive'), { from, to, symbols });
  } finally {
    history.close();
  }
  if (rows.length === 0) {
    process.stderr.write(
      `tickflow history ${question}: no archived ${SOURCE[question]} from ${from} to ${to}\n`,
    );
    return HISTORY_EXIT.empty;
  }
  process.stdout.write(renderRows(rows, c.format));
  return HISTORY_EXIT.ok;
}

/** Rows as an aligned text table, CSV (column keys as header) or a JSON array. */
export function renderRows(rows: readonly HistoryRow[], format: HistoryConfig['format']): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  const keys = Object.keys(rows[0] ?? {});
  const t = table(
    'history',
    'history',
    keys.map((k) => textColumn(k, k)),
    rows as Record<string, Cell>[],
  );
  if (format === 'csv') return toCsv(t);
  const widths = keys.map((k, i) => Math.max(k.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const numeric = keys.map((_, i) => t.rows.every((r) => /^-?[\d.e-]*$/.test(r[i] ?? '')));
  const line = (cells: readonly string[]) =>
    cells
      .map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(keys), ...t.rows.map(line)].join('\n')}\n`;
}
