import { type Static, Type } from '@tickflow/strategy';

/** Money and quantities are exact decimal strings; ratios are numbers (null when undefined). */
const Decimal = Type.String({ pattern: '^-?\\d+(\\.\\d+)?$' });
const Ratio = Type.Union([Type.Number(), Type.Null()]);

export const BacktestReportSchema = Type.Object(
  {
    id: Type.String(),
    createdAt: Type.String({ description: 'ISO time the run finished' }),
    config: Type.Object({
      from: Type.String(),
      to: Type.String(),
      symbols: Type.Union([Type.Array(Type.String()), Type.Null()]),
      strategies: Type.Union([Type.String(), Type.Null()]),
      strategyFingerprint: Type.String(),
      execution: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
      cash: Decimal,
    }),
    days: Type.Array(
      Type.Object({
        date: Type.String(),
        source: Type.Union([Type.Literal('archive'), Type.Literal('db'), Type.Literal('none')]),
        ticks: Type.Integer(),
        decisions: Type.Integer(),
        fills: Type.Integer(),
        equity: Decimal,
        pnl: Decimal,
        /** Σ |qty × last price| over the positions at the day's close. */
        grossExposure: Decimal,
      }),
    ),
    ticks: Type.Integer(),
    decisions: Type.Integer(),
    fills: Type.Integer(),
    /** Orders whose rest expired (TTL) and orders still working when the last tape ended. */
    expiredOrders: Type.Integer(),
    openOrders: Type.Integer(),
    /** Ticks the engine skipped as at or below a lane's last seq (a date whose seqs restart). */
    duplicateTicks: Type.Integer(),
    paused: Type.Array(
      Type.Object({
        venue: Type.String(),
        symbol: Type.String(),
        tickSeq: Type.Number(),
        error: Type.String(),
      }),
    ),
    symbols: Type.Array(
      Type.Object({
        symbol: Type.String(),
        qty: Decimal,
        realized: Decimal,
        unrealized: Decimal,
        fees: Decimal,
        net: Decimal,
        lastPrice: Type.String(),
      }),
    ),
    pnl: Type.Object({
      total: Decimal,
      realized: Decimal,
      unrealized: Decimal,
      fees: Decimal,
      startEquity: Decimal,
      endEquity: Decimal,
    }),
    turnover: Decimal,
    maxDrawdown: Decimal,
    maxDrawdownPct: Ratio,
    sharpe: Ratio,
    sortino: Ratio,
    trades: Type.Integer(),
    winRate: Ratio,
    profitFactor: Ratio,
    /** Mean over the days with ticks of gross exposure / equity at the close. */
    exposure: Ratio,
    replay: Type.Object({ seconds: Type.Number(), ticksPerSecond: Type.Number() }),
  },
  { $id: 'https://tickflow.dev/schemas/backtest-report.json', title: 'tickflow backtest report' },
);

export type BacktestReport = Static<typeof BacktestReportSchema>;
