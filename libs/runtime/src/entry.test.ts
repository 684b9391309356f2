import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { closeWithin } from './entry.ts';
import { createLogger } from './logger.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger('test', 'info', sink), lines };
}

describe('closeWithin', () => {
  it('gives up on a close that hangs once the bound passes, naming what was left', async () => {
    const { log, lines } = capture();
    const started = Date.now();
    const ok = await closeWithin(
      {
        done: new Promise(() => {}),
        port: 0,
        close: () => new Promise(() => {}),
        unfinished: () => ({ outboxMessages: 7, other: 0 }),
      },
      log,
      200,
    );
    expect(ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(lines.at(-1)).toMatchObject({ level: 50, timeoutMs: 200, outboxMessages: 7 });
    expect(lines.at(-1)).not.toHaveProperty('other');
  });

  it('reports a close that finished with work left, and passes a clean one', async () => {
    const { log, lines } = capture();
    const left = {
      done: Promise.resolve(),
      port: 0,
      close: async () => {},
      unfinished: () => ({ unconfirmedDecisions: 2 }),
    };
    expect(await closeWithin(left, log, 1000)).toBe(false);
    expect(lines.at(-1)).toMatchObject({ level: 50, unconfirmedDecisions: 2 });
    const clean = {
      done: Promise.resolve(),
      port: 0,
      close: async () => {},
      unfinished: () => ({ unconfirmedDecisions: 0 }),
    };
    expect(await closeWithin(clean, log, 1000)).toBe(true);
  });
});
