import { type Clock, type Micros, systemClock } from '@tickflow/core';
import {
  inspectReplayFile,
  type ReplayFileInfo,
  type ReplayFormat,
  ReplayTruncatedError,
  readLines,
} from './replay-input.ts';
import { checkFirstLine, csvRows, invalidEvent, ndjsonRows, type ReplayColumns } from './replay-rows.ts';
import type { SourceEvent, SourceHealth, TickSource } from './types.ts';

export {
  ColumnMappingError,
  parseColumnMapping,
  ReplayColumnError,
  type ReplayColumns,
  type ReplayField,
} from './replay-columns.ts';
export { ReplayFileError, type ReplayFormat, ReplayTruncatedError } from './replay-input.ts';

/** Options of a {@link ReplaySource}. */
export interface ReplayOptions {
  /** Path of a `.csv`, `.ndjson` or `.jsonl` file, optionally gzip-compressed (`.gz` or by content). */
  file: string;
  /** Overrides the format the file name implies. */
  format?: ReplayFormat;
  /** Venue of every trade (default `replay`); a `venue` column overrides it per row. */
  venue?: string;
  /**
   * Replay speed against the ticks' own timing: 1 (default) the original pace, 10 ten times faster,
   * 0 as fast as the consumer takes batches.
   */
  speed?: number;
  /** Keep ticks with `ts >= from` (epoch µs, inclusive). */
  from?: Micros;
  /** Keep ticks with `ts < to` (epoch µs, exclusive). */
  to?: Micros;
  /** The file's names for our fields, when they are not ts/symbol/price/size/side/venue/trade_id or an alias. */
  columns?: ReplayColumns;
  /** Columns (CSV) or keys (NDJSON) to skip: any other name that is not one of ours is refused. */
  ignoreColumns?: readonly string[];
  /** Stamps `recvTs` at emission (default the system clock). Pacing uses the monotonic clock instead. */
  clock?: Clock;
  /** Most events per batch (default 1,000). */
  batchSize?: number;
}

/** Counters of one pass over the file. */
export interface ReplayStats {
  /** Data rows read (header and blank lines excluded). */
  rows: number;
  /** Trades emitted. */
  emitted: number;
  /** Invalid events emitted. */
  invalid: number;
  /** Trades dropped by the from/to filter. */
  filtered: number;
}

/** Options with their defaults filled in. */
interface Settings extends ReplayOptions {
  venue: string;
  speed: number;
  from: Micros;
  to: Micros;
  clock: Clock;
  batchSize: number;
}

type ReplayState = 'idle' | 'reading' | 'done' | 'stopped' | 'failed';

/** Ticks due within this many ms are emitted now, together: timers are not finer than ~1 ms anyway. */
const DUE_SLACK_MS = 1;
/** Longest single timer: setTimeout fires at once for delays beyond 2^31 − 1 ms (~24.8 days). */
const MAX_SLEEP_MS = 3_600_000;

/**
 * Replays a recorded tick file (CSV or NDJSON, plain or gzip) as a {@link TickSource}: streamed,
 * never loaded whole, so files of millions of rows replay in constant memory. Bad rows become
 * `invalid` events with a code and the row's raw text; only a missing, unreadable or headless file
 * is an error ({@link ReplayFileError}, thrown from `batches()` or {@link ReplaySource.open}). A file
 * that can be read only up to a point (a gzip cut short) still gives every row before it, then its
 * cut-off line as an invalid `FILE_TRUNCATED` event, then the {@link ReplayTruncatedError}.
 *
 * With `speed > 0` the first tick goes out at once and tick i once `(ts_i − ts_0) / speed` has
 * passed on the wall clock; ticks due together go out as one batch, with one sleep until the next
 * due tick (not one timer per tick). An out-of-order tick is due at once. Invalid rows travel with
 * the ticks around them, in file order.
 */
export class ReplaySource implements TickSource {
  readonly name = 'replay';
  /** Counters of the current (or last) pass; reset when `batches()` starts a pass. */
  readonly stats: ReplayStats = { rows: 0, emitted: 0, invalid: 0, filtered: 0 };
  private readonly opts: Settings;
  private state: ReplayState = 'idle';
  private error: string | undefined;
  private stopped = false;
  private lastEmitMs: number | undefined;
  private wake: (() => void) | undefined;
  private current: AsyncGenerator<SourceEvent[]> | undefined;

  private info: ReplayFileInfo | undefined;

  constructor(options: ReplayOptions) {
    const speed = options.speed ?? 1;
    const batchSize = options.batchSize ?? 1000;
    if (!(speed >= 0 && Number.isFinite(speed))) throw new RangeError(`speed must be ≥ 0, got ${speed}`);
    if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
      throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    }
    this.opts = {
      ...options,
      venue: options.venue ?? 'replay',
      speed,
      from: options.from ?? Number.NEGATIVE_INFINITY,
      to: options.to ?? Number.POSITIVE_INFINITY,
      clock: options.clock ?? systemClock,
      batchSize,
    };
  }

  /** Checks the file up front (exists, readable, known format), so a typo fails at start-up. */
  static async open(options: ReplayOptions): Promise<ReplaySource> {
    const source = new ReplaySource(options);
    await source.prepare();
    return source;
  }

  /**
   * Checks the file before anything starts: exists, readable, known format, and a CSV header that
   * fits (every required field, no unknown column): throws {@link ReplayFileError} (for the header
   * a {@link ReplayColumnError}) so a bad file stops the feed at start, not after it connected.
   */
  async prepare(): Promise<void> {
    const info = await inspectReplayFile(this.opts.file, this.opts.format);
    this.info = info;
    const { columns, ignoreColumns } = this.opts;
    const lines = readLines(info);
    try {
      for await (const chunk of lines) {
        const first = chunk.find((line) => line.trim() !== '');
        if (first === undefined) continue;
        checkFirstLine(info.file, info.format, first, columns, ignoreColumns);
        return;
      }
    } catch (err) {
      // Damage past the header is the replay's to report, with the rows before it published; a
      // file that gives not even a header (not gzip after all, cut in line 1) is unusable.
      if (!(err instanceof ReplayTruncatedError) || err.line === 1) throw err;
    } finally {
      await lines.return(undefined);
    }
  }

  /**
   * Streams the file as batches of events; throws {@link ReplayFileError} if it can't be read.
   * Each call is a new pass from the top of the file; after stop() there are no more passes.
   */
  batches(): AsyncGenerator<SourceEvent[]> {
    const pass = this.pass();
    this.current = pass;
    return pass;
  }

  private async *pass(): AsyncGenerator<SourceEvent[]> {
    Object.assign(this.stats, { rows: 0, emitted: 0, invalid: 0, filtered: 0 });
    if (this.stopped) return;
    this.state = 'reading';
    try {
      this.info ??= await inspectReplayFile(this.opts.file, this.opts.format);
      const { file, format } = this.info;
      const { venue, columns, speed, from, to, batchSize } = this.opts;
      const rows =
        format === 'csv'
          ? csvRows(file, venue, columns, this.opts.ignoreColumns)
          : ndjsonRows(venue, columns, this.opts.ignoreColumns);
      let batch: SourceEvent[] = [];
      let firstTs: Micros | undefined;
      let startMs = 0;
      const lines = readLines(this.info);
      try {
        for (;;) {
          let next: IteratorResult<string[]>;
          try {
            next = await lines.next();
          } catch (err) {
            // What was read before the damage still goes out; the cut-off line is quarantined.
            if (!(err instanceof ReplayTruncatedError) || this.stopped) throw err;
            if (err.tail !== '') {
              this.stats.rows++;
              const reason = `line ${err.line} (byte offset ${err.byteOffset}) is cut off: ${err.why}`;
              batch.push(invalidEvent(venue, err.tail, 'FILE_TRUNCATED', reason));
            }
            if (batch.length > 0) yield this.emit(batch);
            const quarantined = err.tail === '' ? '' : ', the cut-off line quarantined as FILE_TRUNCATED';
            throw err.withOutcome(`every line before it was replayed${quarantined}`);
          }
          if (next.done) break;
          for (const line of next.value) {
            const event = rows.read(line);
            if (event === undefined) continue;
            this.stats.rows++;
            if (event.kind === 'trade') {
              const { ts } = event.trade;
              if (ts < from || ts >= to) {
                this.stats.filtered++;
                continue;
              }
              if (speed > 0) {
                if (firstTs === undefined) {
                  firstTs = ts;
                  startMs = performance.now();
                }
                const dueMs = startMs + (ts - firstTs) / 1000 / speed;
                let waitMs = dueMs - performance.now();
                if (waitMs > DUE_SLACK_MS) {
                  if (batch.length > 0) yield this.emit(batch);
                  batch = [];
                  // A loop: timers may fire a little early, and long gaps exceed setTimeout's limit.
                  while (waitMs > DUE_SLACK_MS && !this.stopped) {
                    await this.sleep(Math.min(waitMs, MAX_SLEEP_MS));
                    waitMs = dueMs - performance.now();
                  }
                }
              }
            }
            if (this.stopped) return;
            batch.push(event);
            if (batch.length >= batchSize) {
              yield this.emit(batch);
              batch = [];
              if (this.stopped) return;
            }
          }
        }
      } finally {
        // Closes the file however the loop ended (the consumer's return(), stop(), a throw).
        await lines.return(undefined);
      }
      if (batch.length > 0 && !this.stopped) yield this.emit(batch);
      if (!this.stopped) this.state = 'done';
    } catch (err) {
      this.state = 'failed';
      this.error = err instanceof Error ? err.message : String(err);
      throw err;
    } finally {
      // The consumer left early (break / return()) without stop(): the pass is over all the same.
      if (this.state === 'reading') this.state = 'stopped';
    }
  }

  /** Ends the iteration promptly: a pending pacing sleep is cut short, the file closed. */
  stop(): void {
    this.stopped = true;
    if (this.state === 'idle' || this.state === 'reading') this.state = 'stopped';
    this.wake?.();
    // Closes the file even if the consumer never asks for another batch. A read error, if any,
    // reaches the consumer through its own next(); this call has nothing to add.
    this.current?.return(undefined).catch(() => {});
  }

  health(): SourceHealth {
    const { rows, emitted, invalid, filtered } = this.stats;
    const counts = `${rows} rows, ${emitted} emitted, ${invalid} invalid, ${filtered} filtered`;
    const detail = this.state === 'failed' ? `failed: ${this.error}; ${counts}` : `${this.state}: ${counts}`;
    const health: SourceHealth = { ok: this.state !== 'failed', detail };
    if (this.lastEmitMs !== undefined) health.lastMessageAt = this.lastEmitMs;
    return health;
  }

  /** Stamps `recvTs` (one clock read per batch: they all leave now) and counts the batch. */
  private emit(batch: SourceEvent[]): SourceEvent[] {
    const now = this.opts.clock.nowMicros();
    for (const event of batch) {
      if (event.kind === 'trade') {
        event.trade.recvTs = now;
        this.stats.emitted++;
      } else this.stats.invalid++;
    }
    this.lastEmitMs = Math.floor(now / 1000);
    return batch;
  }

  /** Sleeps `ms`, or less if stop() comes first. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

/** Creates a {@link ReplaySource}; file problems surface from its `batches()`. */
export function replaySource(options: ReplayOptions): ReplaySource {
  return new ReplaySource(options);
}
