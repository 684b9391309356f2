import { Dec, money, ZERO } from '@tickflow/core';
import type { SymbolRow } from './analytics.ts';
import type { LoadCounts, Watermarks } from './loader.ts';
import type { DecisionReconciliation } from './reconcile.ts';

export const REPORT_SCHEMA = 'tickflow.eod-report/v1';

/** Everything the end-of-day run found for one date. Money as exact decimal strings. */
export interface Report {
  schema: typeof REPORT_SCHEMA;
  date: string;
  generatedAt: string;
  /** Where the numbers come from: the DuckDB file they were computed in. */
  database: string;
  load: LoadCounts & { watermarks: Watermarks };
  symbols: SymbolRow[];
  pnl: { total: string; fees: string; fills: number; unmarkedFills: number };
  rejects: { code: string; count: number }[];
  quality: { seqGaps: number; duplicates: number; unparseable: number };
  reconciliation: { decisions: DecisionReconciliation; clean: boolean };
}

export function buildReport(parts: {
  date: string;
  database: string;
  generatedAt: Date;
  load: Report['load'];
  symbols: SymbolRow[];
  rejects: Report['rejects'];
  unmarkedFills: number;
  decisions: DecisionReconciliation;
}): Report {
  let total = ZERO;
  let fees = ZERO;
  let fills = 0;
  for (const s of parts.symbols) {
    total = total.plus(new Dec(s.pnlExact));
    fees = fees.plus(new Dec(s.fees));
    fills += s.fills;
  }
  const d = parts.decisions;
  return {
    schema: REPORT_SCHEMA,
    date: parts.date,
    generatedAt: parts.generatedAt.toISOString(),
    database: parts.database,
    load: parts.load,
    symbols: parts.symbols,
    pnl: { total: money(total), fees: money(fees), fills, unmarkedFills: parts.unmarkedFills },
    rejects: parts.rejects,
    quality: {
      seqGaps: parts.symbols.reduce((n, s) => n + s.seqGaps, 0),
      duplicates: parts.symbols.reduce((n, s) => n + s.duplicates, 0),
      unparseable: parts.load.unparseable,
    },
    reconciliation: { decisions: d, clean: d.missing === 0 && d.extra === 0 && d.differing === 0 },
  };
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`);

/** The human-readable form of the report (Markdown). */
export function renderMarkdown(r: Report): string {
  const rec = r.reconciliation.decisions;
  const lines = [
    `# tickflow end-of-day report — ${r.date}`,
    '',
    `Generated ${r.generatedAt} from DuckDB \`${r.database}\`.`,
    '',
    '## Summary',
    '',
    `- Ticks: ${r.load.ticks}, decisions: ${r.load.decisions}, fills: ${r.load.fills}, rejects: ${r.load.rejects}, unparseable: ${r.load.unparseable}`,
    `- P&L (fills marked at the close, after fees): **${r.pnl.total}**; fees ${r.pnl.fees}`,
    `- Feed quality: ${r.quality.seqGaps} seq gaps, ${r.quality.duplicates} duplicates`,
    `- Reconciliation: ${r.reconciliation.clean ? 'clean' : 'BREAKS'} — ${rec.matched} decisions matched, ${rec.missing} missing, ${rec.extra} extra, ${rec.differing} differing (speed ${rec.speed}, batch ${rec.batch})`,
    '',
    '## Symbols',
    '',
    '| symbol | ticks | open | high | low | close | vol (1m, ann.) | decisions | fills | net qty | fees | P&L |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...r.symbols.map(
      (s) =>
        `| ${s.symbol} | ${s.ticks} | ${s.open} | ${s.high} | ${s.low} | ${s.close} | ${pct(s.volatility1mAnnualised)} | ${s.decisions} | ${s.fills} | ${s.netQty} | ${s.fees} | ${s.pnl} |`,
    ),
    '',
  ];
  if (r.rejects.length) {
    lines.push(
      '## Rejected ticks',
      '',
      '| code | count |',
      '|---|--:|',
      ...r.rejects.map((x) => `| ${x.code} | ${x.count} |`),
      '',
    );
  }
  if (rec.breaks.length) {
    lines.push(
      '## Reconciliation breaks',
      '',
      ...rec.breaks.slice(0, 100).map((b) => `- ${b.kind} \`${b.id}\`: ${b.detail}`),
    );
    if (rec.breaks.length > 100) lines.push(`- … ${rec.breaks.length - 100} more in report.json`);
    lines.push('');
  }
  lines.push(
    'Volatility: standard deviation of 1-minute log returns of the last trade price, × √525,600 (24 × 365 minutes).',
    '',
  );
  return lines.join('\n');
}
