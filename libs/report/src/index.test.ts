import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  drawdownChart,
  escapeHtml,
  htmlPage,
  htmlTable,
  lineChart,
  markdownTable,
  numericColumn,
  type Series,
  table,
  textColumn,
  writeCsvFiles,
  writeJsonWithSchema,
} from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'tickflow-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('@tickflow/report, used as its index documents', () => {
  it('renders a tearsheet: page with charts and table, Markdown, CSV, JSON with its schema', () => {
    const rows = [
      { symbol: 'BTC-USD', pnl: '12.50000000' },
      { symbol: 'ETH, "alt"', pnl: '-3.25000000' },
    ];
    const t = table('trades', 'Trades', [textColumn('symbol', 'symbol'), numericColumn('pnl', 'P&L')], rows);
    const equity: [number, number][] = [
      [0, 0],
      [1, 12.5],
      [2, 9.25],
    ];
    const series: Series[] = [{ label: 'equity', points: equity }];
    const html = htmlPage({
      title: 'Backtest',
      body: [
        `<h1>${escapeHtml('Backtest <SMA 5/20>')}</h1>`,
        lineChart({ id: 'equity', title: 'Equity', series, xLabel: String }),
        drawdownChart({ id: 'drawdown', title: 'Drawdown', equity, xLabel: String }),
        ...htmlTable(t),
      ],
    });
    expect(html.match(/<svg data-chart="(equity|drawdown)"/g)).toHaveLength(2);
    expect(html).toContain('<h1>Backtest &lt;SMA 5/20&gt;</h1>');
    expect(html).toContain('<td>ETH, &quot;alt&quot;</td><td class="n">-3.25000000</td>');
    expect(['# Backtest', '', ...markdownTable(t)].join('\n')).toContain('| ETH, "alt" | -3.25000000 |');

    const files = writeJsonWithSchema(join(dir, 'result.json'), { trades: rows }, { type: 'object' });
    expect(writeCsvFiles(dir, [t])).toEqual([join(dir, 'trades.csv')]);
    expect(readdirSync(dir).sort()).toEqual(['result.json', 'result.schema.json', 'trades.csv']);
    expect(JSON.parse(readFileSync(files.json, 'utf8'))).toEqual({ trades: rows });
    expect(readFileSync(join(dir, 'trades.csv'), 'utf8')).toBe(
      'symbol,pnl\r\nBTC-USD,12.50000000\r\n"ETH, ""alt""",-3.25000000\r\n',
    );
  });
});
