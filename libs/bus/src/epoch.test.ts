import { describe, expect, it } from 'vitest';
import { Epoch, STALE } from './epoch.ts';

describe('Epoch', () => {
  const never = () => new Promise<number>(() => {});

  it('makes an await of the first epoch stale when it ends', async () => {
    const epoch = new Epoch();
    const waiting = epoch.orStale(never());
    epoch.next();
    expect(await waiting).toBe(STALE);
  });

  it('makes an await of a later epoch stale when it ends, not before', async () => {
    const epoch = new Epoch();
    epoch.next();
    const waiting = epoch.orStale(never());
    const answered = epoch.orStale(Promise.resolve(7));
    expect(await answered).toBe(7);
    epoch.next();
    expect(await waiting).toBe(STALE);
    expect(epoch.value).toBe(2);
  });
});
