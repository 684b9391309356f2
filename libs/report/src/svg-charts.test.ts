import { describe, expect, it } from 'vitest';
import { barChart, lineChart } from './svg-charts.ts';

const label = (x: number) => `t${x}`;
/** A chart of one series through `points`. */
const chartOf = (points: [number, number][]) =>
  lineChart({ id: 'c', title: 'T', series: [{ label: 's', points }], xLabel: label });

describe('lineChart', () => {
  it('labels the time axis with the first and last x drawn, not a padded range', () => {
    const svg = chartOf([
      [10, 1],
      [20, 3],
    ]);
    expect(svg).toContain('>t10<');
    expect(svg).toContain('>t20<');
  });

  it('writes large and small axis values in plain digits, never an exponent', () => {
    const svg = chartOf([
      [0, 41_669_900],
      [1, 1e-7],
    ]);
    expect(svg).not.toMatch(/\de[+-]\d/);
    expect(svg).toContain('43,753,400'); // the top of the 5 % padded value range
  });

  it('draws one marker per decision and thins a long series to at most 720 points', () => {
    const points = Array.from({ length: 1440 }, (_, i): [number, number] => [i, Math.sin(i / 60)]);
    const svg = lineChart({
      id: 'c',
      title: 'T',
      series: [{ label: 's', points }],
      markers: [
        { x: 5, y: 0, kind: 'BUY' },
        { x: 9, y: 0.5, kind: 'SELL' },
        { x: 12, y: 0.1, kind: 'FLAT' },
      ],
      xLabel: label,
    });
    expect(svg.match(/class="marker (buy|sell|flat)"/g)).toHaveLength(3);
    const drawn = /points="([^"]*)"/.exec(svg)?.[1]?.split(' ') ?? [];
    expect(drawn.length).toBeLessThanOrEqual(721);
    expect(drawn.length).toBeGreaterThan(700);
    expect(svg).toContain('>t1439<'); // the last point is kept
  });

  it('says there is no data rather than drawing an empty frame', () => {
    expect(lineChart({ id: 'c', title: 'T', series: [], xLabel: label })).toContain('no data');
  });

  it('escapes titles and labels', () => {
    const svg = lineChart({
      id: 'c',
      title: '<P&L>',
      series: [{ label: 'a"b', points: [[0, 1]] }],
      xLabel: label,
    });
    expect(svg).toContain('&lt;P&amp;L&gt;');
    expect(svg).toContain('a&quot;b');
  });
});

describe('barChart', () => {
  it('draws a bar per row, the largest full width, each with its value', () => {
    const svg = barChart({
      id: 'v',
      title: 'V',
      bars: [
        { label: 'A', value: 2 },
        { label: 'B', value: 1 },
      ],
      value: (v) => `${v} %`,
    });
    const widths = [...svg.matchAll(/class="bar"[^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(2);
    expect(widths[0]).toBeCloseTo(2 * (widths[1] as number), 0);
    expect(svg).toContain('>2 %<');
  });
});
