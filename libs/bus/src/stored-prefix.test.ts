import { describe, expect, it } from 'vitest';
import type { StoredRef } from './last-stored.ts';
import { Outbox } from './outbox.ts';
import { storedIndex, storedPrefixEnd } from './stored-prefix.ts';

const data = new Uint8Array(10);

/** An outbox of `n` entries over `subjects` in an irregular pattern, 3 already confirmed. */
function window(n: number, subjects: string[]): Outbox {
  const o = new Outbox();
  for (let i = 0; i < n + 3; i++) {
    const subject = subjects[(i * 7 + (i >> 3)) % subjects.length] as string;
    o.push({ subject, msgId: `id${i}`, bytes: data, dataStart: 0 });
  }
  o.dropThrough(2);
  return o;
}

/** What a stream that stored the entries before absolute index `end` answers for a subject. */
function stream(o: Outbox, end: number, foreign?: string) {
  let reads = 0;
  const last = async (subject: string): Promise<StoredRef | undefined> => {
    reads++;
    if (foreign && subject === foreign) return { msgId: 'someone-else', subject };
    const wild = subject.endsWith('.*') ? subject.slice(0, -1) : undefined;
    for (let i = end - 1; i >= 0; i--) {
      const e = i >= o.firstIndex ? o.at(i) : { subject: 'ticks.v.OLD', msgId: `id${i}` };
      if (e && (wild ? e.subject.startsWith(wild) : e.subject === subject))
        return { msgId: e.msgId, subject: e.subject };
    }
    return undefined;
  };
  return { last, reads: () => reads };
}

describe('storedPrefixEnd', () => {
  const subjects = ['ticks.v.A', 'ticks.v.B', 'ticks.v.C', 'ticks.v.D', 'ticks.v.E'];

  it('finds where the stored prefix of the window ends, with a logarithmic number of reads', async () => {
    const o = window(1000, subjects);
    for (const end of [3, 4, 5, 100, 517, 998, 1002, 1003]) {
      const s = stream(o, end);
      expect(await storedPrefixEnd(o, o.nextIndex, s.last)).toBe(end - 1);
      expect(s.reads()).toBeLessThanOrEqual(12);
    }
  });

  it('re-sends more rather than less when a subject was last written by another publisher', async () => {
    const o = window(200, subjects);
    for (const end of [3, 50, 150, 203]) {
      const found = await storedPrefixEnd(o, o.nextIndex, stream(o, end, 'ticks.v.C').last);
      expect(found).toBeLessThanOrEqual(end - 1);
    }
  });
});

describe('storedIndex', () => {
  it('reads the siblings once when their last message is in the window', async () => {
    const o = window(100, ['ticks.v.A', 'ticks.v.B']);
    const s = stream(o, 60);
    expect(await storedIndex(o, 'ticks.v.A', o.nextIndex - 1, undefined, s.last)).toBe(59);
    expect(s.reads()).toBe(1);
  });

  it('falls back to the own subject when a sibling was written by another publisher', async () => {
    const o = window(100, ['ticks.v.A', 'ticks.v.B']);
    const s = stream(o, 60, 'ticks.v.*');
    const at = await storedIndex(o, 'ticks.v.A', o.nextIndex - 1, undefined, s.last);
    expect(o.at(at as number)?.subject).toBe('ticks.v.A');
    expect(at).toBeLessThanOrEqual(59);
    expect(s.reads()).toBe(2);
  });
});

describe('Outbox.indexOf', () => {
  it('finds an id near either end of the window, and only with its subject', () => {
    const o = window(50, ['x.a', 'x.b']);
    for (let i = o.firstIndex; i < o.nextIndex; i++) {
      const e = o.at(i);
      expect(e && o.indexOf(e.msgId, e.subject, o.nextIndex - 1)).toBe(i);
      expect(e && o.indexOf(e.msgId, 'x.other', o.nextIndex - 1)).toBe(-1);
    }
    expect(o.indexOf('id40', 'x.a', 30)).toBe(-1);
    expect(o.indexOf('id1', 'x.a', 52)).toBe(-1); // confirmed already
  });
});
