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
 * - Tables, one layout for three formats: `table(name, title, columns, records)` with
 *   `textColumn`, `numericColumn` (right-aligned; optional display `show`), `percent`, `fixedDigits`.
 * - CSV: `toCsv(table)` (header of column keys, raw values, RFC 4180 quoting, CRLF), `csvField`.
 * - Markdown: `markdownTable(table)` → lines; `escapeMarkdownCell`.
 * - HTML: `htmlPage({ title, body, style? })` → the page (`title` is text, `body` markup lines:
 *   escape text in it with `escapeHtml`); `htmlTable(table)` → lines; `PAGE_STYLE` (classes: meta, verdict ok|bad, breaks, scroll, n).
 * - Charts (inline SVG, each a <figure>; `id` becomes `data-chart`): `lineChart` (series, optional
 *   ▲ BUY / ▼ SELL / ◆ FLAT markers, at most 720 points a series), `barChart`, `drawdownChart`
 *   and `drawdownSeries` (equity minus its running peak), `heatMap` (a value per pair of two
 *   parameters' values: red < 0 < green, or a blue ramp; grey where there is none).
 * - Files: `writeCsvFiles(dir, tables)` → paths; `writeJsonWithSchema(path, value, schema)` writes
 *   `<name>.json` and `<name>.schema.json`; `schemaPathFor`, `jsonText`.
 *
 * A typical report:
 *
 *   const t = table('trades', 'Trades', [textColumn('symbol', 'symbol'), numericColumn('pnl', 'P&L')], rows);
 *   const html = htmlPage({
 *     title: 'Backtest',
 *     body: ['<h1>Backtest</h1>', lineChart({ id: 'equity', title: 'Equity', series, xLabel }), ...htmlTable(t)],
 *   });
 *   const md = ['# Backtest', '', ...markdownTable(t)].join('\n');
 *   writeJsonWithSchema(join(dir, 'result.json'), result, RESULT_SCHEMA); // + result.schema.json
 *   writeCsvFiles(dir, [t]); // dir/trades.csv
 */

export { csvField, toCsv } from './csv.ts';
export { drawdownChart, drawdownSeries } from './drawdown.ts';
export { escapeHtml } from './escape.ts';
export { type HeatMap, heatColour, heatMap } from './heat-map.ts';
export { htmlPage, htmlTable, PAGE_STYLE } from './html.ts';
export { escapeMarkdownCell, markdownTable } from './markdown.ts';
export { barChart, lineChart, type Marker, type Series } from './svg-charts.ts';
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
export { jsonText, schemaPathFor, writeCsvFiles, writeJsonWithSchema } from './write.ts';
