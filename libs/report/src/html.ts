import { escapeHtml as esc } from './escape.ts';
import type { ReportTable } from './table.ts';

/**
 * The page's stylesheet, inline on purpose: the file must open anywhere (mail, an archive) with
 * no external assets. Inline style is allowed by the services' Content-Security-Policy
 * (style-src 'unsafe-inline'); inline script is not, so a page has none. Classes a body may use:
 * `meta` (small grey text), `verdict ok` / `verdict bad` (a green or red banner), `breaks` (a
 * monospace list), `scroll` (a wide table's box), `n` (a numeric cell); charts are `figure.chart`.
 */
export const PAGE_STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1b1f24}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin-top:2rem}
.meta{color:#57606a;font-size:.85rem}
.verdict{padding:.8rem 1rem;border-radius:6px;font-size:1.2rem;font-weight:600;margin:1rem 0}
.ok{background:#dafbe1;color:#116329;border:1px solid #4ac26b}.bad{background:#ffebe9;color:#82071e;border:1px solid #ff8182}
table{border-collapse:collapse;margin:.5rem 0;font-size:.85rem}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;white-space:nowrap}
th{background:#f6f8fa;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr:nth-child(even) td{background:#fafbfc}.scroll{overflow-x:auto}
ul.breaks li{font-family:ui-monospace,monospace;font-size:.8rem}
figure.chart{margin:1rem 0}figure.chart figcaption{font-weight:600;margin-bottom:.3rem}
svg .axis{font-size:11px;fill:#57606a}`;

/**
 * One self-contained HTML page (no script, no link, no request): `title` (plain text, escaped
 * here) in the head, `body` (markup, one line per entry) inside <body>. Lines joined with \n.
 */
export function htmlPage(o: { title: string; body: readonly string[]; style?: string }): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(o.title)}</title>`,
    `<style>${o.style ?? PAGE_STYLE}</style></head><body>`,
    ...o.body,
    '</body></html>',
    '',
  ].join('\n');
}

/** A table as HTML lines: an <h2> title, then the display rows in a horizontally scrolling box. */
export function htmlTable(t: ReportTable): string[] {
  return [
    `<h2>${esc(t.title)}</h2><div class="scroll"><table><thead><tr>`,
    ...t.columns.map((c) => `<th>${esc(c.label)}</th>`),
    '</tr></thead><tbody>',
    ...t.rows.map(
      (row) =>
        `<tr>${row.map((v, i) => `<td${t.columns[i]?.numeric ? ' class="n"' : ''}>${esc(v)}</td>`).join('')}</tr>`,
    ),
    '</tbody></table></div>',
  ];
}
