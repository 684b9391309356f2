import { type Bus, type BusMessage, decode, TickSubjects } from '@tickflow/bus';
import { type Dec, type Decision, decisionProblem, type Fill, type OrderEvent } from '@tickflow/core';
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
import { type Lane, OrderLanes } from './order-lanes.ts';
import { OrderPublications } from './order-publications.ts';
import type { Tape } from './tape.ts';
import { TapeOrders } from './tape-orders.ts';
import { tickFieldsOf } from './tick-message.ts';
import { UnseenLanes } from './unseen-lanes.ts';

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
  private readonly publications: OrderPublications;
  private readonly metrics: ReturnType<typeof botMetrics>;
  readonly tape: Tape;
  readonly decisionFills = new DecisionFills();
  /** Decisions the bot rejected or expired (from ORDERS at start, then its own): never re-executed. */
  readonly closedDecisions = new Set<string>();
  /** Each symbol's order chain, and the orders in progress by decision id. */
  private readonly lanes = new OrderLanes();
  /** The tape and the orders run against it; abandons those waiting when the bot stops. */
  private readonly tapeOrders: TapeOrders;
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
    return this.lanes.waitingForTicks;
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
    this.publications = new OrderPublications(bus);
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
    this.tapeOrders = new TapeOrders(opts, log, () => this.metrics.lostTicks.inc());
    this.tape = this.tapeOrders.tape;
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
    const running = this.lanes.running(d.id);
    if (running) return running;
    // Rejected or expired: stored (read from ORDERS at start), or being stored by this process.
    if (this.closedDecisions.has(d.id)) return this.publications.unstoredEvent(d.id);
    // Filled in full before (a consumer whose ack floor went back redelivers old decisions): its
    // fills are stored (an order in flight is still in progress in `lanes`); nothing to run again.
    if (d.action !== 'FLAT' && this.decisionFills.filledQty(d.symbol, d.id)?.eq(d.qty)) return undefined;
    return this.lanes.enqueue(d, (lane) => this.execute(d, lane));
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
    const t = tickFieldsOf(msg.data);
    if (!t) {
      this.metrics.bad.inc({ stream: 'TICKS' });
      return undefined;
    }
    const { venue, symbol, price, size, seq, ts } = t;
    // Marked at the latest trade by seq, as the batch layer's close: a tick stored late (the feed
    // re-sent it after a broker hiccup) is older than what the tape already has (kept, not marked).
    if (!this.owns(venue, symbol)) {
      this.foreignTicks++;
      return ts; // another partition's: only the clock moves
    }
    this.tickSubjects.seen(venue, symbol, msg.subject);
    const tick = { seq, ts, price, size, streamSeq: msg.streamSeq };
    if (this.tape.push(venue, symbol, tick)) this.portfolio.mark(symbol, price);
    return ts;
  }

  /**
   * Stops working: every order still waiting for ticks (and every one queued behind it) fails with
   * OrderAbandonedError, so its decision is not acked and comes back to the next process, which
   * recomputes the same fills from the stream.
   */
  abandonOrders(): void {
    this.tapeOrders.abandonAll();
  }

  /**
   * Runs one order to its end (filled, expired or rejected), applying its fills as they happen.
   * Resolves then, with the promise of everything it caused being stored (wrapped in an object: an
   * async function would adopt a returned promise, and the lane need not wait for the PubAcks).
   */
  private async execute(d: Decision, lane: Lane): Promise<{ stored: Promise<void> }> {
    this.tapeOrders.checkStart(d);
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
    try {
      await this.tapeOrders.follow(
        d,
        order,
        (fill) => stored.push(this.record(fill)),
        () => {
          lane.headWaiting = true;
        },
      );
    } finally {
      this.working.delete(d.id);
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
    if (!this.portfolio.apply(fill)) return this.publications.unstoredFill(fill.id) ?? Promise.resolve();
    this.decisionFills.add(fill);
    this.filled++;
    this.metrics.fills.inc({ side: fill.side });
    this.afterFill();
    return this.publications.fill(fill);
  }

  /** Decisions whose order runs or whose fills are not all stored yet: unacked. */
  inHand(): string[] {
    return this.lanes.decisionIds();
  }

  /** Fills and order events published and not yet acknowledged: what a stop could leave behind. */
  unstored(): { fills: string[]; orderEvents: string[] } {
    return this.publications.unstored();
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
    return this.publications.orderEvent(d, order, status, why);
  }
}
