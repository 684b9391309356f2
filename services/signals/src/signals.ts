import { type Bus, type BusMessage, decodeTick, nextOnSubject } from '@tickflow/bus';
import { type Clock, type Decision, partitionOf, systemClock, type Tick, validateTick } from '@tickflow/core';
import type { Logger, Registry } from '@tickflow/runtime';
import { StrategyEngine, type StrategyFactory, type StrategyPause } from '@tickflow/strategy';
import { BarStore } from './bars.ts';
import { DecisionPublisher } from './decision-publisher.ts';
import type { SubjectReader } from './gap-resolver.ts';
import type { SignalsCheckpoint } from './signals-checkpoint.ts';
import { signalsMetrics } from './signals-metrics.ts';
import { DEFAULT_TICK_ORDER, TickOrder, type TickOrderOptions } from './tick-order.ts';

export interface SymbolView {
  venue: string;
  symbol: string;
  lastSeq: number;
  indicators: Record<string, number>;
  lastDecision: Decision | null;
  /** Exchange time (epoch µs) of the last tick applied since start; absent for a symbol only restored. */
  lastTs?: number;
  /** Set when the symbol's strategy threw or returned something invalid: it decides nothing more. */
  paused?: StrategyPause | null;
}

/**
 * The speed layer's core: validates each tick from TICKS, updates the symbol's strategy state and,
 * when the rule fires, publishes the decision (awaiting its PubAck) before the tick is acked. Bad
 * messages are counted and logged, never crash the service; a redelivered tick changes nothing.
 */
export class SignalsService {
  private readonly engine: StrategyEngine;
  private readonly lastDecisions = new Map<string, Decision>();
  /** Symbol → the venue it was first seen on, for symbol-keyed look-ups. */
  private readonly venueOf = new Map<string, string>();
  private readonly publisher: DecisionPublisher;
  private readonly metrics: ReturnType<typeof signalsMetrics>;
  consumed = 0;
  decided = 0;
  /** Decisions the replay re-emitted that DECISIONS already held (not published again). */
  republishSkipped = 0;
  /** Wall time (epoch µs) the last tick was applied; 0 before the first. The dashboard's staleness. */
  lastTickAt = 0;
  readonly bars = new BarStore();
  /** Stream sequence of the last TICKS message handled (applied, skipped or refused). */
  lastApplied = 0;
  /** Decision ids already in DECISIONS (read at start): the replay does not publish them again. */
  private stored: Set<string> | undefined;
  /** Highest TICKS stream sequence of a tick applied (a read-back may pass lastApplied). */
  private highestApplied = 0;
  /** Redelivered ticks up to this stream sequence are a replay after a restart, not duplicates. */
  private replayedThrough = 0;
  /** Puts each venue+symbol's ticks in seq order (holds past a gap, reads it back, or alarms). */
  readonly order: TickOrder;
  /** Told of every applied tick's symbol and every decision (the WebSocket hub listens). */
  listener: { touched(symbol: string): void; decision(d: Decision): void } | undefined;

  constructor(
    bus: Bus,
    factory: StrategyFactory,
    /** Identifies the strategy setup; a checkpoint from another setup is refused. */
    private readonly fingerprint: string,
    private readonly log: Logger,
    registry: Registry,
    private readonly clock: Clock = systemClock,
    order: TickOrderOptions & {
      /** Where gap read-backs read TICKS (best a connection of its own); default the service's bus. */
      reader?: SubjectReader;
    } = DEFAULT_TICK_ORDER,
  ) {
    // A strategy that fails pauses its venue+symbol only: said in the log, /metrics and the REST view.
    this.engine = new StrategyEngine(factory, (fault) => {
      this.metrics.strategyErrors.inc({ strategy: fault.strategy });
      log.error(fault, 'strategy failed: venue+symbol paused, the others go on');
    });
    this.order = new TickOrder(order, {
      apply: (tick, streamSeq) => this.apply(tick, streamSeq),
      parse: (subject, data) => this.parse(subject, data, 0, true),
      position: () => this.lastApplied + 1,
      now: () => this.clock.nowMicros() / 1000,
      reader: order.reader ?? ((subject, fromSeq) => nextOnSubject(bus.jsm, 'TICKS', subject, fromSeq)),
      countSkipped: (n) => this.metrics.bad.inc({ code: 'GAP_SKIPPED' }, n),
      log,
      registry,
    });
    // Decisions are confirmed by DECISIONS before the ticks that caused them are acked (commit()).
    this.publisher = new DecisionPublisher(bus, log);
    this.metrics = signalsMetrics(registry);
  }

  /**
   * Handles one TICKS message synchronously: the state change happens now and a decision, if any,
   * is sent at once. The consumer acks a batch of ticks only after `commit()`.
   */
  onMessage(msg: BusMessage): void {
    this.handle(msg);
    this.lastApplied = msg.streamSeq;
  }

  /**
   * This instance's share of the venue+symbols. Its consumer reads only its partition's subjects
   * when the feed publishes partitioned; a tick of another partition that arrives anyway (the plain
   * layout) is skipped unread and counted.
   */
  partition = { index: 0, count: 1 };
  /** The bot partitions decisions are published for (`decisions.<symbol>.p<k>of<n>`); 1: plain. */
  decisionPartitions = 1;
  private readonly owned = new Map<string, boolean>();
  skippedOtherPartitions = 0;
  /** Tick messages the consumer delivered, this instance's and (plain layout) the others'. */
  received = 0;

  private ownsSubject(subject: string): boolean {
    let mine = this.owned.get(subject);
    if (mine === undefined) {
      const [, venue = '', symbol = ''] = subject.split('.');
      mine = partitionOf(venue, symbol, this.partition.count) === this.partition.index;
      this.owned.set(subject, mine);
    }
    return mine;
  }

  private handle(msg: BusMessage): void {
    this.received++;
    if (this.partition.count > 1 && !this.ownsSubject(msg.subject)) {
      this.skippedOtherPartitions++;
      return;
    }
    const tick = this.parse(msg.subject, msg.data, msg.streamSeq);
    if (!tick) return;
    const r = this.order.offer(msg.subject, tick, msg.streamSeq);
    if (r === 'duplicate' && msg.streamSeq > this.replayedThrough)
      this.metrics.bad.inc({ code: 'DUPLICATE_SEQ' });
  }

  /**
   * Decodes and validates one TICKS message; counts and logs a bad one (undefined), unless `quiet`
   * (a read-back: the consumer counts it when it gets there).
   */
  private parse(subject: string, data: Uint8Array, streamSeq: number, quiet = false): Tick | undefined {
    let raw: unknown;
    try {
      raw = decodeTick(data);
    } catch {
      if (quiet) return undefined;
      this.metrics.bad.inc({ code: 'BAD_JSON' });
      this.log.warn({ subject, streamSeq }, 'TICKS message is not JSON; skipped');
      return undefined;
    }
    // The feed already validated; re-checking costs little and keeps a rogue publisher out.
    const checked = validateTick(raw, {
      now: this.clock.nowMicros(),
      maxFutureMicros: Number.MAX_SAFE_INTEGER,
    });
    if (!checked.ok) {
      if (quiet) return undefined;
      this.metrics.bad.inc({ code: checked.error.code });
      this.log.warn(
        { subject, code: checked.error.code, reason: checked.error.message },
        'invalid tick skipped',
      );
      return undefined;
    }
    return checked.tick;
  }

  /** Decisions sent but not yet confirmed by DECISIONS. */
  get unconfirmedDecisions(): number {
    return this.publisher.unconfirmed;
  }

  /** Decision ids already in DECISIONS: the replay after a restart does not publish them again. */
  alreadyStored(ids: Set<string>): void {
    this.stored = ids.size ? ids : undefined;
  }

  /**
   * The service's state as plain JSON, at `streamSeq`: restoring it and consuming from
   * streamSeq + 1 continues exactly as if the process had never stopped. Taken synchronously, so
   * state and position always agree; store it only after `commit()` (decisions confirmed).
   */
  checkpoint(): SignalsCheckpoint {
    return {
      v: 1,
      streamSeq: Math.min(this.lastApplied, this.order.lowestHeldStreamSeq() - 1),
      // A tick read back from further on in TICKS counts too: its replay is no duplicate either.
      handledSeq: Math.max(this.lastApplied, this.highestApplied),
      strategies: this.fingerprint,
      engine: this.engine.snapshot(),
      venueOf: [...this.venueOf.entries()],
      lastDecisions: [...this.lastDecisions.values()],
    };
  }

  /** Restores a checkpoint; refuses (returns the reason) one taken with other strategy parameters. */
  restore(cp: SignalsCheckpoint): string | undefined {
    if (cp.v !== 1) return `unknown checkpoint version ${String(cp.v)}`;
    if (cp.strategies !== this.fingerprint)
      return `checkpoint was taken with other strategies: ${cp.strategies.slice(0, 200)}`;
    this.engine.restore(cp.engine);
    this.venueOf.clear();
    for (const [symbol, venue] of cp.venueOf) this.venueOf.set(symbol, venue);
    this.lastDecisions.clear();
    for (const d of cp.lastDecisions) this.lastDecisions.set(`${d.venue}:${d.symbol}`, d);
    for (const { key, lastSeq } of cp.engine.symbols) {
      const [venue = '', symbol = ''] = key.split(':');
      this.order.seed(venue, symbol, lastSeq);
    }
    this.lastApplied = cp.streamSeq;
    this.replayedThrough = cp.handledSeq ?? cp.streamSeq;
    return undefined;
  }

  /** Resolves when every decision sent so far is stored in DECISIONS. */
  async commit(): Promise<void> {
    await this.publisher.commit();
  }

  async close(): Promise<void> {
    await this.publisher.close();
  }

  /** Applies a tick in seq order (SeqGate calls it); `streamSeq` is where TICKS stored it. */
  private apply(tick: Tick, streamSeq: number): void {
    if (streamSeq > this.highestApplied) this.highestApplied = streamSeq;
    if (!this.venueOf.has(tick.symbol)) this.venueOf.set(tick.symbol, tick.venue);
    // A tick that opens new bars: the closing bars get the indicators as they were before it.
    const closing = this.bars.closes(tick.symbol, tick.ts)
      ? this.engine.state(tick.venue, tick.symbol)?.indicators
      : undefined;
    const now = this.clock.nowMicros();
    // SeqGate already ordered the lane: the engine's own gap report can only repeat a GAP_SKIPPED.
    const result = this.engine.onTick(tick, now);
    if (result.skip?.kind === 'duplicate') return;
    this.consumed++;
    this.lastTickAt = now;
    this.metrics.ticks.inc();
    this.bars.update(tick.symbol, Number(tick.price), Number(tick.size), tick.ts, closing);
    this.listener?.touched(tick.symbol);
    const d = result.decision;
    if (!d) return;
    if (streamSeq > 0) d.tickStreamSeq = streamSeq;
    d.tickRecvTs = tick.recvTs;
    this.metrics.latency.observe((d.decidedAt - tick.recvTs) / 1e6);
    this.lastDecisions.set(`${d.venue}:${d.symbol}`, d);
    this.decided++;
    this.metrics.decisions.inc({ action: d.action });
    this.listener?.decision(d);
    if (this.stored?.delete(d.id)) {
      // Re-emitted by the replay after a restart, and already in DECISIONS: not published twice.
      this.republishSkipped++;
      if (this.stored.size === 0) this.stored = undefined;
      return;
    }
    this.publisher.publish(d, this.decisionPartitions);
  }

  /** Latest state of one symbol (on the first venue it was seen on), or undefined. O(1). */
  view(symbol: string): SymbolView | undefined {
    const venue = this.venueOf.get(symbol);
    const s = venue === undefined ? undefined : this.engine.state(venue, symbol);
    if (!s || venue === undefined) return undefined;
    return {
      venue,
      symbol,
      ...s,
      lastDecision: this.lastDecisions.get(`${venue}:${symbol}`) ?? null,
      lastTs: this.bars.lastTs(symbol),
    };
  }

  /** Latest state of every venue+symbol, sorted by symbol then venue. */
  views(): SymbolView[] {
    return this.engine
      .symbols()
      .map((s) => ({
        ...s,
        lastDecision: this.lastDecisions.get(`${s.venue}:${s.symbol}`) ?? null,
        lastTs: this.bars.lastTs(s.symbol),
      }))
      .sort((a, b) => a.symbol.localeCompare(b.symbol) || a.venue.localeCompare(b.venue));
  }

  symbols(): string[] {
    return [...this.venueOf.keys()].sort();
  }
}
