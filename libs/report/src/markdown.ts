import type { ReportTable } from './table.ts';

/** Text for a Markdown table cell or list item: a `|` would end the cell. */
export const escapeMarkdownCell = (v: string) => v.replaceAll('|', '\\|');

/**
 * A table as Markdown lines: `## title`, a blank line, the header (numeric columns right-aligned),
 * the display rows, and a closing blank line.
 */
export function markdownTable(t: ReportTable): string[] {
  return [
    `## ${t.title}`,
    '',
    `| ${t.columns.map((c) => c.label).join(' | ')} |`,
    `|${t.columns.map((c) => (c.numeric ? '--:' : '---')).join('|')}|`,
    ...t.rows.map((row) => `| ${row.map((v) => escapeMarkdownCell(v)).join(' | ')} |`),
    '',
  ];
}
