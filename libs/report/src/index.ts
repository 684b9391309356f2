/**
 * @tickflow/report: the rendering a batch command's report is made of — tables laid out once for
 * CSV, Markdown and HTML, inline SVG charts, a self-contained HTML page, and the writers of the CSV
 * files and of a JSON file with its JSON Schema beside it. eod's end-of-day report is composed
 * from these (services/eod/src/report/); a backtest's tearsheet can be too.
 *
 * Pure but for write.ts (node:fs): numbers and records in, markup and text out. A page has no
 * script, link or request, so it opens from a mail or an archive and under the services'
 * Content-Security-Policy (inline style only).
 *
 * A typical report:
 *
 *   const t = table('trades', 'Trades', [textColumn('symbol', 'symbol'), numericColumn('pnl', 'P&L')], rows);
 *   const html = htmlPage({
 *     title: 'Backtest',
 *     body: ['<h1>Backtest</h1>', lineChart({ id: 'equity', title: 'Equity', series, xLabel }), ...htmlTable(t)],
 *   });
 *   const md = [...markdownTable(t)].join('\n');
 *   writeJsonWithSchema(join(dir, 'result.json'), result, RESULT_SCHEMA); // + result.schema.json
 *   writeCsvFiles(dir, [t]); // dir/trades.csv
 */

// CSV (RFC 4180 quoting, CRLF lines), Markdown and HTML renderings of a table.
export { csvField, toCsv } from './csv.ts';
export { drawdownChart, drawdownSeries } from './drawdown.ts';
export { htmlPage, htmlTable, PAGE_STYLE } from './html.ts';
export { escapeMarkdownCell, markdownTable } from './markdown.ts';
// Inline SVG charts: lines (equity, prices) with trade markers, horizontal bars, drawdown.
export { barChart, esc, lineChart, type Marker, type Series } from './svg-charts.ts';
// Tables: one layout, three formats.
export {
  type Cell,
  type Column,
  fixedDigits,
  numericColumn,
  percent,
  type ReportTable,
  table,
  textColumn,
} from './table.ts';
// Files: the only part that writes.
export { jsonText, schemaPathFor, writeCsvFiles, writeJsonWithSchema } from './write.ts';
