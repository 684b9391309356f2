import type { StreamConfig } from 'nats';
import { describe, expect, it } from 'vitest';
import { compareStream, showSetting, streamConfig } from './streams.ts';

const SEC = 1_000_000_000;

describe('compareStream', () => {
  const wanted = streamConfig('TICKS', { replicas: 3 });

  it('finds nothing when the stream is as tickflow would create it, extra subjects included', () => {
    expect(
      compareStream('TICKS', { ...wanted, subjects: ['ticks.*.*', 'ticks.*.*.*', 'ops.audit'] }, wanted),
    ).toEqual([]);
  });

  it('names the missing subject and each differing setting with readable values', () => {
    const existing = { ...wanted, subjects: ['ticks.only'], num_replicas: 1, max_age: 0 } as StreamConfig;
    expect(compareStream('TICKS', existing, wanted)).toEqual([
      { stream: 'TICKS', field: 'subjects', current: 'ticks.only', wanted: 'ticks.*.*,ticks.*.*.*' },
      { stream: 'TICKS', field: 'num_replicas', current: '1', wanted: '3' },
      { stream: 'TICKS', field: 'max_age', current: 'unlimited', wanted: '7 d' },
    ]);
  });

  it('takes a setting the server left out for its default', () => {
    const { num_replicas: _r, allow_direct: _d, ...rest } = streamConfig('TICKS');
    expect(compareStream('TICKS', rest as StreamConfig, streamConfig('TICKS'))).toEqual([
      { stream: 'TICKS', field: 'allow_direct', current: 'false', wanted: 'true' },
    ]);
  });
});

describe('showSetting', () => {
  it.each([
    ['max_age', 7 * 86_400 * SEC, '7 d'],
    ['max_age', 2 * 3600 * SEC, '2 h'],
    ['duplicate_window', 90 * SEC, '90 s'],
    ['max_bytes', -1, 'unlimited'],
    ['max_bytes', 8 * 1024 ** 3, '8 GiB'],
    ['max_bytes', 512 * 1024 ** 2, '512 MiB'],
    ['max_bytes', 1000, '1000 B'],
    ['storage', 'file', 'file'],
  ])('shows %s %j as %s', (field, value, shown) => {
    expect(showSetting(field, value)).toBe(shown);
  });
});
