import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type Bus, type BusMessage, type Consumption, consumeFrom, type StreamName } from '@tickflow/bus';
import type { Logger } from '@tickflow/runtime';
import { appendScannedTick, logLine } from './log-line.ts';
import { CSV, isOutOfSpace, readPosition, repairSegments, SegmentLog } from './segment-log.ts';
import { type StreamRules, TICKS } from './stream-rules.ts';

export interface StreamArchiveOptions {
  bus: Bus;
  rules: StreamRules;
  /** `<log-dir>/<STREAM>`. */
  dir: string;
  positionFile: string;
  segmentBytes: number;
  idleCloseMs: number;
  /** How often to test for space again while waiting for it. */
  spaceRetryMs: number;
  log: Logger;
  stats: { written: Record<string, number>; invalid: Record<string, number> };
  /** A failure the archiver cannot wait out (not a full disk): it stops. */
  fatal: (err: unknown) => void;
  /** Told each time the disk is found full (a metric). */
  onDiskFull?: () => void;
}

/** Why a stream's archiving waits: the disk is full; since when, at which position. */
export interface SpaceWait {
  since: number;
  position: number;
  error: string;
}

/** Lines buffered before delivery waits for a write (≈ 10 MB of ticks). */
const MAX_BUFFERED_LINES = 100_000;
/** The probe written to learn whether space has returned (a group commit of ticks is ~this size). */
const PROBE_BYTES = 256 * 1024;

/**
 * One stream's day log: an ordered push consumer from the log position appending to a
 * `SegmentLog`. A full disk (ENOSPC, EDQUOT) does not stop it: the position stays where the last
 * fsync left it, the consumer stops and the open segments are cut at their last whole line; then
 * every `spaceRetryMs` a probe file is written and fsynced, and once that succeeds archiving starts
 * again from the position — by itself, nothing acknowledged lost (what was written past the
 * position is written again and kept once by the load). Any other write failure is fatal.
 */
export class StreamArchive {
  private segments: SegmentLog | undefined;
  private consumption: Consumption | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  /** Set while the disk is full; undefined while archiving. */
  waiting: SpaceWait | undefined;
  constructor(private readonly o: StreamArchiveOptions) {}

  get stream(): StreamName {
    return this.o.rules.stream;
  }

  get position(): number {
    return readPosition(this.o.positionFile);
  }

  /** Starts (or restarts) archiving from the log position. */
  async start(): Promise<void> {
    const { rules, dir, log, stats } = this.o;
    const { stream, csv } = rules;
    const repaired = repairSegments(dir);
    if (repaired) log.warn({ stream, repaired }, 'finished segments a previous run left open');
    const position = this.position;
    const segments = new SegmentLog(dir, {
      segmentBytes: this.o.segmentBytes,
      idleCloseMs: this.o.idleCloseMs,
      positionFile: this.o.positionFile,
      ...(csv ? { suffix: CSV, header: csv.header } : {}),
    });
    this.segments = segments;
    const synced = (p: Promise<void>) => p.catch((err: unknown) => this.failed(segments, err));
    let watched: Promise<void> | undefined;
    const ticks = rules === TICKS;
    const handler = (m: BusMessage): void => {
      if (ticks && appendScannedTick(segments, m)) {
        stats.written[stream] = (stats.written[stream] ?? 0) + 1;
      } else {
        const entry = logLine(rules, m);
        if (entry === undefined) {
          stats.invalid[stream] = (stats.invalid[stream] ?? 0) + 1;
          log.warn({ stream, streamSeq: m.streamSeq }, 'invalid message not written to the log');
          segments.skip(m.streamSeq);
        } else {
          segments.append(entry.date, m.streamSeq, entry.line);
          stats.written[stream] = (stats.written[stream] ?? 0) + 1;
        }
      }
      // One group commit serves many messages: watch each scheduled sync once.
      const sync = segments.syncSoon();
      if (sync !== watched) {
        watched = sync;
        void synced(sync);
      }
    };
    log.info({ stream, from: position + 1 }, 'archiving from the log position');
    this.consumption = await consumeFrom(
      this.o.bus,
      stream,
      position + 1,
      handler,
      (err, m) => {
        log.error({ err, stream, streamSeq: m.streamSeq }, 'log archiver error: the archiver stops');
        this.o.fatal(err);
      },
      {
        // Past this many lines not yet written, delivery waits for the write under way.
        beforeFlowControl: () =>
          segments.bufferedLines > MAX_BUFFERED_LINES ? synced(segments.syncSoon(0)) : undefined,
        onReset: (reason, nextSeq) => log.warn({ stream, reason, nextSeq }, 'consumer recreated'),
      },
    );
  }

  /** The idle timer's sync: finishes idle segments (nothing to do while waiting for space). */
  tick(): void {
    const segments = this.segments;
    if (segments && !this.waiting) segments.sync().catch((err: unknown) => this.failed(segments, err));
  }

  /** Stops archiving; what was synced stays, open segments are finished. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.consumption?.stop();
    await this.segments
      ?.close()
      .catch((err: unknown) => this.o.log.error({ err }, 'closing the day log failed'));
  }

  /** Resolves when the current consumer ends (it ends only when stopped). */
  get done(): Promise<void> {
    return this.consumption?.done ?? Promise.resolve();
  }

  private failed(segments: SegmentLog, err: unknown): void {
    // A sync of a log already let go of (after the first failure) fails too: already handled.
    if (segments !== this.segments || this.waiting || this.closed) return;
    if (!isOutOfSpace(err)) {
      this.o.log.error(
        { err, stream: this.stream },
        'day log write failed: the archiver stops; a restart resumes from its position',
      );
      this.o.fatal(err);
      return;
    }
    this.o.onDiskFull?.();
    const position = this.position;
    this.waiting = { since: Date.now(), position, error: String((err as Error).message ?? err) };
    this.o.log.error(
      { err, stream: this.stream, position, dir: this.o.dir },
      `day log disk full: archiving of ${this.stream} waits for space (nothing after stream seq ${position} is acknowledged); it resumes by itself`,
    );
    void this.pause(segments);
  }

  private async pause(segments: SegmentLog): Promise<void> {
    try {
      await this.consumption?.stop();
      await segments.abandon();
      // Cut each open segment at its last whole line (a failed write may have left part of one).
      repairSegments(this.o.dir);
    } catch (err) {
      this.o.fatal(err);
      return;
    }
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.closed) return;
    this.retry = setTimeout(() => void this.probe(), this.o.spaceRetryMs);
  }

  /** Writes and fsyncs a probe file beside the log: when that works, archiving starts again. */
  private async probe(): Promise<void> {
    if (this.closed) return;
    const file = join(this.o.dir, `.space-probe-${process.pid}`);
    try {
      mkdirSync(this.o.dir, { recursive: true });
      const fh = await open(file, 'w');
      try {
        await fh.writeFile(randomBytes(PROBE_BYTES));
        await fh.sync();
      } finally {
        await fh.close();
        await unlink(file).catch(() => {});
      }
    } catch (err) {
      if (!isOutOfSpace(err)) {
        this.o.fatal(err);
        return;
      }
      this.scheduleProbe();
      return;
    }
    const waited = this.waiting;
    this.o.log.warn(
      { stream: this.stream, position: this.position, waitedMs: waited ? Date.now() - waited.since : 0 },
      'day log has space again: archiving resumes from the log position',
    );
    this.waiting = undefined;
    try {
      await this.start();
    } catch (err) {
      this.o.fatal(err);
    }
  }
}
