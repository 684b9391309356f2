import { Type } from 'typebox';

/** Response schemas (TypeBox): they validate our output shape and speed up serialisation. */
export const ErrorBody = Type.Object({ error: Type.String(), message: Type.String() });

const Indicators = Type.Record(Type.String(), Type.Number());

export const DecisionBody = Type.Object({
  v: Type.Literal(1),
  id: Type.String(),
  strategy: Type.String(),
  venue: Type.String(),
  symbol: Type.String(),
  action: Type.Union([Type.Literal('BUY'), Type.Literal('SELL'), Type.Literal('FLAT')]),
  qty: Type.String(),
  refPrice: Type.String(),
  limitPrice: Type.Optional(Type.String({ description: 'a limit order at this price; absent: market' })),
  tickSeq: Type.Integer(),
  tickTs: Type.Integer(),
  tickStreamSeq: Type.Optional(Type.Integer({ description: 'TICKS stream sequence of the deciding tick' })),
  tickRecvTs: Type.Optional(
    Type.Integer({ description: 'feed receive time of the deciding tick, epoch µs' }),
  ),
  decidedAt: Type.Integer(),
  reason: Type.String(),
  indicators: Indicators,
});

export const SymbolViewBody = Type.Object({
  venue: Type.String(),
  symbol: Type.String(),
  lastSeq: Type.Integer(),
  indicators: Indicators,
  lastDecision: Type.Union([DecisionBody, Type.Null()]),
  lastTs: Type.Optional(Type.Integer({ description: 'exchange time of the last tick applied, epoch µs' })),
  paused: Type.Optional(
    Type.Union([Type.Object({ tickSeq: Type.Integer(), error: Type.String() }), Type.Null()], {
      description:
        'set when the strategy threw or returned something invalid at tickSeq: it decides nothing more',
    }),
  ),
});

export const SymbolParams = Type.Object({ symbol: Type.String({ minLength: 1, maxLength: 41 }) });

export const SymbolListBody = Type.Object({ symbols: Type.Array(Type.String()) });
export const SignalsListBody = Type.Object({ signals: Type.Array(SymbolViewBody) });

export const IndicatorsQuery = Type.Object({
  names: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9_]+(,[A-Za-z0-9_]+)*$',
      description: 'comma-separated names, e.g. sma10,sma30',
    }),
  ),
});
export const IndicatorsBody = Type.Object({
  symbol: Type.String(),
  venue: Type.String(),
  lastSeq: Type.Integer(),
  indicators: Type.Record(Type.String(), Type.Number()),
});

export const DecisionsQuery = Type.Object({
  symbol: Type.Optional(Type.String({ maxLength: 41 })),
  since: Type.Optional(
    Type.String({ format: 'date-time', description: 'ISO 8601; decisions stored at or after it' }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
export const DecisionsBody = Type.Object({ decisions: Type.Array(DecisionBody) });

export const BarsQuery = Type.Object({
  interval: Type.Optional(
    Type.Union([Type.Literal('1s'), Type.Literal('1m'), Type.Literal('5m')], { default: '1m' }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 120, default: 100 })),
});
const BarBody = Type.Object({
  ts: Type.Integer({ description: 'bar start, epoch µs (exchange time)' }),
  open: Type.Number(),
  high: Type.Number(),
  low: Type.Number(),
  close: Type.Number(),
  volume: Type.Number(),
  trades: Type.Integer(),
  indicators: Type.Optional(
    Type.Record(Type.String(), Type.Number(), {
      description: 'the strategy’s indicators as of the bar’s last trade (completed bars)',
    }),
  ),
});
export const BarsBody = Type.Object({
  symbol: Type.String(),
  interval: Type.String(),
  bars: Type.Array(BarBody),
  forming: Type.Union([BarBody, Type.Null()]),
});

// Dashboard: the bot's bodies are relayed as the bot sent them (its own schemas describe them).
export const DashboardBotBody = Type.Object({
  url: Type.String(),
  reachable: Type.Boolean(),
  error: Type.Optional(Type.String()),
  account: Type.Optional(Type.Unknown()),
  pnl: Type.Optional(Type.Unknown()),
  positions: Type.Optional(Type.Unknown()),
});
export const DashboardFeedBody = Type.Object({
  feed: Type.Object({
    url: Type.String(),
    reachable: Type.Boolean(),
    error: Type.Optional(Type.String()),
    published: Type.Optional(Type.Number({ description: 'ticks sent to TICKS' })),
    confirmed: Type.Optional(Type.Number()),
    rejected: Type.Optional(Type.Record(Type.String(), Type.Number(), { description: 'by reason code' })),
    duplicates: Type.Optional(Type.Number()),
    outOfOrder: Type.Optional(Type.Number()),
    outboxMessages: Type.Optional(Type.Number()),
    resent: Type.Optional(Type.Number()),
    dropped: Type.Optional(Type.Number()),
    stale: Type.Optional(Type.Boolean({ description: 'the source has gone silent' })),
  }),
  signals: Type.Object({
    consumed: Type.Integer({ description: 'ticks applied since start' }),
    decided: Type.Integer(),
    lastTickAgeMs: Type.Union([Type.Number(), Type.Null()], { description: 'wall time since the last tick' }),
    backlog: Type.Union([Type.Integer(), Type.Null()]),
    clients: Type.Integer({ description: 'open /v1/stream sockets' }),
    serverTime: Type.Integer({ description: 'epoch ms, for rates' }),
  }),
});
