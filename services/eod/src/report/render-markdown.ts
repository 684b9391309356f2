import { escapeMarkdownCell, markdownTable } from '@tickflow/report';
import { breakLines, duplicatesLine, fillLine, pausedLines, qualityLine, type Report } from './report.ts';
import { reportTables } from './tables.ts';

/** The human-readable form of the report (Markdown): summary, every table, the breaks. */
export function renderMarkdown(r: Report): string {
  const rec = r.reconciliation.decisions;
  const breaks = breakLines(r);
  const lines = [
    `# tickflow end-of-day report — ${r.date}`,
    '',
    `Generated ${r.generatedAt} from DuckDB \`${r.database}\`.`,
    '',
    `**${r.reconciliation.clean ? 'RECONCILED' : `NOT RECONCILED — ${breaks.length} break(s)`}**`,
    '',
    '## Summary',
    '',
    `- Ticks: ${r.load.ticks}, decisions: ${r.load.decisions}, fills: ${r.load.fills}, rejects: ${r.load.rejects}, unparseable: ${r.load.unparseable}`,
    `- P&L (fills marked at the close, after fees): **${r.pnl.total}**; fees ${r.pnl.fees}; realised ${r.profitAndLoss.total.realised}, unrealised ${r.profitAndLoss.total.unrealised}, max drawdown ${r.profitAndLoss.total.maxDrawdown}`,
    `- Feed quality: ${qualityLine(r)}`,
    `- Duplicates (each counted once): ${duplicatesLine(r)}`,
    `- Reconciliation: ${r.reconciliation.clean ? 'clean' : 'BREAKS'} — ${rec.matched} decisions matched, ${rec.missing} missing, ${rec.extra} extra, ${rec.differing} differing (speed ${rec.speed}, batch ${rec.batch}); P&L two ways ${r.reconciliation.pnl.equal ? 'equal' : 'DIFFERENT'}`,
    `- Fills: ${fillLine(r.reconciliation.fills)}`,
    ...pausedLines(rec.paused).map((l) => `- ${l}`),
    '',
  ];
  for (const t of reportTables(r)) if (t.rows.length > 0) lines.push(...markdownTable(t));
  if (breaks.length) {
    lines.push(
      '## Reconciliation breaks',
      '',
      ...breaks.slice(0, 100).map((b) => `- ${escapeMarkdownCell(b)}`),
    );
    if (breaks.length > 100) lines.push(`- … ${breaks.length - 100} more in report.json`);
    lines.push('');
  }
  lines.push(
    'Volatility estimators are annualised with 525,600 one-minute periods a year (24 × 365); formulas in docs/EOD.md.',
    '',
  );
  return lines.join('\n');
}
