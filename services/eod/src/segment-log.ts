import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  statSync,
  truncateSync,
} from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, rename } from 'node:fs/promises';
import { join } from 'node:path';

/** A segment being written ends in `.open`; a finished one is renamed to `.ndjson`. */
export const OPEN_SUFFIX = '.ndjson.open';
export const SEGMENT_SUFFIX = '.ndjson';

interface Segment {
  dir: string;
  name: string;
  fh: FileHandle;
  bytes: number;
  lastWriteMs: number;
}

export interface SegmentLogOptions {
  /** Start a new segment once one passes this size. */
  segmentBytes: number;
  /** Finish (rename to .ndjson) a segment that received nothing for this long. */
  idleCloseMs: number;
}

/**
 * Append-only NDJSON segments of one stream, one directory per date: `<root>/<date>/<first
 * stream seq>.ndjson`. Lines are buffered by `append()` and made durable by `sync()` (write + fsync)
 * — the caller acks the messages only after `sync()` resolves, so an acked message is on disk.
 *
 * A crash can leave a `.open` segment ending in a partial line; only unsynced (so unacked, so
 * redelivered) lines can be partial, so `repairSegments()` cuts the file at its last newline and
 * finishes it. Redelivered messages may then appear twice across segments: readers drop duplicate
 * stream sequences.
 */
export class SegmentLog {
  private readonly open = new Map<string, Segment>();
  private buffers = new Map<string, { firstSeq: number; lines: string[] }>();
  /** Syncs run one after another (the consumer's commit and the idle timer both call `sync`). */
  private lock: Promise<void> = Promise.resolve();

  constructor(
    private readonly root: string,
    private readonly options: SegmentLogOptions,
  ) {}

  /** Buffers one line (ending in a newline) for the date's segment; durable after `sync()`. */
  append(date: string, streamSeq: number, line: string): void {
    let b = this.buffers.get(date);
    if (!b) {
      b = { firstSeq: streamSeq, lines: [] };
      this.buffers.set(date, b);
    }
    b.lines.push(line);
  }

  /**
   * Writes every line appended before this call and fsyncs each touched segment; then finishes
   * segments that are full or idle. Everything appended before the call is on disk when it resolves.
   */
  sync(nowMs?: number): Promise<void> {
    const run = this.lock.then(() => this.syncNow(nowMs ?? Date.now()));
    this.lock = run.catch(() => {});
    return run;
  }

  /**
   * Group commit: a promise of a sync that starts within `delayMs` and so covers every line
   * appended before the call. Many messages share one write + fsync.
   */
  syncSoon(delayMs = 20): Promise<void> {
    this.scheduled ??= new Promise((r) => setTimeout(r, delayMs)).then(() => {
      this.scheduled = undefined;
      return this.sync();
    });
    return this.scheduled;
  }

  private scheduled: Promise<void> | undefined;

  /** Syncs and finishes every open segment (at shutdown). */
  async close(): Promise<void> {
    await this.sync();
    const run = this.lock.then(async () => {
      for (const [date, seg] of [...this.open]) await this.finish(date, seg);
    });
    this.lock = run.catch(() => {});
    await run;
  }

  private async syncNow(nowMs: number): Promise<void> {
    const buffers = this.buffers;
    this.buffers = new Map();
    for (const [date, b] of buffers) {
      const seg = this.open.get(date) ?? (await this.create(date, b.firstSeq));
      const text = b.lines.join('');
      await seg.fh.write(text);
      await seg.fh.sync();
      seg.bytes += Buffer.byteLength(text);
      seg.lastWriteMs = nowMs;
    }
    for (const [date, seg] of [...this.open]) {
      const idle = !buffers.has(date) && nowMs - seg.lastWriteMs >= this.options.idleCloseMs;
      if (idle || seg.bytes >= this.options.segmentBytes) await this.finish(date, seg);
    }
  }

  private async create(date: string, firstSeq: number): Promise<Segment> {
    const dir = join(this.root, date);
    await mkdir(dir, { recursive: true });
    // Named by the first stream sequence, so lexical order is stream order. Redelivery after a
    // crash can start at a seq already used as a name: a suffix keeps both files.
    let name = String(firstSeq).padStart(16, '0');
    while (existsSync(join(dir, name + OPEN_SUFFIX)) || existsSync(join(dir, name + SEGMENT_SUFFIX)))
      name += '_';
    const fh = await open(join(dir, name + OPEN_SUFFIX), 'a');
    const seg: Segment = { dir, name, fh, bytes: 0, lastWriteMs: Date.now() };
    this.open.set(date, seg);
    return seg;
  }

  private async finish(date: string, seg: Segment): Promise<void> {
    this.open.delete(date);
    await seg.fh.close();
    await rename(join(seg.dir, seg.name + OPEN_SUFFIX), join(seg.dir, seg.name + SEGMENT_SUFFIX));
  }
}

/**
 * Finishes the `.open` segments a crashed archiver left below `root` (any date): cuts each at its
 * last newline (a partial line was never synced, so never acked) and renames it to `.ndjson`.
 * Returns how many were repaired.
 */
export function repairSegments(root: string): number {
  if (!existsSync(root)) return 0;
  let repaired = 0;
  for (const date of readdirSync(root)) {
    const dir = join(root, date);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir)) {
      if (!f.endsWith(OPEN_SUFFIX)) continue;
      const path = join(dir, f);
      truncateSync(path, lengthToLastNewline(path));
      renameSync(path, join(dir, f.slice(0, -OPEN_SUFFIX.length) + SEGMENT_SUFFIX));
      repaired++;
    }
  }
  return repaired;
}

function lengthToLastNewline(path: string): number {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const n = readSync(fd, chunk, 0, end - start, start);
      const i = chunk.subarray(0, n).lastIndexOf(0x0a);
      if (i >= 0) return start + i + 1;
      end = start;
    }
    return 0;
  } finally {
    closeSync(fd);
  }
}
