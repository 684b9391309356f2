import type { Tick } from '@tickflow/core';
import { Counter, Gauge, type Logger, type Registry } from '@tickflow/runtime';
import { GapResolver, type SkippedGap, type SubjectReader } from './gap-resolver.ts';
import { type Offered, SeqGate, type SeqGateOptions } from './seq-gate.ts';

/** A lane's key: its venue+symbol (`synth:BTC-USD`), the checkpoint's key too. */
const laneOf = (tick: Tick): string => `${tick.venue}:${tick.symbol}`;

/** How signals puts each lane's ticks in seq order. */
export interface TickOrderOptions extends SeqGateOptions {
  /** Messages on one subject a routine gap read-back looks at before trying again later. */
  scanLimit: number;
}

export const DEFAULT_TICK_ORDER: TickOrderOptions = {
  maxHeldPerLane: 10_000,
  maxHeldTotal: 100_000,
  gapTimeoutMs: 2000,
  scanLimit: 20_000,
};

/** What TickOrder needs of the service around it. */
export interface TickOrderDeps {
  /** Applies one tick in seq order, with the TICKS stream sequence it was stored at. */
  apply(tick: Tick, streamSeq: number): void;
  /** Decodes and validates a TICKS message read back (undefined: not a valid tick). */
  parse(subject: string, data: Uint8Array): Tick | undefined;
  /** The next stream sequence the consumer will deliver. */
  position(): number;
  /** Wall time, ms. */
  now(): number;
  /** Reads TICKS by subject (direct gets), best on a connection of its own. */
  reader: SubjectReader;
  /** Counts `n` seqs given up on (the service's bad-messages counter, code GAP_SKIPPED). */
  countSkipped(n: number): void;
  log: Logger;
  registry: Registry;
}

/**
 * Signals' order gate: SeqGate (hold past a gap) + GapResolver (read back, or give up with an
 * alarm), with their metrics and the alarm list /healthz reports.
 */
export class TickOrder {
  private readonly gate: SeqGate;
  private readonly resolver: GapResolver;
  /** Gaps given up on (ticks not in TICKS) since start, the last 100; /healthz is degraded while any. */
  readonly skippedGaps: SkippedGap[] = [];
  /**
   * The subjects each lane's ticks came on. A lane is a venue+symbol, not a subject: when the feed
   * is restarted with another `--partitions` a symbol's ticks move to another subject and its seq
   * goes on there, which a lane per subject took for a gap (held until the gap timeout, then
   * skipped with a false alarm).
   */
  private readonly subjects = new Map<string, string[]>();

  constructor(
    opts: TickOrderOptions,
    private readonly deps: TickOrderDeps,
  ) {
    this.gate = new SeqGate(opts, deps.apply, deps.now);
    const readBack = new Counter({
      name: 'tickflow_signals_read_back_ticks_total',
      help: 'Ticks missing behind a seq gap that were read back from further on in TICKS',
      registers: [deps.registry],
    });
    const held: Gauge = new Gauge({
      name: 'tickflow_signals_held_ticks',
      help: 'Ticks held behind a seq gap until the missing ones arrive',
      registers: [deps.registry],
      collect: (): void => {
        held.set(this.gate.held);
      },
    });
    this.resolver = new GapResolver(
      this.gate,
      deps.reader,
      deps.parse,
      deps.position,
      deps.now,
      (gap) => this.onSkipped(gap),
      deps.log,
      {
        scanLimit: opts.scanLimit,
        onFound: (n) => readBack.inc(n),
        subjectsOf: (key) => this.subjects.get(key) ?? [],
        belongs: (key, tick) => laneOf(tick) === key,
      },
    );
  }

  /**
   * One tick delivered on `subject` (see SeqGate.offer), in its venue+symbol's lane whatever the
   * subject; a passed bound starts a read-back.
   */
  offer(subject: string, tick: Tick, streamSeq: number): Offered {
    const key = laneOf(tick);
    const seen = this.subjects.get(key);
    if (!seen) this.subjects.set(key, [subject]);
    else if (!seen.includes(subject)) {
      seen.push(subject);
      this.deps.log.info(
        { venue: tick.venue, symbol: tick.symbol, subject, seq: tick.seq },
        'venue+symbol continues on another TICKS subject (the feed’s --partitions changed): same lane, no gap',
      );
    }
    const r = this.gate.offer(key, tick, streamSeq);
    if (r === 'held' && (this.gate.overBound || this.gate.laneOverBound(key))) void this.resolver.resolve();
    return r;
  }

  /** Sets a venue+symbol's last applied seq (from a restored checkpoint), whatever its subject. */
  seed(venue: string, symbol: string, lastSeq: number): void {
    this.gate.seed(venue, symbol, lastSeq);
  }

  /** Reads the gaps that are due back from TICKS (on a timer). */
  resolveGaps(): Promise<void> {
    return this.gate.held > 0 ? this.resolver.resolve() : Promise.resolve();
  }

  /** For the consumer's flow control: a promise to wait on while too many ticks are held. */
  backpressure(): Promise<void> | undefined {
    return this.gate.overBound ? this.resolver.resolve() : undefined;
  }

  /** After a reconnect the missing ticks may still be on their way: every gap gets a fresh timeout. */
  rearm(): void {
    this.gate.rearm(undefined, this.deps.now());
  }

  /** TICKS starts after some lanes' seq 1 (trimmed or purged): a lane never seen starts at its first tick. */
  openLanesAtFirstSeq(): void {
    this.gate.openAtFirstSeq = true;
  }

  get held(): number {
    return this.gate.held;
  }

  /** Lowest stream sequence of a held tick (Infinity when none): a checkpoint resumes below it. */
  lowestHeldStreamSeq(): number {
    return this.gate.lowestHeldStreamSeq();
  }

  /**
   * The ticks are not in TICKS (the read-back reached the stream's end): the lane went on past them,
   * so its indicators now differ from a gap-free history. An alarm: error log naming venue, symbol
   * and seqs, GAP_SKIPPED counted per missing seq, /healthz degraded.
   */
  private onSkipped(gap: SkippedGap): void {
    const [venue, symbol] = gap.key.split(':');
    const seqs = gap.ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
    const n = gap.ranges.reduce((k, [a, b]) => k + b - a + 1, 0);
    this.deps.countSkipped(n);
    this.skippedGaps.push(gap);
    if (this.skippedGaps.length > 100) this.skippedGaps.shift();
    this.deps.log.error(
      { venue, symbol, missing: seqs, count: n, laneStart: gap.laneStart },
      'ticks missing from TICKS: applied the ticks after them (GAP_SKIPPED)',
    );
  }
}
