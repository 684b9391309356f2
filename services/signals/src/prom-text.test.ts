import { describe, expect, it } from 'vitest';
import { parsePromText, sumBy, sumOf } from './prom-text.ts';

const BODY = `# HELP tickflow_feed_ticks_rejected_total Inputs quarantined
# TYPE tickflow_feed_ticks_rejected_total counter
tickflow_feed_ticks_rejected_total{venue="synth",code="PRICE_SPIKE",service="feed"} 3
tickflow_feed_ticks_rejected_total{venue="binance",code="PRICE_SPIKE",service="feed"} 2
tickflow_feed_ticks_rejected_total{venue="synth",code="BAD_PRICE",service="feed"} 1
tickflow_feed_source_stale{service="feed"} 0
weird_label{msg="a \\"quoted\\" value, with comma"} 1.5e3
not a sample line
nan_value NaN
`;

describe('parsePromText', () => {
  it('reads names, labels and values and skips comments and malformed lines', () => {
    const samples = parsePromText(BODY);
    expect(samples).toHaveLength(5);
    expect(samples[0]).toEqual({
      name: 'tickflow_feed_ticks_rejected_total',
      labels: { venue: 'synth', code: 'PRICE_SPIKE', service: 'feed' },
      value: 3,
    });
    expect(samples[4]).toEqual({
      name: 'weird_label',
      labels: { msg: 'a "quoted" value, with comma' },
      value: 1500,
    });
  });

  it('sums a metric overall and by one label', () => {
    const samples = parsePromText(BODY);
    expect(sumOf(samples, 'tickflow_feed_ticks_rejected_total')).toBe(6);
    expect(sumOf(samples, 'absent')).toBe(0);
    expect(sumBy(samples, 'tickflow_feed_ticks_rejected_total', 'code')).toEqual({
      PRICE_SPIKE: 5,
      BAD_PRICE: 1,
    });
  });

  it('sums label values named like Object.prototype members as plain keys', () => {
    const samples = parsePromText(
      'x{code="__proto__"} 1\nx{code="constructor"} 2\nx{code="toString"} 3\nx{__proto__="y"} 4\n',
    );
    const by = sumBy(samples, 'x', 'code');
    expect(Object.entries(by)).toEqual([
      ['__proto__', 1],
      ['constructor', 2],
      ['toString', 3],
      ['', 4],
    ]);
    expect(Object.getPrototypeOf(samples[3]?.labels)).toBe(Object.prototype);
  });
});
