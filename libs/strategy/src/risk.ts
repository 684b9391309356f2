import { Dec, type Decision, dec, MICROS_PER_DAY, type Micros, plain, type Tick } from '@tickflow/core';
import { type IndicatorState, IndicatorStateError } from '@tickflow/indicators';
import { checkQty, readState } from './internal.ts';
import type { Strategy } from './strategy.ts';

/** How much each decision trades: a fixed qty, or a notional amount at the tick price. */
export type Sizing =
  | { kind: 'fixed'; qty: string }
  /** qty = notional / price, rounded DOWN to `qtyDecimals` places (never more than the notional). */
  | { kind: 'notional'; notional: string; qtyDecimals: number };

/**
 * The order a decision asks for: market (the default), or a limit `offsetBps` basis points better
 * than the tick price (below it to buy, above it to sell), resting until a tick trades through.
 */
export type OrderType = { type: 'market' } | { type: 'limit'; offsetBps: string };

/**
 * The limits that gate a strategy's decisions (every one optional; absent = no limit). Not the
 * paper broker's pre-trade `RiskLimits` (libs/paper), which check orders against the portfolio.
 */
export interface DecisionLimits {
  /** Largest |position| a decision may lead to, a decimal string. */
  maxPosition?: string;
  /** Largest |position| × tick price a decision may lead to, a decimal string. */
  maxNotional?: string;
  /** Least exchange time (tick ts) between two emitted decisions of the symbol, microseconds. */
  cooldownMicros?: number;
  /** UTC window 'HH:MM-HH:MM' of the tick's exchange ts; start inclusive, end exclusive; wraps midnight when start > end. */
  tradingHours?: string;
  /** The first N ticks of the symbol never emit a decision (the strategy still sees them). */
  warmUpTicks?: number;
}

/** Why a decision was blocked, in the order the checks run. */
export type RiskRejectReason =
  | 'warm-up'
  | 'trading-hours'
  | 'cooldown'
  | 'no-position'
  | 'zero-qty'
  | 'max-position'
  | 'max-notional';

export const RISK_REJECT_REASONS: readonly RiskRejectReason[] = [
  'warm-up',
  'trading-hours',
  'cooldown',
  'no-position',
  'zero-qty',
  'max-position',
  'max-notional',
];

export interface RiskRejection {
  reason: RiskRejectReason;
  /** Human text with the numbers, for logs. */
  detail: string;
  /** The decision the inner strategy wanted, as it would have been emitted. */
  decision: Decision;
}

export class TradingHoursError extends Error {
  override name = 'TradingHoursError';
}

const HOURS = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

/** Parses 'HH:MM-HH:MM' (UTC) into [start, end) microseconds since midnight. End may be 24:00. */
export function parseTradingHours(text: string): { start: number; end: number } {
  const m = HOURS.exec(text);
  const minute = 60 * 1_000_000;
  if (!m)
    throw new TradingHoursError(
      `trading hours must look like 'HH:MM-HH:MM' (UTC), got ${JSON.stringify(text)}`,
    );
  const start = (Number(m[1]) * 60 + Number(m[2])) * minute;
  const end = (Number(m[3]) * 60 + Number(m[4])) * minute;
  if (end > MICROS_PER_DAY) throw new TradingHoursError(`trading hours end after 24:00: ${text}`);
  if (start === end) throw new TradingHoursError(`trading hours window is empty: ${text}`);
  return { start, end };
}

/**
 * Position sizing and risk gates around any Strategy, applied before a decision leaves. Pure and
 * deterministic: it sees only ticks and the decisions, so the speed layer and a batch replay agree.
 *
 * The position is the one the emitted decisions imply — BUY adds qty, SELL subtracts, FLAT takes it
 * to 0 with qty = the |position| it closes — never fills, which only the bot sees. The inner strategy
 * sees every tick whatever the gate does, so its indicators never depend on the gates.
 *
 * A blocked decision is not emitted; as in NautilusTrader's RiskEngine, a failed check returns a
 * reason instead of throwing. Rejections are counted by reason (`rejections()`, for metrics) and the
 * last one is kept (`lastRejection`). Decision ids stay the inner strategy's (same name).
 */
export class GatedStrategy implements Strategy {
  readonly name: string;
  private ticks = 0;
  private position: Dec = new Dec(0);
  /** Exchange ts of the last emitted decision, null before any. */
  private lastDecisionTs: number | null = null;
  private counts: Record<RiskRejectReason, number> = zeroCounts();
  private hours: { start: number; end: number } | undefined;
  private last: RiskRejection | undefined;

  constructor(
    readonly inner: Strategy,
    readonly sizing: Sizing = { kind: 'fixed', qty: '1' },
    readonly limits: DecisionLimits = {},
    readonly order: OrderType = { type: 'market' },
  ) {
    this.name = inner.name;
    checkSizing(sizing);
    if (limits.tradingHours !== undefined) this.hours = parseTradingHours(limits.tradingHours);
  }

  onTick(tick: Tick, now: Micros): Decision | undefined {
    const r = this.check(tick, now);
    return 'decision' in r ? r.decision : undefined;
  }

  /** Feeds one tick; says whether a decision was emitted, rejected (and why), or none wanted. */
  check(tick: Tick, now: Micros): { decision: Decision } | { rejected: RiskRejection } | { none: true } {
    this.ticks++;
    const wanted = this.inner.onTick(tick, now);
    if (!wanted) return { none: true };
    const price = dec(tick.price);
    const qty = wanted.action === 'FLAT' ? this.position.abs() : this.size(price);
    const decision: Decision = { ...wanted, qty: plain(qty) };
    const limit = this.limitPrice(wanted.action, price);
    if (limit) decision.limitPrice = limit;
    const reject = (reason: RiskRejectReason, detail: string) => {
      this.counts[reason]++;
      this.last = { reason, detail, decision };
      return { rejected: this.last };
    };
    const { warmUpTicks, cooldownMicros, maxPosition, maxNotional } = this.limits;
    if (warmUpTicks !== undefined && this.ticks <= warmUpTicks)
      return reject('warm-up', `tick ${this.ticks} of a ${warmUpTicks}-tick warm-up`);
    if (this.hours && !this.inHours(tick.ts))
      return reject('trading-hours', `tick ts ${tick.ts} outside ${this.limits.tradingHours} UTC`);
    if (
      cooldownMicros !== undefined &&
      this.lastDecisionTs !== null &&
      tick.ts - this.lastDecisionTs < cooldownMicros
    )
      return reject(
        'cooldown',
        `${tick.ts - this.lastDecisionTs}µs since the last decision < ${cooldownMicros}µs`,
      );
    if (wanted.action === 'FLAT' && qty.isZero())
      return reject('no-position', 'FLAT with no position to close');
    if (qty.isZero()) return reject('zero-qty', `sizing gives qty 0 at price ${tick.price}`);
    const next =
      wanted.action === 'BUY'
        ? this.position.plus(qty)
        : wanted.action === 'SELL'
          ? this.position.minus(qty)
          : new Dec(0);
    if (maxPosition !== undefined && next.abs().gt(dec(maxPosition)))
      return reject('max-position', `|position| would be ${plain(next.abs())} > ${maxPosition}`);
    if (maxNotional !== undefined && next.abs().times(price).gt(dec(maxNotional)))
      return reject('max-notional', `notional would be ${plain(next.abs().times(price))} > ${maxNotional}`);
    this.position = next;
    this.lastDecisionTs = tick.ts;
    return { decision };
  }

  /** A limit `offsetBps` better than `price`, rounded half-even to 10 places; none for market. */
  private limitPrice(action: Decision['action'], price: Dec): string | undefined {
    if (this.order.type === 'market') return undefined;
    const buying = action === 'BUY' || (action === 'FLAT' && this.position.isNegative());
    const offset = dec(this.order.offsetBps).div(10_000);
    const factor = buying ? new Dec(1).minus(offset) : offset.plus(1);
    return plain(price.mul(factor).toDecimalPlaces(10, Dec.ROUND_HALF_EVEN));
  }

  private size(price: Dec): Dec {
    if (this.sizing.kind === 'fixed') return dec(this.sizing.qty);
    if (price.lte(0)) return new Dec(0);
    return dec(this.sizing.notional).div(price).toDecimalPlaces(this.sizing.qtyDecimals, Dec.ROUND_DOWN);
  }

  private inHours(ts: number): boolean {
    const { start, end } = this.hours as { start: number; end: number };
    const t = ((ts % MICROS_PER_DAY) + MICROS_PER_DAY) % MICROS_PER_DAY;
    return start < end ? t >= start && t < end : t >= start || t < end;
  }

  /** The position the emitted decisions imply, a decimal string. */
  positionQty(): string {
    return plain(this.position);
  }

  /** Rejections so far, by reason (every reason present, 0 when none). */
  rejections(): Record<RiskRejectReason, number> {
    return { ...this.counts };
  }

  get lastRejection(): RiskRejection | undefined {
    return this.last;
  }

  indicators(): Record<string, number> {
    return this.inner.indicators();
  }

  snapshot(): IndicatorState {
    return {
      kind: 'gated',
      inner: this.inner.snapshot(),
      ticks: this.ticks,
      position: plain(this.position),
      lastDecisionTs: this.lastDecisionTs,
      rejections: { ...this.counts },
    };
  }

  /** Restores the gate and the inner strategy. The last rejection is a log aid and is not kept. */
  restore(state: IndicatorState): void {
    const bad = (what: string) => new IndicatorStateError(`gated ${this.name}: bad ${what}`);
    if (state.kind !== 'gated') throw bad('kind');
    const inner = readState(state, 'inner', 'gated');
    const { ticks, position, lastDecisionTs } = state;
    if (typeof ticks !== 'number' || !Number.isSafeInteger(ticks) || ticks < 0) throw bad('ticks');
    if (typeof position !== 'string') throw bad('position');
    let pos: Dec;
    try {
      pos = dec(position);
    } catch {
      throw bad('position');
    }
    if (
      lastDecisionTs !== null &&
      (typeof lastDecisionTs !== 'number' || !Number.isSafeInteger(lastDecisionTs))
    )
      throw bad('lastDecisionTs');
    const saved = readState(state, 'rejections', 'gated');
    const counts = zeroCounts();
    for (const reason of RISK_REJECT_REASONS) {
      const n = saved[reason] ?? 0;
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw bad(`rejections.${reason}`);
      counts[reason] = n;
    }
    this.inner.restore(inner);
    this.ticks = ticks;
    this.position = pos;
    this.lastDecisionTs = lastDecisionTs;
    this.counts = counts;
    this.last = undefined;
  }
}

function zeroCounts(): Record<RiskRejectReason, number> {
  return Object.fromEntries(RISK_REJECT_REASONS.map((r) => [r, 0])) as Record<RiskRejectReason, number>;
}

/** Throws RangeError for a sizing no decision could use. */
function checkSizing(sizing: Sizing): void {
  if (sizing.kind === 'fixed') {
    checkQty('fixed sizing', sizing.qty);
    return;
  }
  checkQty('notional sizing', sizing.notional);
  if (!Number.isInteger(sizing.qtyDecimals) || sizing.qtyDecimals < 0 || sizing.qtyDecimals > 18)
    throw new RangeError(`notional sizing qtyDecimals must be an integer 0..18, got ${sizing.qtyDecimals}`);
}
