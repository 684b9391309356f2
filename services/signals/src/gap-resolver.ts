import type { Tick } from '@tickflow/core';
import type { Logger } from '@tickflow/runtime';
import type { HeldTick, SeqGate } from './seq-gate.ts';

/** Reads the first message on `subject` at or after stream sequence `fromSeq` (undefined: none). */
export type SubjectReader = (
  subject: string,
  fromSeq: number,
) => Promise<{ seq: number; data: Uint8Array } | undefined>;

export interface GapResolverOptions {
  /** Messages on one subject a routine read-back looks at before it gives up for now. */
  scanLimit: number;
  /**
   * The TICKS subjects a lane's ticks were delivered on: one, or more when the feed changed its
   * `--partitions` (a venue+symbol moved from `ticks.v.S` to `ticks.v.S.p1of2`). Default: the key.
   */
  subjectsOf?: (key: string) => readonly string[];
  /** Whether a tick read back belongs to the lane (a subject carries one venue+symbol). */
  belongs?: (key: string, tick: Tick) => boolean;
  /** Told how many missing ticks a read-back found (for a metric). */
  onFound?: (count: number) => void;
}

/** A gap given up on: the ticks are not in TICKS. */
export interface SkippedGap {
  key: string;
  ranges: [number, number][];
  /** The lane had applied nothing before: its first seqs are missing. */
  laneStart: boolean;
}

/**
 * Settles the gaps SeqGate holds ticks behind. A gap's ticks were not delivered up to the
 * consumer's position, so they are either further on in TICKS (stored late) or not there at all:
 * the read-back scans the lane's subjects from the position on (direct gets), hands what it finds
 * to the gate, and when it reached the end of the stream without finding a seq, that seq is not in
 * TICKS and the lane goes on past it (`onSkipped`). A routine read-back (the gap timed out) stops
 * after `scanLimit` messages and tries again a timeout later; an urgent one (a bound passed) reads
 * to the end. One read-back at a time.
 */
export class GapResolver {
  private running: Promise<void> | undefined;

  constructor(
    private readonly gate: SeqGate,
    private readonly read: SubjectReader,
    private readonly parse: (subject: string, data: Uint8Array) => Tick | undefined,
    /** The next stream sequence the consumer will deliver. */
    private readonly position: () => number,
    private readonly now: () => number,
    private readonly onSkipped: (gap: SkippedGap) => void,
    private readonly log: Logger,
    private readonly opts: GapResolverOptions,
  ) {}

  /** Reads back every gap that is due; resolves when done (shares a read-back already running). */
  resolve(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    for (const { key, urgent } of this.gate.due(this.now())) {
      try {
        await this.resolveLane(key, urgent);
      } catch (err) {
        // The broker is away or slow: try again a timeout later.
        this.gate.rearm(key, this.now());
        this.log.warn({ err, subject: key }, 'gap read-back failed; will retry');
      }
    }
  }

  private async resolveLane(key: string, urgent: boolean): Promise<void> {
    const lastBefore = this.gate.last(key);
    const missing = this.gate.gaps(key).reduce((n, [a, b]) => n + b - a + 1, 0);
    if (missing === 0) return; // filled by the consumer meanwhile
    const found = new Map<number, HeldTick>();
    let scanned = 0;
    // At the end of the stream on every subject of the lane: the seqs still missing are not in TICKS.
    let end = true;
    for (const subject of this.opts.subjectsOf?.(key) ?? [key]) {
      let from = this.position();
      let atEnd = false;
      while (urgent || scanned < this.opts.scanLimit) {
        const m = await this.read(subject, from);
        if (!m) {
          atEnd = true;
          break;
        }
        scanned++;
        // Whatever the consumer delivered meanwhile went through the gate already: skip past it.
        from = Math.max(m.seq + 1, this.position());
        const tick = this.parse(subject, m.data);
        if (
          tick &&
          (this.opts.belongs?.(key, tick) ?? true) &&
          !found.has(tick.seq) &&
          this.gate.misses(key, tick.seq)
        )
          found.set(tick.seq, { tick, streamSeq: m.seq });
        if (found.size >= missing) break;
      }
      if (!atEnd) end = false;
      if (found.size >= missing) break;
    }
    this.gate.fill(key, [...found.values()]);
    if (found.size) this.opts.onFound?.(found.size);
    if (found.size)
      this.log.info({ subject: key, found: found.size, scanned }, 'gap filled from a read-back of TICKS');
    if (this.gate.gaps(key).length === 0) return;
    if (!end) {
      this.gate.rearm(key, this.now());
      return;
    }
    const ranges = this.gate.skipGaps(key);
    if (ranges.length) this.onSkipped({ key, ranges, laneStart: lastBefore === 0 });
  }
}
