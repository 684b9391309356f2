import {
  type Bus,
  type ConfirmingPublisher,
  encode,
  subjects,
  tickMsgIdPrefix,
  waitForSettled,
} from '@tickflow/bus';
import {
  type Clock,
  isValidSymbol,
  isValidVenue,
  type RejectedTick,
  systemClock,
  WIRE_VERSION,
} from '@tickflow/core';
import type { Logger, Registry } from '@tickflow/runtime';
import { FeedMetrics } from './metrics.ts';
import type { Outcome, TickPipeline } from './pipeline.ts';
import type { SourceEvent, TickSource } from './sources/types.ts';
import { storedLastSeq } from './stored-seq.ts';

/** The last `seq` of a venue+symbol stored in TICKS, 0 when it has none; throws when it cannot tell. */
export type LastSeqLookup = (venue: string, symbol: string) => Promise<number>;

export interface SeqLookupOptions {
  /** Give up (the feed fails) when a series' last seq stayed unknown this long, ms. Default 60,000. */
  giveUpMs: number;
  /** First retry delay, ms, doubled up to maxDelayMs. Defaults 100 and 5,000. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Before a venue's first lookup, wait until TICKS has stored nothing new of the venue for this
   * long (see waitForSettled: what a SIGKILLed predecessor sent may still be landing). Default
   * 1,000 ms; 0 skips the wait.
   */
  settleMs?: number;
}

export const DEFAULT_SEQ_LOOKUP: SeqLookupOptions = { giveUpMs: 60_000, baseDelayMs: 100, maxDelayMs: 5000 };

/** A series' last seq could not be read from TICKS within the bound: publishing it could restart at 1. */
export class SequenceLookupError extends Error {
  override name = 'SequenceLookupError';
}

export interface FeedStats {
  received: number;
  published: number;
  rejected: number;
  duplicates: number;
  outOfOrder: number;
  startedAt: number;
  /**
   * When the source gave its first events, after the start-up waits (TICKS settling for the
   * venue, ≥ 1 s by default): a rate is measured from here.
   */
  firstEventsAt?: number;
  finishedAt?: number;
}

/**
 * Source → pipeline (validate, dedup, spike filter, sequence) → durable publish. Every tick gets
 * the next `seq` of its venue+symbol (continued from TICKS after a restart) and `Nats-Msg-Id`
 * venue:symbol:seq; rejects go to `rejects.<venue>` with the raw input, a code and a reason.
 * `run()` resolves when the source ends (or `stop()`), after the publisher confirmed everything.
 */
export class FeedService {
  readonly stats: FeedStats = {
    received: 0,
    published: 0,
    rejected: 0,
    duplicates: 0,
    outOfOrder: 0,
    startedAt: 0,
  };
  readonly metrics: FeedMetrics;
  private rejectCounter = 0;
  /** The series whose last seq cannot be read at the moment (for /healthz), or undefined. */
  lookupFailing: { venue: string; symbol: string; attempts: number; error: string } | undefined;
  private readonly lastSeq: LastSeqLookup;

  /** `--partitions`: with n > 1 each tick's subject carries its partition (`ticks.v.S.p0of2`). */
  partitions = 1;
  /** The subject of each venue+symbol's last stored tick, as the seq lookup found it. */
  private readonly storedOn = new Map<string, string>();
  /** Venue+symbols whose earlier ticks TICKS holds in another subject layout (--partitions changed). */
  layoutMoves = 0;

  constructor(
    private readonly bus: Bus,
    private readonly source: TickSource,
    private readonly pipeline: TickPipeline,
    private readonly publisher: ConfirmingPublisher,
    private readonly log: Logger,
    registry: Registry,
    private readonly clock: Clock = systemClock,
    lastSeq?: LastSeqLookup,
    private readonly seqLookup: SeqLookupOptions = DEFAULT_SEQ_LOOKUP,
  ) {
    this.lastSeq =
      lastSeq ??
      storedLastSeq(bus, (venue, symbol, subject) => this.storedOn.set(`${venue}:${symbol}`, subject));
    this.metrics = new FeedMetrics(
      registry,
      source.name,
      () => publisher.stats,
      () => source.health(),
      () => this.syncSourceDuplicates(),
    );
  }

  /**
   * Looks up the last seq of a venue+symbol in TICKS the first time it is seen, so a restarted feed
   * continues each sequence instead of starting again at 1 (whatever the source).
   */
  private async resumeSequence(venue: string, symbol: string): Promise<void> {
    // An invalid venue or symbol cannot be a subject in TICKS: the pipeline will reject the trade.
    const last = isValidVenue(venue) && isValidSymbol(symbol) ? await this.lookUpLastSeq(venue, symbol) : 0;
    this.pipeline.resume(venue, symbol, last);
    if (last > 0) this.log.info({ venue, symbol, lastSeq: last }, 'continuing sequence from TICKS');
    const before = this.storedOn.get(`${venue}:${symbol}`);
    const now = subjects.tick(venue, symbol, this.partitions);
    if (last > 0 && before !== undefined && before !== now && this.layoutMoves++ === 0)
      // Once per feed, at the first venue+symbol that moves: the operator's cue to restart readers.
      this.log.warn(
        { venue, symbol, lastSeq: last, storedOn: before, publishingOn: now, partitions: this.partitions },
        `the feed's --partitions changed: earlier ticks are on ${before}, the next on ${now} (seq continues); run the signals and bot instances with --partition i/${this.partitions} (docs/SCALING.md)`,
      );
  }

  /**
   * Only "no message on that subject" means no earlier ticks. Any other error (a timeout, the broker
   * away) is retried with backoff, the series held back meanwhile (/healthz degraded), and after
   * `giveUpMs` the feed fails: guessing 0 would restart the series at seq 1, and the stream's
   * duplicate window would silently drop its new ticks.
   */
  private async lookUpLastSeq(venue: string, symbol: string): Promise<number> {
    const started = Date.now();
    let delay = this.seqLookup.baseDelayMs;
    for (let attempts = 1; ; attempts++) {
      try {
        await this.settled(venue);
        const last = await this.lastSeq(venue, symbol);
        if (this.lookupFailing)
          this.log.info({ venue, symbol, attempts }, 'last seq read from TICKS after retries');
        this.lookupFailing = undefined;
        return last;
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        this.lookupFailing = { venue, symbol, attempts, error };
        if (this.stopping || Date.now() - started + delay > this.seqLookup.giveUpMs) {
          this.log.error({ err, venue, symbol, attempts }, 'cannot read the last seq from TICKS: giving up');
          throw new SequenceLookupError(
            `cannot read the last seq of ${venue}:${symbol} from TICKS after ${attempts} attempts: ${error}`,
            { cause: err },
          );
        }
        this.log.warn(
          { err, venue, symbol, attempts, retryInMs: delay },
          'last seq lookup failed; series held back',
        );
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, this.seqLookup.maxDelayMs);
      }
    }
  }

  /** Venues whose ticks in TICKS have settled (or are settling) since this process started. */
  private readonly settling = new Map<string, Promise<void>>();

  private settled(venue: string): Promise<void> {
    const quietMs = this.seqLookup.settleMs ?? 1000;
    if (quietMs <= 0) return Promise.resolve();
    let p = this.settling.get(venue);
    if (!p) {
      p = waitForSettled(this.bus.jsm, 'TICKS', `ticks.${venue}.>`, {
        quietMs,
        maxMs: Math.max(10 * quietMs, 10_000),
      }).then((r) => {
        const detail = { venue, lastStreamSeq: r.lastSeq, waitedMs: Math.round(r.waitedMs) };
        if (r.quiet) this.log.info(detail, 'TICKS settled for the venue; reading its last seqs');
        else
          this.log.warn(
            detail,
            'TICKS still taking ticks of the venue (another feed?); reading its last seqs anyway',
          );
      });
      // A failed wait (broker away) is tried again with the lookup's retries.
      p.catch(() => this.settling.delete(venue));
      this.settling.set(venue, p);
    }
    return p;
  }

  async run(): Promise<FeedStats> {
    this.stats.startedAt = Date.now();
    try {
      // Before the source starts its clock: a failed wait is retried with the first lookup.
      for (const venue of this.source.venues ?? []) await this.settled(venue).catch(() => {});
      const batches = this.source.batches()[Symbol.asyncIterator]();
      for (;;) {
        let next: IteratorResult<SourceEvent[]>;
        try {
          next = await batches.next();
        } catch (err) {
          // A source failing part-way (a truncated replay file) gave what it could: that is published.
          await this.publisher.flush();
          throw err;
        }
        if (next.done) break;
        this.stats.firstEventsAt ??= Date.now();
        try {
          const wait = this.handleBatch(next.value);
          if (wait) await wait;
        } catch (err) {
          // As a for-await would: the source is told the consumer left.
          await batches.return?.();
          throw err;
        }
      }
      await this.publisher.flush();
    } finally {
      this.syncSourceDuplicates();
      this.stats.finishedAt = Date.now();
    }
    return this.stats;
  }

  /** The source's own drops of replayed trade ids counted so far into stats and metrics. */
  private sourceDuplicates = 0;

  /**
   * Brings the replays a source dropped itself (an exchange source after a reconnect) into
   * `stats.duplicates` and `tickflow_feed_duplicates_dropped_total`; called at the end of a run,
   * for /v1/stats and before each /metrics scrape.
   */
  syncSourceDuplicates(): void {
    const dropped = this.source.health().droppedReplays;
    if (!dropped || dropped.count <= this.sourceDuplicates) return;
    const delta = dropped.count - this.sourceDuplicates;
    this.sourceDuplicates = dropped.count;
    this.stats.duplicates += delta;
    this.metrics.duplicates.inc({ venue: dropped.venue }, delta);
  }

  stop(): void {
    this.stopping = true;
    this.source.stop();
  }

  /** Set by stop(): a last-seq lookup still retrying gives up at once. */
  private stopping = false;

  /**
   * Handles a batch synchronously; returns a promise only when it must wait (the first tick of a
   * new venue+symbol needs its last seq from TICKS, or a full outbox pushes back), and then goes
   * on with the rest of the batch in order.
   */
  private handleBatch(batch: SourceEvent[], from = 0): Promise<void> | undefined {
    const now = this.clock.nowMicros();
    if (from === 0) this.metrics.observeBatch(batch.length);
    for (let i = from; i < batch.length; i++) {
      const event = batch[i] as SourceEvent;
      if (event.kind === 'trade' && !this.pipeline.knows(event.trade.venue, event.trade.symbol)) {
        return this.resumeSequence(event.trade.venue, event.trade.symbol).then(() =>
          this.handleBatch(batch, i),
        );
      }
      this.stats.received++;
      const wait = this.apply(this.pipeline.handle(event, now));
      if (wait) return wait.then(() => this.handleBatch(batch, i + 1));
    }
    return undefined;
  }

  private apply(o: Outcome): Promise<void> | undefined {
    switch (o.kind) {
      case 'publish': {
        const t = o.tick;
        if (o.outOfOrder) {
          this.stats.outOfOrder++;
          this.metrics.outOfOrder.inc({ venue: t.venue });
        }
        this.stats.published++;
        this.metrics.countPublished(t.venue);
        // The key's subject and id prefix, worked out on its first tick (partitions are set by then).
        o.memo.route ??= {
          subject: subjects.tick(t.venue, t.symbol, this.partitions),
          idPrefix: tickMsgIdPrefix(t.venue, t.symbol),
        };
        const { subject, idPrefix } = o.memo.route;
        return this.publisher.publishTick(subject, t, `${idPrefix}${t.seq}`);
      }
      case 'duplicate':
        this.stats.duplicates++;
        this.metrics.duplicates.inc({ venue: o.venue });
        return undefined;
      case 'reject': {
        // A venue that cannot be a subject token is filed under `unknown`, raw input kept.
        const venue = isValidVenue(o.venue) ? o.venue : 'unknown';
        const at = this.clock.nowMicros();
        const msg: RejectedTick = { v: WIRE_VERSION, venue, raw: o.raw, reason: o.reason, code: o.code, at };
        this.stats.rejected++;
        this.metrics.rejected.inc({ venue, code: o.code });
        if (this.stats.rejected <= 10 || this.stats.rejected % 1000 === 0) {
          this.log.warn(
            { venue, code: o.code, reason: o.reason, rejected: this.stats.rejected },
            'tick rejected',
          );
        }
        const id = `reject:${venue}:${at}:${++this.rejectCounter}`;
        return this.publisher.publish(subjects.reject(venue), encode(msg), id);
      }
    }
  }
}
