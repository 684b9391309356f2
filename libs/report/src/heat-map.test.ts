import { describe, expect, it } from 'vitest';
import { heatColour, heatMap, textOn } from './heat-map.ts';

const map = (cells: (number | null)[][]) =>
  heatMap({
    id: 'h',
    title: 'Sharpe by fast × slow',
    xName: 'fast',
    yName: 'slow',
    xs: cells[0]?.map((_, i) => String(5 * (i + 1))) ?? [],
    ys: cells.map((_, r) => String(20 + 10 * r)),
    cells,
    value: (v) => v.toFixed(2),
  });

describe('heatMap', () => {
  it('draws one cell per value, each with its parameters and value in its tooltip', () => {
    const svg = map([
      [1, 2, 3],
      [4, null, 6],
    ]);
    expect(svg.match(/<rect class="cell/g)).toHaveLength(6);
    expect(svg.match(/class="cell empty"/g)).toHaveLength(1);
    expect(svg).toContain('<title>fast=10 slow=20: 2.00</title>');
    expect(svg).toContain('<title>fast=10 slow=30: n/a</title>');
    expect(svg).toContain('data-chart="h"');
  });

  it('colours values below zero red, zero white and above zero green when they straddle zero', () => {
    expect(heatColour(-2, -2, 4)).toBe('rgb(207,34,46)');
    expect(heatColour(0, -2, 4)).toBe('rgb(255,255,255)');
    expect(heatColour(4, -2, 4)).toBe('rgb(26,127,55)');
    expect(heatColour(null, -2, 4)).toBe('#d0d7de');
  });

  it('ramps one-signed values from pale to dark blue, the darkest the highest', () => {
    expect(heatColour(1, 1, 3)).toBe('rgb(221,244,255)');
    expect(heatColour(3, 1, 3)).toBe('rgb(9,105,218)');
    expect(heatColour(2, 1, 3)).toBe('rgb(115,175,237)');
  });

  it('writes white values on dark cells and dark values on light ones', () => {
    expect(textOn('rgb(9,105,218)')).toBe('#ffffff');
    expect(textOn('rgb(221,244,255)')).toBe('#1f2328');
    expect(textOn('#d0d7de')).toBe('#1f2328');
  });

  it('escapes parameter labels and says so when there is nothing to draw', () => {
    const svg = heatMap({
      id: 'h',
      title: 'T',
      xName: '<x>',
      yName: 'y',
      xs: ['a&b'],
      ys: ['1'],
      cells: [[1]],
      value: String,
    });
    expect(svg).toContain('a&amp;b');
    expect(svg).not.toContain('<x>');
    expect(map([])).toContain('no data');
  });
});
