import { type Bus, type BusMessage, DurablePublisher, decode, subjects } from '@tickflow/bus';
import { type Decision, decisionProblem, isDecimalString, isValidSymbol } from '@tickflow/core';
import { type FillModel, fillDecision, type Portfolio } from '@tickflow/paper';
import { Counter, type Logger, type Registry } from '@tickflow/runtime';

/**
 * The paper-trading bot: each decision becomes a fill (published to FILLS and acknowledged before
 * the decision is acked) applied to the portfolio; each tick marks its symbol. The fill id derives
 * from the decision id, so a redelivered decision is neither filled nor applied twice.
 */
export class PaperBot {
  private readonly publisher: DurablePublisher;
  private readonly fills: Counter<'side'>;
  private readonly bad: Counter<'stream'>;
  filled = 0;
  /** The kill switch: while halted no decision is filled. */
  halted = false;
  haltReason = '';
  private readonly rejected: Counter<'reason'>;

  constructor(
    bus: Bus,
    readonly portfolio: Portfolio,
    private readonly model: FillModel,
    private readonly log: Logger,
    registry: Registry,
  ) {
    this.publisher = new DurablePublisher(bus.js, { maxInFlight: 1000 });
    this.fills = new Counter({
      name: 'tickflow_bot_fills_total',
      help: 'Fills published',
      labelNames: ['side'],
      registers: [registry],
    });
    this.rejected = new Counter({
      name: 'tickflow_bot_decisions_rejected_total',
      help: 'Decisions not filled, by reason',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.bad = new Counter({
      name: 'tickflow_bot_bad_messages_total',
      help: 'Messages that were not usable decisions or ticks',
      labelNames: ['stream'],
      registers: [registry],
    });
  }

  /**
   * Handles one DECISIONS message: the fill is applied now (in decision order); the returned
   * promise resolves once FILLS has stored it, so the decision is acked only then.
   */
  onDecision(msg: BusMessage): Promise<void> | undefined {
    let d: Partial<Decision>;
    try {
      d = decode(msg.data) as Partial<Decision>;
    } catch {
      this.bad.inc({ stream: 'DECISIONS' });
      this.log.warn({ subject: msg.subject }, 'decision is not JSON; skipped');
      return undefined;
    }
    const problem = decisionProblem(d);
    if (problem) {
      this.bad.inc({ stream: 'DECISIONS' });
      this.log.warn({ subject: msg.subject, problem }, 'unusable decision skipped');
      return undefined;
    }
    if (this.halted) {
      // Halted (kill switch): decisions are logged and rejected with the reason, never filled.
      this.rejected.inc({ reason: 'HALTED' });
      this.log.warn({ decision: d.id, reason: this.haltReason }, 'decision rejected: bot halted');
      return undefined;
    }
    const position = this.portfolio.position((d as Decision).symbol)?.qty ?? '0';
    const fill = fillDecision(d as Decision, this.model, position);
    if (!fill || this.portfolio.hasApplied(fill.id)) return undefined;
    this.portfolio.apply(fill);
    this.filled++;
    this.fills.inc({ side: fill.side });
    return this.publisher.publishAcked(subjects.fill(fill.symbol), fill, fill.id);
  }

  onTick(msg: BusMessage): void {
    let t: { symbol?: unknown; price?: unknown };
    try {
      t = decode(msg.data) as typeof t;
    } catch {
      this.bad.inc({ stream: 'TICKS' });
      return;
    }
    if (!isValidSymbol(t.symbol) || !isDecimalString(t.price)) {
      this.bad.inc({ stream: 'TICKS' });
      return;
    }
    this.portfolio.mark(t.symbol, t.price);
  }
}
