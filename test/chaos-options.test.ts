import { describe, expect, it } from 'vitest';
import { ChaosUsageError, parseChaosArgs } from './chaos/options.ts';

describe('npm run chaos options', () => {
  it('runs on one server unless --cluster is given', () => {
    expect(parseChaosArgs([])?.cluster).toBeUndefined();
  });

  it('takes --cluster 3 for a 3-node cluster', () => {
    expect(parseChaosArgs(['--cluster', '3'])?.cluster).toBe(3);
  });

  it('refuses a cluster too small to keep a quorum through a node loss', () => {
    expect(() => parseChaosArgs(['--cluster', '2'])).toThrow(ChaosUsageError);
    expect(() => parseChaosArgs(['--cluster', '2'])).toThrow(/at least 3 servers/);
  });
});
