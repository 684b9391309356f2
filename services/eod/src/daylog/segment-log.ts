import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  truncateSync,
  unlinkSync,
} from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { LineBuffer } from './line-buffer.ts';

/** A segment being written ends in `.open`; a finished one is renamed without it (`.ndjson`, `.csv`). */
export const OPEN = '.open';
export const NDJSON = '.ndjson';
export const CSV = '.csv';

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
  /** Finish (drop its `.open`) a segment that received nothing for this long. */
  idleCloseMs: number;
  /** The finished segments' suffix: `.ndjson` (default) or `.csv`. */
  suffix?: string;
  /** Written first in every segment (a CSV header line, ending in a newline). */
  header?: string;
  /**
   * The log position file: after each sync, the stream sequence up to which every message was
   * written and fsynced (or passed over with `skip`), replaced atomically. `readPosition` reads it.
   */
  positionFile?: string;
}

export class LogPositionError extends Error {
  override name = 'LogPositionError';
}

/** The stream sequence a position file records, 0 when there is none (nothing archived yet). */
export function readPosition(file: string): number {
  if (!existsSync(file)) return 0;
  const text = readFileSync(file, 'utf8');
  let seq = Number.NaN;
  try {
    seq = Number((JSON.parse(text) as { seq?: unknown }).seq);
  } catch {
    // not JSON: refused below
  }
  if (!Number.isSafeInteger(seq) || seq < 0)
    throw new LogPositionError(`${file} does not hold a stream sequence: ${JSON.stringify(text)}`);
  return seq;
}

/**
 * Append-only segments of one stream (NDJSON, or CSV with a header), one directory per date:
 * `<root>/<date>/<first stream seq>.ndjson`. Lines are buffered by `append()` and made durable by `sync()` (write + fsync)
 * — the caller acks the messages only after `sync()` resolves, so an acked message is on disk.
 *
 * A crash can leave a `.open` segment ending in a partial line; only unsynced (so unacked, so
 * redelivered) lines can be partial, so `repairSegments()` cuts the file at its last newline and
 * finishes it. Redelivered messages may then appear twice across segments: readers drop duplicate
 * stream sequences.
 */
export class SegmentLog {
  private readonly open = new Map<string, Segment>();
  private buffers = new Map<string, { firstSeq: number; out: LineBuffer }>();
  /** Syncs run one after another (the consumer's commit and the idle timer both call `sync`). */
  private lock: Promise<void> = Promise.resolve();
  private readonly suffix: string;

  constructor(
    private readonly root: string,
    private readonly options: SegmentLogOptions,
  ) {
    this.suffix = options.suffix ?? NDJSON;
  }

  /** The highest stream sequence appended or skipped; what the next sync's position will be. */
  private handled = 0;
  private savedPosition = 0;
  private buffered = 0;

  /** Buffers one line (ending in a newline) for the date's segment; durable after `sync()`. */
  append(date: string, streamSeq: number, line: string): void {
    this.lineBuffer(date, streamSeq).pushString(line);
  }

  /**
   * The buffer the date's next line goes into, for a caller that writes one line's bytes itself
   * (the archiver's tick fast path); counts the line as appended. Durable after `sync()`.
   */
  lineBuffer(date: string, streamSeq: number): LineBuffer {
    let b = this.buffers.get(date);
    if (!b) {
      b = { firstSeq: streamSeq, out: new LineBuffer() };
      this.buffers.set(date, b);
    }
    this.buffered++;
    if (streamSeq > this.handled) this.handled = streamSeq;
    return b.out;
  }

  /** Passes over a message that is not written (invalid): the position may move past it. */
  skip(streamSeq: number): void {
    if (streamSeq > this.handled) this.handled = streamSeq;
  }

  /** Lines appended and not yet handed to a sync. */
  get bufferedLines(): number {
    return this.buffered;
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

  /**
   * Lets go of the open segments without writing what is buffered (after a failed write, when the
   * archiver waits for disk space): their files stay `.open`, for `repairSegments` to cut at the
   * last newline and finish. Nothing buffered was in the position, so nothing acknowledged is lost.
   */
  async abandon(): Promise<void> {
    if (this.failure === undefined) this.failure = new Error('the log was abandoned');
    await this.lock;
    this.buffers = new Map();
    this.buffered = 0;
    for (const seg of this.open.values()) await seg.fh.close().catch(() => {});
    this.open.clear();
  }

  /**
   * A failed write or fsync makes every later sync fail too: the lines it held are gone from the
   * buffers, so the position must never move past them. The archiver stops; a restart resumes
   * from the last position written.
   */
  private failure: unknown;

  private async syncNow(nowMs: number): Promise<void> {
    if (this.failure !== undefined)
      throw new Error('an earlier sync of this log failed', { cause: this.failure });
    try {
      await this.writeBuffers(nowMs);
    } catch (err) {
      this.failure = err;
      throw err;
    }
  }

  private async writeBuffers(nowMs: number): Promise<void> {
    const buffers = this.buffers;
    const covered = this.handled;
    this.buffers = new Map();
    this.buffered = 0;
    for (const [date, b] of buffers) {
      const seg = this.open.get(date) ?? (await this.create(date, b.firstSeq));
      if (seg.bytes === 0 && this.options.header)
        seg.bytes += await writeAll(seg.fh, Buffer.from(this.options.header));
      seg.bytes += await writeAll(seg.fh, b.out.view());
      await seg.fh.sync();
      seg.lastWriteMs = nowMs;
    }
    if (this.options.positionFile && covered > this.savedPosition) {
      await writeAtomically(this.options.positionFile, `${JSON.stringify({ seq: covered })}\n`);
      this.savedPosition = covered;
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
    const file = (n: string) => join(dir, n + this.suffix);
    while (existsSync(file(name) + OPEN) || existsSync(file(name))) name += '_';
    const fh = await open(file(name) + OPEN, 'a');
    const seg: Segment = { dir, name, fh, bytes: 0, lastWriteMs: Date.now() };
    this.open.set(date, seg);
    return seg;
  }

  private async finish(date: string, seg: Segment): Promise<void> {
    this.open.delete(date);
    await seg.fh.close();
    const file = join(seg.dir, seg.name + this.suffix);
    await rename(file + OPEN, file);
  }
}

/**
 * Writes all of `bytes` or throws. One write(2) may write only part of it (a file size limit, a
 * full disk) and report success: the rest is written on, so the failure that follows is thrown
 * instead of the tail being dropped while the position moves past it. Returns the bytes written.
 */
async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<number> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.length - done);
    if (bytesWritten <= 0)
      throw new Error(`write of the day log made no progress (${done} of ${bytes.length} bytes)`);
    done += bytesWritten;
  }
  return done;
}

/** Replaces `file` with `text` so that a crash leaves the old or the new content, never a mix. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
}

/**
 * Finishes the `.open` segments a crashed archiver left below `root` (any date): cuts each at its
 * last newline (a partial line was never synced, so never acked) and drops the `.open`; one left
 * empty (the crash came before its first write, header included) is removed. Returns how many
 * were repaired.
 */
export function repairSegments(root: string): number {
  if (!existsSync(root)) return 0;
  let repaired = 0;
  for (const date of readdirSync(root)) {
    const dir = join(root, date);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir)) {
      if (!f.endsWith(OPEN)) continue;
      const path = join(dir, f);
      const length = lengthToLastNewline(path);
      if (length === 0) unlinkSync(path);
      else {
        truncateSync(path, length);
        renameSync(path, path.slice(0, -OPEN.length));
      }
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

/**
 * True for an error that says the filesystem is out of space (ENOSPC) or over its quota (EDQUOT),
 * directly or as the cause of a later sync's error: writes may succeed again once space returns.
 */
export function isOutOfSpace(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  }
  return false;
}
