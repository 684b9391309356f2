import { describe, expect, it } from 'vitest';
import { drawdownChart, drawdownSeries } from './drawdown.ts';

describe('drawdownSeries', () => {
  it('measures each point below the highest equity so far, 0 at a new high', () => {
    expect(
      drawdownSeries([
        [0, 100],
        [1, 90],
        [2, 120],
        [3, 60],
        [4, 130],
      ]),
    ).toEqual([
      [0, 0],
      [1, -10],
      [2, 0],
      [3, -60],
      [4, 0],
    ]);
  });

  it('starts at 0 whatever the first value, a loss included', () => {
    expect(drawdownSeries([[5, -3]])).toEqual([[5, 0]]);
    expect(drawdownSeries([])).toEqual([]);
  });
});

describe('drawdownChart', () => {
  it('draws the drawdown as a named line chart', () => {
    const svg = drawdownChart({
      id: 'dd',
      title: 'Drawdown',
      equity: [
        [0, 1],
        [1, 0.5],
        [2, 2],
      ],
      xLabel: String,
    });
    expect(svg).toContain('data-chart="dd"');
    expect(svg.match(/<polyline/g)).toHaveLength(1);
  });
});
