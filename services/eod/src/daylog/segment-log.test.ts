import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogPositionError, readPosition, SegmentLog } from './segment-log.ts';

describe('SegmentLog position', () => {
  let root: string;
  const position = () => join(root, 'position.json');
  const open = () =>
    new SegmentLog(root, { segmentBytes: 1 << 20, idleCloseMs: 60_000, positionFile: position() });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tickflow-segments-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('records after a sync the last sequence written or skipped, and only then', async () => {
    const log = open();
    log.append('2026-03-04', 7, 'a\n');
    log.skip(8);
    expect(readPosition(position())).toBe(0);
    await log.sync();
    expect(readPosition(position())).toBe(8);
    log.append('2026-03-04', 9, 'b\n');
    await log.close();
    expect(readPosition(position())).toBe(9);
    expect(readFileSync(join(root, '2026-03-04', '0000000000000007.ndjson'), 'utf8')).toBe('a\nb\n');
  });

  it('never moves the position past lines a failed write lost, not even on a later sync', async () => {
    const log = open();
    log.append('2026-03-04', 1, 'a\n');
    await log.sync();
    writeFileSync(join(root, '2026-03-05'), 'in the way'); // the date's directory cannot be made
    log.append('2026-03-05', 2, 'b\n');
    await expect(log.sync()).rejects.toThrow();
    rmSync(join(root, '2026-03-05'));
    log.append('2026-03-05', 3, 'c\n');
    await expect(log.sync()).rejects.toThrow(/an earlier sync of this log failed/);
    expect(readPosition(position())).toBe(1);
  });

  it('reads no file as position 0 and refuses a file that holds no sequence', () => {
    expect(readPosition(position())).toBe(0);
    writeFileSync(position(), '{"seq":"x"}');
    expect(() => readPosition(position())).toThrow(LogPositionError);
    writeFileSync(position(), '{"se');
    expect(() => readPosition(position())).toThrow(LogPositionError);
  });
});
