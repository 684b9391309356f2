import { type Dec, dec, money, utcDateOf, WIRE_VERSION } from '@tickflow/core';
import {
  type ExecutionModel,
  lossLimitHalt,
  type RiskLimits,
  type SessionSnapshot,
  sessionSnapshotName,
} from '@tickflow/paper';
import type { Logger } from '@tickflow/runtime';
import type { PaperBot } from './bot.ts';

const DAY_MICROS = 86_400_000_000;

/** Where snapshots and day-open equities are kept (the bot's NATS object store). */
export interface SessionStore {
  get(name: string): Promise<unknown>;
  put(name: string, value: unknown): Promise<void>;
}

/**
 * The trading day, in exchange time (UTC dates of the ticks): remembers the equity the day opened
 * with (stored, so a restart keeps it), halts the bot when the day's net P&L reaches the daily
 * loss limit, and stores a snapshot of positions and P&L when the day ends (the first tick of the
 * next date) and when the bot stops.
 */
export class TradingSession {
  day = '';
  dayOpenEquity: Dec;
  lastTickTs = 0;
  private dayStart = 0;
  private dayEnd = 0;

  constructor(
    private readonly bot: PaperBot,
    private readonly limits: RiskLimits,
    private readonly execution: ExecutionModel,
    private readonly store: SessionStore,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {
    this.dayOpenEquity = bot.portfolio.equity();
  }

  /** Called with each tick's exchange time; rolls the day when its UTC date changes. */
  onTickTime(ts: number): void {
    this.lastTickTs = ts;
    if (ts >= this.dayStart && ts < this.dayEnd) return; // the hot path: no date formatting
    const date = utcDateOf(ts);
    this.dayStart = Math.floor(ts / DAY_MICROS) * DAY_MICROS;
    this.dayEnd = this.dayStart + DAY_MICROS;
    if (date === this.day) return;
    const ended = this.day;
    if (ended) void this.saveSnapshot(ended);
    this.day = date;
    this.dayOpenEquity = this.bot.portfolio.equity();
    void this.openDay(date);
  }

  /** Halts the bot when the day's loss reached the limit. Cheap enough for every fill. */
  checkLossLimit(): void {
    if (this.bot.halted || !this.limits.dailyLossLimit) return;
    const pnl = this.dayPnl();
    const why = lossLimitHalt(this.limits, pnl);
    if (why) {
      this.bot.halted = true;
      this.bot.haltReason = why;
      this.log.error({ dayPnl: pnl, limit: this.limits.dailyLossLimit }, 'halted: daily loss limit reached');
    }
  }

  dayPnl(): string {
    return money(this.bot.portfolio.equity().minus(this.dayOpenEquity));
  }

  snapshot(date = this.day): SessionSnapshot {
    return {
      v: WIRE_VERSION,
      date,
      takenAt: Date.now() * 1000,
      lastTickTs: this.lastTickTs,
      execution: this.execution,
      dayOpenEquity: money(this.dayOpenEquity),
      dayPnl: this.dayPnl(),
      pnl: this.bot.portfolio.pnl(),
      positions: this.bot.portfolio.positions(),
      fills: this.bot.filled,
      rejected: this.bot.rejected,
      halted: this.bot.halted,
      haltReason: this.bot.haltReason,
    };
  }

  /**
   * Stores the snapshot of `date` (`<durable>.session.<date>`); failures are logged, not thrown.
   * Resolves with whether it is stored (true when there is no day yet: nothing to store).
   */
  async saveSnapshot(date = this.day): Promise<boolean> {
    if (!date) return true;
    const snap = this.snapshot(date);
    try {
      await this.store.put(sessionSnapshotName(this.prefix, date), snap);
      this.log.info({ date, equity: snap.pnl.equity, dayPnl: snap.dayPnl }, 'session snapshot stored');
      return true;
    } catch (err) {
      this.log.error({ err, date }, 'cannot store the session snapshot');
      return false;
    }
  }

  /** Restores the day's opening equity stored before a restart, or stores the one just taken. */
  private async openDay(date: string): Promise<void> {
    const name = `${this.prefix}.day-open.${date}`;
    try {
      const stored = (await this.store.get(name)) as { equity?: unknown } | undefined;
      if (typeof stored?.equity === 'string' && this.day === date) {
        this.dayOpenEquity = dec(stored.equity);
        this.checkLossLimit();
      } else await this.store.put(name, { equity: this.dayOpenEquity.toFixed(), at: Date.now() * 1000 });
    } catch (err) {
      this.log.warn({ err, date }, 'cannot read or store the day-open equity; using the current equity');
    }
  }
}
