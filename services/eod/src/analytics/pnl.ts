import { Dec, money, plain, ZERO } from '@tickflow/core';
import type { HistoryConnection } from '@tickflow/history';
import { AvgCostBook, Drawdown, type PnlFill } from './pnl-book.ts';

export interface PnlRow {
  symbol: string;
  fills: number;
  boughtQty: string;
  soldQty: string;
  /** Σ qty × price of the fills (both sides). */
  turnover: string;
  fees: string;
  realised: string;
  /** The open position marked at the close (the symbol's last trade of the day). */
  unrealised: string;
  /** realised + unrealised − fees */
  net: string;
  position: string;
  avgCost: string | null;
  mark: string | null;
  roundTrips: number;
  wins: number;
  winRate: number | null;
  /** Largest fall of the minute-end equity curve from its running peak (which starts at 0). */
  maxDrawdown: string;
}

export interface PnlTotal
  extends Omit<PnlRow, 'symbol' | 'position' | 'avgCost' | 'mark' | 'boughtQty' | 'soldQty'> {
  /** The exact, unrounded net P&L (compared with the cash-flow form computed in SQL). */
  netExact: string;
}

/** The day's total equity (realised + unrealised − fees, all symbols) at the end of a minute. */
export interface EquityPoint {
  /** Minutes since the epoch (UTC). */
  minute: number;
  equity: string;
}

/** One symbol's trades of a minute: its last price by stream order (what the bot marks to). */
export interface MinuteMark {
  symbol: string;
  minute: number;
  price: string;
}

/**
 * P&L per symbol and in total from the day's FILLS (average cost), marked at each minute's last
 * trade for the intraday equity curve and at the day's last trade for unrealised P&L. Pure: the
 * DuckDB reads are in `pnlFromDuckDB`. The equity curve is sampled at the end of every minute in
 * which any symbol traded or filled; the total curve carries each symbol's last equity forward.
 */
export function computePnl(
  fills: PnlFill[],
  marks: MinuteMark[],
  closes: ReadonlyMap<string, string> = new Map(),
): PnlResult {
  const day = new PnlDay(marks, closes);
  const minuteOf = (ts: number) => Math.floor(ts / 60_000_000);
  const byMinute = groupBy(fills, (f) => minuteOf(f.ts));
  for (const m of [...byMinute.keys()].sort((a, b) => a - b)) day.fillsOf(m, byMinute.get(m) ?? []);
  return day.finish();
}

export interface PnlResult {
  symbols: PnlRow[];
  total: PnlTotal;
  curve: EquityPoint[];
}

/**
 * `computePnl` a minute at a time, for fills that come in order and are not all in memory: the
 * fills of each minute in turn (`fillsOf`, minutes ascending), then `finish`. Holds one book per
 * symbol and the curve (one point a minute), whatever the number of fills.
 */
export class PnlDay {
  private readonly books = new Map<string, AvgCostBook>();
  private readonly dds = new Map<string, Drawdown>();
  private readonly totalDd = new Drawdown();
  private readonly curve: EquityPoint[] = [];
  private readonly marksByMinute: Map<number, MinuteMark[]>;
  /** Minutes with marks, ascending, and the next one not yet applied. */
  private readonly markMinutes: number[];
  private nextMark = 0;
  private fills = 0;

  constructor(
    marks: MinuteMark[],
    private readonly closes: ReadonlyMap<string, string> = new Map(),
  ) {
    this.marksByMinute = groupBy(marks, (m) => m.minute);
    this.markMinutes = [...this.marksByMinute.keys()].sort((a, b) => a - b);
  }

  /** The fills of minute `m` in stream order; minutes must come in ascending order. */
  fillsOf(m: number, fills: readonly PnlFill[]): void {
    this.marksBefore(m);
    this.minute(m, fills);
  }

  /** Minutes with marks and no fills, before minute `m`. */
  private marksBefore(m: number): void {
    while (this.nextMark < this.markMinutes.length && (this.markMinutes[this.nextMark] as number) < m)
      this.minute(this.markMinutes[this.nextMark] as number, []);
  }

  private book(s: string): AvgCostBook {
    let b = this.books.get(s);
    if (!b) {
      b = new AvgCostBook();
      this.books.set(s, b);
      this.dds.set(s, new Drawdown());
    }
    return b;
  }

  private minute(m: number, fills: readonly PnlFill[]): void {
    const touched = new Set<string>();
    for (const f of fills) {
      this.book(f.symbol).apply(f);
      touched.add(f.symbol);
    }
    this.fills += fills.length;
    if (this.markMinutes[this.nextMark] === m) {
      this.nextMark++;
      for (const k of this.marksByMinute.get(m) ?? []) {
        // A symbol with trades but no fills yet has no P&L; it needs no book.
        const b = this.books.get(k.symbol);
        if (b) {
          b.tradeMark = new Dec(k.price);
          touched.add(k.symbol);
        }
      }
    }
    for (const s of touched) this.dds.get(s)?.observe(this.book(s).equity());
    let equity = ZERO;
    for (const b of this.books.values()) equity = equity.plus(b.equity());
    if (this.books.size > 0) {
      this.totalDd.observe(equity);
      this.curve.push({ minute: m, equity: plain(equity) });
    }
  }

  finish(): PnlResult {
    this.marksBefore(Number.POSITIVE_INFINITY);
    const { books, dds, totalDd, curve } = this;
    // The close is the day's last trade in stream order (what the bot marks to); normally the last
    // minute's mark already, but a late-stamped trade can make it differ.
    let changed = false;
    for (const [s, b] of books) {
      const close = this.closes.get(s);
      if (close !== undefined && !(b.tradeMark?.eq(close) ?? false)) {
        b.tradeMark = new Dec(close);
        dds.get(s)?.observe(b.equity());
        changed = true;
      }
    }
    if (changed) {
      const equity = [...books.values()].reduce((e, b) => e.plus(b.equity()), ZERO);
      totalDd.observe(equity);
      const last = curve.at(-1);
      if (last) last.equity = plain(equity); // the close's mark, at the last minute of the day
    }
    const symbols = [...books.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([symbol, b]): PnlRow => {
        const realised = money(b.realised);
        // Unrealised shown as the rounded gross less the rounded realised, so the parts add up.
        const gross = money(b.realised.plus(b.unrealised()));
        return {
          symbol,
          fills: b.fills,
          boughtQty: plain(b.boughtQty),
          soldQty: plain(b.soldQty),
          turnover: money(b.turnover),
          fees: money(b.fees),
          realised,
          unrealised: money(new Dec(gross).minus(realised)),
          net: money(b.equity()),
          position: plain(b.qty),
          avgCost: b.qty.isZero() ? null : plain(b.cost.div(b.qty).toDecimalPlaces(10)),
          mark: b.mark === undefined ? null : plain(b.mark),
          roundTrips: b.roundTrips,
          wins: b.wins,
          winRate: b.roundTrips ? b.wins / b.roundTrips : null,
          maxDrawdown: money(dds.get(symbol)?.max ?? ZERO),
        };
      });
    const all = [...books.values()];
    const sum = (f: (b: AvgCostBook) => Dec) => all.reduce((s, b) => s.plus(f(b)), ZERO);
    const trips = all.reduce((n, b) => n + b.roundTrips, 0);
    const wins = all.reduce((n, b) => n + b.wins, 0);
    const realised = money(sum((b) => b.realised));
    const gross = money(sum((b) => b.realised.plus(b.unrealised())));
    const net = sum((b) => b.equity());
    return {
      symbols,
      curve,
      total: {
        fills: this.fills,
        turnover: money(sum((b) => b.turnover)),
        fees: money(sum((b) => b.fees)),
        realised,
        unrealised: money(new Dec(gross).minus(realised)),
        net: money(net),
        netExact: plain(net),
        roundTrips: trips,
        wins,
        winRate: trips ? wins / trips : null,
        maxDrawdown: money(totalDd.max),
      },
    };
  }
}

function groupBy<T>(items: T[], key: (t: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = out.get(k);
    if (list) list.push(it);
    else out.set(k, [it]);
  }
  return out;
}

/**
 * The date's P&L from DuckDB: per-minute marks and closes first (symbols × minutes, bounded), then
 * the fills streamed in (ts, stream order) a chunk at a time through `PnlDay`, a minute at a time,
 * so a day of millions of fills is never in the heap at once.
 */
export async function pnlFromDuckDB(conn: HistoryConnection, date: string): Promise<PnlResult> {
  // The mark is the last trade by stream order, which is the order the bot saw them in.
  const marks = (
    await conn.rows(
      `
      SELECT symbol, ts // 60000000 AS minute, arg_max(price, stream_seq)::VARCHAR AS price
      FROM ticks WHERE trade_date = $date AND symbol IN (SELECT DISTINCT symbol FROM fills WHERE trade_date = $date)
      GROUP BY ALL`,
      { date },
    )
  ).map((r): MinuteMark => ({ symbol: String(r.symbol), minute: Number(r.minute), price: String(r.price) }));
  const closes = new Map(
    (
      await conn.rows(
        `
        SELECT symbol, arg_max(price, stream_seq)::VARCHAR AS price FROM ticks WHERE trade_date = $date GROUP BY symbol`,
        { date },
      )
    ).map((r) => [String(r.symbol), String(r.price)] as const),
  );
  const day = new PnlDay(marks, closes);
  let minute: number | undefined;
  let pending: PnlFill[] = [];
  await conn.eachRows(
    `SELECT symbol, side, qty::VARCHAR AS qty, price::VARCHAR AS price, fee::VARCHAR AS fee, ts::DOUBLE AS ts
    FROM fills WHERE trade_date = $date ORDER BY ts, stream_seq`,
    { date },
    (rows) => {
      for (const r of rows) {
        const f: PnlFill = {
          symbol: String(r.symbol),
          side: r.side === 'SELL' ? 'SELL' : 'BUY',
          qty: String(r.qty),
          price: String(r.price),
          fee: String(r.fee),
          ts: Number(r.ts),
        };
        const m = Math.floor(f.ts / 60_000_000);
        if (m !== minute) {
          if (minute !== undefined) day.fillsOf(minute, pending);
          minute = m;
          pending = [];
        }
        pending.push(f);
      }
    },
  );
  if (minute !== undefined) day.fillsOf(minute, pending);
  return day.finish();
}
