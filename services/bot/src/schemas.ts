import { Type } from 'typebox';

/** The bodies of the bot's REST API (routes/*.ts): exact decimal strings for money and quantities. */

const Money = Type.String({ description: 'decimal string, 8 places' });

export const ErrorBody = Type.Object({ error: Type.String(), message: Type.String() });

export const PnlBody = Type.Object({
  realized: Money,
  unrealized: Money,
  fees: Money,
  net: Money,
  cash: Money,
  equity: Money,
  fills: Type.Integer(),
});

export const PositionBody = Type.Object({
  symbol: Type.String(),
  qty: Type.String(),
  avgCost: Type.String(),
  realizedPnl: Money,
  unrealizedPnl: Money,
  fees: Money,
  lastPrice: Type.String(),
});

export const AccountBody = Type.Object({
  cash: Money,
  equity: Money,
  initialCash: Type.String(),
  halted: Type.Boolean(),
  haltReason: Type.String(),
  day: Type.String({ description: 'UTC date of the trading day, from the ticks (exchange time)' }),
  dayOpenEquity: Money,
  dayPnl: Money,
  fills: Type.Integer(),
  rejected: Type.Integer(),
  workingOrders: Type.Integer(),
  tapeStreamSeq: Type.Integer({ description: 'TICKS sequence of the last tick marked and taped' }),
  ticksBacklog: Type.Union([Type.Integer(), Type.Null()], {
    description: 'ticks on this instance’s filter (its partition’s) not yet marked; null when unknown',
  }),
  pendingOrders: Type.Integer({
    description: 'decisions taken but not done (working or queued behind one): they wait for later ticks',
  }),
});

export const OrderBody = Type.Object({
  decisionId: Type.String(),
  symbol: Type.String(),
  side: Type.Union([Type.Literal('BUY'), Type.Literal('SELL')]),
  qty: Type.String(),
  filled: Type.String(),
  remaining: Type.String(),
  decidedTs: Type.Integer({ description: 'exchange time of the deciding tick, epoch µs' }),
});

export const HaltBody = Type.Object({ halted: Type.Boolean(), reason: Type.String() });

export const FillBody = Type.Object({
  v: Type.Literal(1),
  id: Type.String(),
  decisionId: Type.String(),
  symbol: Type.String(),
  side: Type.Union([Type.Literal('BUY'), Type.Literal('SELL')]),
  qty: Type.String(),
  price: Type.String(),
  fee: Type.String(),
  ts: Type.Integer(),
});

export const badSymbol = (symbol: string) => ({ error: 'BAD_SYMBOL', message: `not a symbol: ${symbol}` });
