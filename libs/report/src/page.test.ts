import { describe, expect, it } from 'vitest';
import { htmlPage, htmlTable } from './html.ts';
import { escapeMarkdownCell, markdownTable } from './markdown.ts';
import { lineChart } from './svg-charts.ts';
import { numericColumn, percent, table, textColumn } from './table.ts';

const trades = table(
  'trades',
  'Trades <all>',
  [textColumn('symbol', 'symbol'), numericColumn('win', 'win rate', percent)],
  [
    { symbol: 'A|B', win: 0.25 },
    { symbol: 'C', win: null },
  ],
);

describe('markdownTable', () => {
  it('writes a titled table with numeric columns right-aligned and pipes escaped', () => {
    expect(markdownTable(trades)).toEqual([
      '## Trades <all>',
      '',
      '| symbol | win rate |',
      '|---|--:|',
      '| A\\|B | 25.00 % |',
      '| C | n/a |',
      '',
    ]);
    expect(escapeMarkdownCell('a|b|c')).toBe('a\\|b\\|c');
  });
});

describe('htmlPage', () => {
  const page = htmlPage({
    title: 'Backtest <1> & "2"',
    body: [
      '<h1>Backtest</h1>',
      lineChart({
        id: 'equity',
        title: 'Equity',
        series: [{ label: 'e', points: [[0, 1]] }],
        xLabel: String,
      }),
      ...htmlTable(trades),
    ],
  });

  it('is one self-contained page: no script, no event handler, no link, no URL to fetch', () => {
    expect(page.startsWith('<!doctype html>\n')).toBe(true);
    expect(page).toContain('<style>');
    expect(page).not.toMatch(/<script|<link|\son\w+=|https?:\/\//i);
    expect(page.endsWith('</body></html>\n')).toBe(true);
  });

  it('escapes the title and the table cells, and marks numeric cells', () => {
    expect(page).toContain('<title>Backtest &lt;1&gt; &amp; &quot;2&quot;</title>');
    expect(page).toContain('<h2>Trades &lt;all&gt;</h2>');
    expect(page).toContain('<tr><td>A|B</td><td class="n">25.00 %</td></tr>');
  });

  it('takes another stylesheet when given one', () => {
    expect(htmlPage({ title: 't', body: [], style: 'p{}' })).toContain('<style>p{}</style>');
  });
});
