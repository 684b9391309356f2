import {
  type Bus,
  type BusMessage,
  DurablePublisher,
  decode,
  decodeTick,
  subjects,
  TickSubjects,
} from '@tickflow/bus';
import {
  type Dec,
  type Decision,
  decisionProblem,
  type Fill,
  isDecimalString,
  isValidSymbol,
  type OrderEvent,
} from '@tickflow/core';
import {
  type ExecutionModel,
  fillId,
  PaperOrder,
  type Portfolio,
  preTradeCheck,
  type RiskLimits,
  type RiskVerdict,
} from '@tickflow/paper';
import type { Logger, Registry } from '@tickflow/runtime';
import { botMetrics } from './bot-metrics.ts';
import { DecisionFills } from './decision-fills.ts';
import { orderEvent } from './order-event.ts';
import { type BackfillFrom, Tape } from './tape.ts';
import { UnseenLanes } from './unseen-lanes.ts';

/** An order given up because the bot stops: its decision is left unacked for the next process. */
export class OrderAbandonedError extends Error {
  override name = 'OrderAbandonedError';
}

interface Lane {
  tail: Promise<void>;
  /** Orders of the symbol not yet done (the working one and those queued behind it). */
  count: number;
  /** Whether the working order has matched every tick so far and waits for the next one. */
  headWaiting: boolean;
}

export interface PaperBotOptions {
  execution: ExecutionModel;
  limits: RiskLimits;
  /** Ticks kept (shared by all venue+symbols) for orders whose ticks passed before their decision. */
  tapeCapacity: number;
  /** Reads a lane of TICKS back from the stream (see Tape). */
  backfill: ConstructorParameters<typeof Tape>[1];
  /** How long an order waits at a tick missing from TICKS before passing over it (0: for ever). */
  lostTickMs?: number;
  /** Where each symbol's ticks are stored (the backfill's, shared); one of its own by default. */
  tickSubjects?: TickSubjects;
}

/**
 * The paper-trading bot. Each decision becomes a market order that executes against the ticks
 * after it (libs/paper PaperOrder): orders of one symbol run one after another in decision order,
 * each fill is applied to the portfolio and published to FILLS, and the decision is acked only once
 * its order is done and every fill (or its rejection or expiry, on ORDERS) is stored. Fill ids derive
 * from the decision id and the execution is a pure function of the decision and the tape, so a
 * redelivered decision recomputes the same fills and applies none twice.
 */
export class PaperBot {
  private readonly publisher: DurablePublisher;
  private readonly metrics: ReturnType<typeof botMetrics>;
  readonly tape: Tape;
  readonly decisionFills = new DecisionFills();
  /** Decisions the bot rejected or expired (from ORDERS at start, then its own): never re-executed. */
  readonly closedDecisions = new Set<string>();
  /** Each symbol's order chain: the next order of the symbol starts after the tail. */
  private readonly lanes = new Map<string, Lane>();
  /** Orders in progress by decision id, until all they caused is stored: a redelivery joins them. */
  private readonly inProgress = new Map<string, Promise<void>>();
  /**
   * Publishes of this process not yet acknowledged (fills by fill id, order events by decision id):
   * what a recomputation finds already applied is either here (wait for it) or already stored.
   */
  private readonly unstoredFills = new Map<string, Promise<void>>();
  private readonly unstoredEvents = new Map<string, Promise<void>>();
  private stopping = false;
  private readonly abandons = new Set<() => void>();
  /** Working orders, for GET /v1/orders. */
  readonly working = new Map<string, PaperOrder>();
  filled = 0;
  rejected = 0;
  /** TICKS sequence of the last tick the tape has seen: the stream's end less this is its backlog. */
  tapeStreamSeq = 0;
  /**
   * Ticks on this instance's filter not yet marked, as the server counts them (its marks consumer),
   * once that runs: a partition's instance counts only its own, not the stream sequences between.
   */
  ticksPending: (() => Promise<number | undefined>) | undefined;

  /**
   * Decisions waiting for ticks that have not happened yet: an order that has seen every tick of
   * the tape so far and is still working, and the orders queued behind it in its symbol. Each is
   * an unacked DECISIONS message, so once the bot has read and matched everything, its DECISIONS
   * backlog equals this count.
   */
  get pendingOrders(): number {
    let n = 0;
    for (const lane of this.lanes.values()) if (lane.headWaiting) n += lane.count;
    return n;
  }
  /** The kill switch: while halted no decision is filled. */
  halted = false;
  haltReason = '';
  /**
   * Whether this instance handles a venue+symbol (its `--partition`). Its consumers read only its
   * partition's subjects when the publishers are partitioned (`--partitions n`); what arrives of
   * other symbols anyway (plain layout) is counted: decisions acked unhandled, ticks not kept.
   */
  owns: (venue: string, symbol: string) => boolean = () => true;
  /** Decisions of other partitions acked without handling. */
  foreign = 0;
  /** Ticks of other partitions that reached this instance (plain layout): only the clock moved. */
  foreignTicks = 0;
  /** DECISIONS messages delivered to onDecision, this partition's and others'. */
  decisionsReceived = 0;
  /** Ticks delivered to onTick, this partition's and others'. */
  ticksReceived = 0;
  /** The subject each venue+symbol's ticks are stored on (the feed's layout), for read-backs. */
  readonly tickSubjects: TickSubjects;
  /** Lanes marked at their latest stored tick when first traded after a restart (unseen-lanes.ts). */
  private readonly unseenLanes: UnseenLanes;
  /** Called after every fill: the loss limit check. */
  afterFill: () => void = () => {};

  constructor(
    bus: Bus,
    readonly portfolio: Portfolio,
    private readonly opts: PaperBotOptions,
    private readonly log: Logger,
    registry: Registry,
  ) {
    this.publisher = new DurablePublisher(bus.js, { maxInFlight: 1000, readBack: bus.jsm });
    this.tickSubjects = opts.tickSubjects ?? new TickSubjects(bus.jsm);
    this.unseenLanes = new UnseenLanes(bus, {
      latestSeq: (venue, symbol) => this.tape.latestSeq(venue, symbol),
      mark: (venue, symbol, seq, price) => {
        this.tape.noteLatest(venue, symbol, seq);
        this.portfolio.mark(symbol, price);
      },
      subjectOf: (venue, symbol) => this.tickSubjects.of(venue, symbol),
    });
    this.metrics = botMetrics(registry);
    const lostAfterMs = opts.lostTickMs ?? 0;
    this.tape = new Tape(
      opts.tapeCapacity,
      opts.backfill,
      (venue, symbol, seq) =>
        log.warn({ venue, symbol, seq }, 'an order waits for a tick missing from TICKS below newer ones'),
      lostAfterMs > 0
        ? {
            afterMs: lostAfterMs,
            onLost: (venue, symbol, seq) => {
              this.metrics.lostTicks.inc();
              log.error(
                { venue, symbol, seq, waitedMs: lostAfterMs },
                'a tick missing from TICKS never came: the order passes over it, as the end of day does (--lost-tick-ms)',
              );
            },
          }
        : undefined,
    );
  }

  /**
   * Handles one DECISIONS message. The order joins its symbol's chain at once (decision order);
   * the returned promise resolves when the order is done and everything it caused is stored, so
   * the decision is acked only then.
   */
  onDecision(msg: BusMessage): Promise<void> | undefined {
    this.decisionsReceived++;
    let d: Decision;
    try {
      d = decode(msg.data) as Decision;
    } catch {
      this.metrics.bad.inc({ stream: 'DECISIONS' });
      this.log.warn({ subject: msg.subject }, 'decision is not JSON; skipped');
      return undefined;
    }
    const problem = decisionProblem(d);
    if (problem) {
      this.metrics.bad.inc({ stream: 'DECISIONS' });
      this.log.warn({ subject: msg.subject, problem }, 'unusable decision skipped');
      return undefined;
    }
    if (!this.owns(d.venue, d.symbol)) {
      this.foreign++;
      this.metrics.foreign.inc();
      return undefined; // another partition's instance handles it
    }
    const running = this.inProgress.get(d.id);
    if (running) return running;
    // Rejected or expired: stored (read from ORDERS at start), or being stored by this process.
    if (this.closedDecisions.has(d.id)) return this.unstoredEvents.get(d.id);
    // Filled in full before (a consumer whose ack floor went back redelivers old decisions): its
    // fills are stored (an order in flight is still in `inProgress`); nothing to run again.
    if (d.action !== 'FLAT' && this.decisionFills.filledQty(d.symbol, d.id)?.eq(d.qty)) return undefined;
    let lane = this.lanes.get(d.symbol);
    if (!lane) {
      lane = { tail: Promise.resolve(), count: 0, headWaiting: false };
      this.lanes.set(d.symbol, lane);
    }
    const own = lane;
    own.count++;
    // The next order of the symbol starts once this one is matched (its state applied); the decision
    // is acked once, in addition, everything it caused is stored.
    const matched = own.tail.then(() => this.execute(d, own));
    const done = matched.then((r) => r.stored);
    const tail = matched.then(
      () => {},
      () => {}, // a failed order must not stall the orders behind it
    );
    own.tail = tail;
    this.inProgress.set(d.id, done);
    const forget = () => {
      if (this.inProgress.get(d.id) === done) this.inProgress.delete(d.id);
    };
    done.then(forget, forget);
    void tail.then(() => {
      own.headWaiting = false;
      if (--own.count === 0 && this.lanes.get(d.symbol) === own) this.lanes.delete(d.symbol);
    });
    return done;
  }

  /**
   * Takes up, in stream order, the decisions a previous process left unacked (read from DECISIONS
   * at start), before any new one: the consumer delivers new decisions at once but redelivers the
   * unacked only after their ack wait, so a later decision of a symbol would otherwise run before
   * an earlier order is finished (a FLAT would close the wrong quantity). The redelivery, when it
   * comes, joins the order already running, or finds it done.
   */
  resume(unacked: readonly BusMessage[]): void {
    for (const m of unacked) this.onDecision(m)?.catch(() => {}); // failures: the redelivery retries
  }

  /**
   * Handles one TICKS message: marks its symbol and extends the tape orders match against.
   * Returns the tick's exchange time, or undefined for an unusable message (counted).
   */
  onTick(msg: BusMessage): number | undefined {
    this.tapeStreamSeq = msg.streamSeq;
    this.ticksReceived++;
    let t: {
      venue?: unknown;
      symbol?: unknown;
      price?: unknown;
      size?: unknown;
      seq?: unknown;
      ts?: unknown;
    };
    try {
      t = decodeTick(msg.data) as typeof t;
    } catch {
      this.metrics.bad.inc({ stream: 'TICKS' });
      return undefined;
    }
    const { venue, symbol, price, size, seq, ts } = t;
    if (
      !isValidSymbol(symbol) ||
      !isDecimalString(price) ||
      !isDecimalString(size) ||
      typeof venue !== 'string' ||
      !Number.isSafeInteger(seq) ||
      !Number.isSafeInteger(ts)
    ) {
      this.metrics.bad.inc({ stream: 'TICKS' });
      return undefined;
    }
    // Marked at the latest trade by seq, as the batch layer's close: a tick stored late (the feed
    // re-sent it after a broker hiccup) is older than what the tape already has (kept, not marked).
    if (!this.owns(venue, symbol)) {
      this.foreignTicks++;
      return ts as number; // another partition's: only the clock moves
    }
    this.tickSubjects.seen(venue, symbol, msg.subject);
    const tick = { seq: seq as number, ts: ts as number, price, size, streamSeq: msg.streamSeq };
    if (this.tape.push(venue, symbol, tick)) this.portfolio.mark(symbol, price);
    return ts as number;
  }

  /**
   * Stops working: every order still waiting for ticks (and every one queued behind it) fails with
   * OrderAbandonedError, so its decision is not acked and comes back to the next process, which
   * recomputes the same fills from the stream.
   */
  abandonOrders(): void {
    this.stopping = true;
    for (const abandon of this.abandons) abandon();
    this.abandons.clear();
  }

  /**
   * Runs one order to its end (filled, expired or rejected), applying its fills as they happen.
   * Resolves then, with the promise of everything it caused being stored (wrapped in an object: an
   * async function would adopt a returned promise, and the lane need not wait for the PubAcks).
   */
  private async execute(d: Decision, lane: Lane): Promise<{ stored: Promise<void> }> {
    if (this.stopping) throw new OrderAbandonedError(`order for ${d.id} not started: the bot is stopping`);
    const before = this.decisionFills.positionBefore(this.portfolio, d);
    const order = new PaperOrder(d, before.toFixed(), this.opts.execution);
    if (order.state !== 'WORKING' || !order.side) return { stored: Promise.resolve() }; // a FLAT with nothing to close
    const verdict = this.preTradeCheck(d, order, before);
    if (verdict) {
      if (this.decisionFills.has(d.symbol, d.id) || this.portfolio.hasApplied(fillId(d.id))) {
        // Some of it was filled before a restart: finishing it is not a new risk.
        this.log.info({ decision: d.id }, 'resuming a partly filled order despite the risk check');
      } else return { stored: this.reject(d, order, verdict) };
    }
    await this.unseenLanes.markIfUnseen(d.venue, d.symbol);
    this.working.set(d.id, order);
    const stored: Promise<void>[] = [];
    let abandon = () => {};
    try {
      await new Promise<void>((resolve, reject) => {
        const from: BackfillFrom =
          d.tickStreamSeq !== undefined
            ? { streamSeq: d.tickStreamSeq + 1 }
            : { since: new Date(Math.floor(d.decidedAt / 1000) - 60_000) };
        let stop: (() => void) | undefined;
        let finished = false;
        const onTick = (tick: Parameters<PaperOrder['onTick']>[0]): boolean => {
          if (finished) return true;
          const fill = order.onTick(tick);
          if (fill) stored.push(this.record(fill));
          if (order.state !== 'WORKING') {
            finished = true;
            stop?.();
            resolve();
          }
          return finished;
        };
        abandon = () => {
          if (finished) return;
          finished = true;
          stop?.();
          reject(new OrderAbandonedError(`order for ${d.id} abandoned: the bot is stopping`));
        };
        this.abandons.add(abandon);
        if (this.stopping) abandon();
        this.tape.follow(d.venue, d.symbol, d.tickSeq, from, onTick, reject).then((s) => {
          stop = s;
          if (finished) s();
          else lane.headWaiting = true; // it has seen the whole tape: it waits for the next tick
        }, reject);
      });
    } finally {
      this.working.delete(d.id);
      this.abandons.delete(abandon);
    }
    if (order.expiredAt > 0) {
      this.metrics.expired.inc();
      stored.push(
        this.publishEvent(d, order, 'EXPIRED', {
          reason: 'TTL',
          message: `${order.remainingQty} of ${order.qty.toFixed()} unfilled after the order's time to live`,
        }),
      );
    }
    return { stored: Promise.all(stored).then(() => {}) };
  }

  /** libs/paper's check, the backtest's too (services/cli/src/backtest/risk-gate.ts). */
  private preTradeCheck(d: Decision, order: PaperOrder, before: Dec): RiskVerdict | undefined {
    return preTradeCheck(this.opts.limits, this, {
      symbol: d.symbol,
      side: order.side as 'BUY' | 'SELL',
      qty: order.qty,
      positionBefore: before,
      refPrice: d.refPrice,
      grossOfOthers: this.portfolio.grossExposure(d.symbol),
    });
  }

  /**
   * Applies a fill and stores it in FILLS, once. A fill already applied (recomputed for a redelivered
   * decision) is not published again: it came from FILLS at start, or this process published it
   * (then the answer is that publish's). The stream's duplicate window is not relied on: a
   * redelivery may come long after it.
   */
  private record(fill: Fill): Promise<void> {
    if (!this.portfolio.apply(fill)) return this.unstoredFills.get(fill.id) ?? Promise.resolve();
    this.decisionFills.add(fill);
    this.filled++;
    this.metrics.fills.inc({ side: fill.side });
    this.afterFill();
    return this.track(
      this.unstoredFills,
      fill.id,
      this.publisher.publishAcked(subjects.fill(fill.symbol), fill, fill.id),
    );
  }

  /** Keeps a publish in `map` until acknowledged (a failed one stays: the service stops on it). */
  private track(map: Map<string, Promise<void>>, key: string, acked: Promise<void>): Promise<void> {
    map.set(key, acked);
    acked.then(
      () => {
        if (map.get(key) === acked) map.delete(key);
      },
      () => {},
    );
    return acked;
  }

  /** Decisions whose order runs or whose fills are not all stored yet: unacked. */
  inHand(): string[] {
    return [...this.inProgress.keys()];
  }

  /** Fills and order events published and not yet acknowledged: what a stop could leave behind. */
  unstored(): { fills: string[]; orderEvents: string[] } {
    return { fills: [...this.unstoredFills.keys()], orderEvents: [...this.unstoredEvents.keys()] };
  }

  private reject(d: Decision, order: PaperOrder, verdict: RiskVerdict): Promise<void> {
    this.rejected++;
    this.metrics.rejected.inc({ reason: verdict.reason });
    this.log.warn({ decision: d.id, ...verdict }, 'decision rejected');
    return this.publishEvent(d, order, 'REJECTED', verdict);
  }

  private publishEvent(
    d: Decision,
    order: PaperOrder,
    status: OrderEvent['status'],
    why: { reason: string; message: string },
  ): Promise<void> {
    // Once per decision: a closed decision is never executed again (onDecision).
    this.closedDecisions.add(d.id);
    const event = orderEvent(d, order, status, why, Date.now() * 1000);
    const subject = subjects.orderEvent(status === 'REJECTED' ? 'rejected' : 'expired', d.symbol);
    return this.track(this.unstoredEvents, d.id, this.publisher.publishAcked(subject, event, event.id));
  }
}
