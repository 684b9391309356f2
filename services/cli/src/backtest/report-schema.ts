import { type Static, Type } from '@tickflow/strategy';

/** Money and quantities are exact decimal strings; ratios are numbers (null when undefined). */
const Decimal = Type.String({ pattern: '^-?\\d+(\\.\\d+)?$' });
const Ratio = Type.Union([Type.Number(), Type.Null()]);

const GridValue = Type.Union([Type.Number(), Type.String()]);
/** One combination of a grid: parameter name (as in --grid) → value. */
const Params = Type.Record(Type.String(), GridValue);

/** What one replay of a date range gives: the body of a report, and a grid job's result. */
export const BacktestFiguresSchema = Type.Object({
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
  /** Orders the bot's risk limits refused (`--max-position` …), and how many by reason. */
  rejectedOrders: Type.Integer(),
  rejections: Type.Record(Type.String(), Type.Integer()),
  /** Where the daily loss limit halted the run (each walk-forward window may halt once). */
  halts: Type.Array(Type.Object({ date: Type.String(), reason: Type.String() })),
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
  /** Winning trades; Σ results of the winning and |Σ| of the losing trades (absent in older reports). */
  wins: Type.Optional(Type.Integer()),
  grossProfit: Type.Optional(Decimal),
  grossLoss: Type.Optional(Decimal),
  winRate: Ratio,
  profitFactor: Ratio,
  /** Mean over the days with ticks of gross exposure / equity at the close. */
  exposure: Ratio,
  replay: Type.Object({ seconds: Type.Number(), ticksPerSecond: Type.Number() }),
});

export type BacktestFigures = Static<typeof BacktestFiguresSchema>;

/** `--grid`: one row per combination, in grid order (the first parameter varies slowest). */
const GridSchema = Type.Object({
  spec: Type.String({ description: 'the --grid value as given' }),
  metric: Type.String(),
  params: Type.Array(Type.String()),
  rows: Type.Array(
    Type.Object({
      params: Params,
      /** Why the combination was not run (the strategy refused its parameters). */
      error: Type.Optional(Type.String()),
      metric: Ratio,
      pnl: Type.Union([Decimal, Type.Null()]),
      sharpe: Ratio,
      sortino: Ratio,
      calmar: Ratio,
      maxDrawdownPct: Ratio,
      trades: Type.Integer(),
      winRate: Ratio,
      profitFactor: Ratio,
    }),
  ),
  /** Index in rows of the best combination by the metric (the report's body is its run); null: none ran. */
  best: Type.Union([Type.Integer(), Type.Null()]),
});

/** `--walk-forward`: each window's choice on its training days and its out-of-sample result. */
const WalkForwardSchema = Type.Object({
  trainDays: Type.Integer(),
  testDays: Type.Integer(),
  metric: Type.String(),
  windows: Type.Array(
    Type.Object({
      train: Type.Object({ from: Type.String(), to: Type.String() }),
      test: Type.Object({ from: Type.String(), to: Type.String() }),
      params: Params,
      /** The chosen combination's metric on the training days (null when no combination had one). */
      trainMetric: Ratio,
      candidates: Type.Integer(),
      ticks: Type.Integer(),
      trades: Type.Integer(),
      /** The test window's own net P&L (each window starts flat, on the starting cash). */
      pnl: Decimal,
      /** The stitched equity at the end of the window. */
      equity: Decimal,
    }),
  ),
});

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
      /** The bot's risk limits ('' = no limit). */
      limits: Type.Object({
        maxPosition: Type.String(),
        maxNotional: Type.String(),
        maxGrossExposure: Type.String(),
        dailyLossLimit: Type.String(),
      }),
      cash: Decimal,
    }),
    // The figures of the run (the best combination's, for a grid), as a grid job gives them.
    ...BacktestFiguresSchema.properties,
    grid: Type.Optional(GridSchema),
    walkForward: Type.Optional(WalkForwardSchema),
  },
  { $id: 'https://tickflow.dev/schemas/backtest-report.json', title: 'tickflow backtest report' },
);

export type BacktestReport = Static<typeof BacktestReportSchema>;
