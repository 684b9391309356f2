import { describe, expect, it } from 'vitest';
import { OutageLog } from './outage-log.ts';

function recorder() {
  const lines: { fields: Record<string, unknown>; msg: string }[] = [];
  const log = { warn: (fields: Record<string, unknown>, msg: string) => lines.push({ fields, msg }) };
  return { log: log as never, lines };
}

describe('OutageLog', () => {
  it('warns on the first failure, then once per window with the count since, never with a stack', () => {
    const { log, lines } = recorder();
    let now = 0;
    const o = new OutageLog(log, 'decision handling', 5000, () => now);
    o.note(new Error('TIMEOUT'), { subject: 'decisions.a' });
    for (let i = 0; i < 23; i++) {
      now += 100;
      o.note(new Error('TIMEOUT'));
    }
    expect(lines).toHaveLength(1);
    now = 5000;
    o.note(new Error('TIMEOUT'));
    expect(lines).toHaveLength(2);
    expect(lines[0]?.fields).toEqual({ subject: 'decisions.a', error: 'TIMEOUT', failures: 1 });
    expect(lines[1]?.fields).toEqual({ error: 'TIMEOUT', failures: 24 });
    expect(lines[1]?.msg).toBe(
      'decision handling failed while NATS was unavailable (TIMEOUT); retried by redelivery',
    );
  });
});
