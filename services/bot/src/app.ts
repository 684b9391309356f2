import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { type Bus, decode, readRecent, subjects } from '@tickflow/bus';
import { type Fill, fillProblem, isValidSymbol } from '@tickflow/core';
import { createHttpApp, type HttpSecurity, type Registry } from '@tickflow/runtime';
import { Type } from 'typebox';
import type { PaperBot } from './bot.ts';
import type { TradingSession } from './session.ts';

const Money = Type.String({ description: 'decimal string, 8 places' });
const PnlBody = Type.Object({
  realized: Money,
  unrealized: Money,
  fees: Money,
  net: Money,
  cash: Money,
  equity: Money,
  fills: Type.Integer(),
});
const PositionBody = Type.Object({
  symbol: Type.String(),
  qty: Type.String(),
  avgCost: Type.String(),
  realizedPnl: Money,
  unrealizedPnl: Money,
  fees: Money,
  lastPrice: Type.String(),
});

const AccountBody = Type.Object({
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
  pendingOrders: Type.Integer({
    description: 'decisions taken but not done (working or queued behind one): they wait for later ticks',
  }),
});
const OrderBody = Type.Object({
  decisionId: Type.String(),
  symbol: Type.String(),
  side: Type.Union([Type.Literal('BUY'), Type.Literal('SELL')]),
  qty: Type.String(),
  filled: Type.String(),
  remaining: Type.String(),
  decidedTs: Type.Integer({ description: 'exchange time of the deciding tick, epoch µs' }),
});
const ErrorBody = Type.Object({ error: Type.String(), message: Type.String() });
const HaltBody = Type.Object({ halted: Type.Boolean(), reason: Type.String() });
const FillBody = Type.Object({
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

/**
 * REST for the bot: positions, fills (from FILLS), P&L and account (exact decimal strings), the
 * kill switch (POST /v1/halt, /v1/resume: a token with the trade scope, checked by createHttpApp
 * before the body is read), health, metrics.
 */
export async function buildApp(opts: {
  bus: Bus;
  bot: PaperBot;
  session: TradingSession;
  registry: Registry;
  security?: HttpSecurity;
}) {
  const app = createHttpApp({
    registry: opts.registry,
    ...(opts.security ? { security: opts.security } : {}),
    health: () => ({
      status: opts.bus.isConnected ? 'ok' : 'down',
      checks: { nats: { ok: opts.bus.isConnected, detail: opts.bus.url } },
    }),
  });
  await app.register(swagger, { openapi: { info: { title: 'tickflow paper-trading bot', version: '1' } } });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get(
    '/v1/positions',
    { schema: { response: { 200: Type.Object({ positions: Type.Array(PositionBody) }) } } },
    async () => ({
      positions: opts.bot.portfolio.positions(),
    }),
  );
  app.get(
    '/v1/positions/:symbol',
    {
      schema: {
        params: Type.Object({ symbol: Type.String({ maxLength: 41 }) }),
        response: { 200: PositionBody, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const { symbol } = req.params;
      if (!isValidSymbol(symbol))
        return reply.code(400).send({ error: 'BAD_SYMBOL', message: `not a symbol: ${symbol}` });
      const p = opts.bot.portfolio.position(symbol);
      return p ?? reply.code(404).send({ error: 'NO_POSITION', message: `no fills in ${symbol}` });
    },
  );
  app.get(
    '/v1/fills',
    {
      schema: {
        querystring: Type.Object({
          symbol: Type.Optional(Type.String({ maxLength: 41 })),
          since: Type.Optional(Type.String({ format: 'date-time' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        }),
        response: { 200: Type.Object({ fills: Type.Array(FillBody) }), 400: ErrorBody },
      },
    },
    async (req, reply) => {
      const { symbol, since, limit = 100 } = req.query;
      if (symbol !== undefined && !isValidSymbol(symbol)) {
        return reply.code(400).send({ error: 'BAD_SYMBOL', message: `not a symbol: ${symbol}` });
      }
      const messages = await readRecent(opts.bus.js, opts.bus.jsm, 'FILLS', {
        ...(symbol ? { filterSubject: subjects.fill(symbol) } : {}),
        ...(since ? { since: new Date(since) } : {}),
        limit,
      });
      const fills: Fill[] = [];
      for (const m of messages) {
        try {
          const f = decode(m.data) as Fill;
          if (!fillProblem(f)) fills.push(f);
        } catch {
          // not a fill; the eod load counts those
        }
      }
      return { fills };
    },
  );
  app.get('/v1/account', { schema: { response: { 200: AccountBody } } }, async () => {
    const pnl = opts.bot.portfolio.pnl();
    return {
      cash: pnl.cash,
      equity: pnl.equity,
      initialCash: opts.bot.portfolio.initialCash.toFixed(),
      halted: opts.bot.halted,
      haltReason: opts.bot.haltReason,
      day: opts.session.day,
      dayOpenEquity: opts.session.dayOpenEquity.toFixed(8),
      dayPnl: opts.session.dayPnl(),
      fills: opts.bot.filled,
      rejected: opts.bot.rejected,
      workingOrders: opts.bot.working.size,
      pendingOrders: opts.bot.pendingOrders,
      tapeStreamSeq: opts.bot.tapeStreamSeq,
    };
  });
  app.get(
    '/v1/orders',
    { schema: { response: { 200: Type.Object({ orders: Type.Array(OrderBody) }) } } },
    async () => ({
      orders: [...opts.bot.working.values()].map((o) => ({
        decisionId: o.decision.id,
        symbol: o.decision.symbol,
        side: o.side ?? 'BUY',
        qty: o.qty.toFixed(),
        filled: o.filledQty,
        remaining: o.remainingQty,
        decidedTs: o.decision.tickTs,
      })),
    }),
  );
  app.get(
    '/v1/session',
    { schema: { description: 'The end-of-session snapshot as it would be stored now' } },
    async () => opts.session.snapshot(),
  );

  // The kill switch: a state change, so the `trade` scope (refused with 403 while no token is
  // configured at all: --tokens, or the older --admin-token).
  for (const [path, halt] of [
    ['/v1/halt', true],
    ['/v1/resume', false],
  ] as const) {
    app.post(
      path,
      {
        config: { scope: 'trade' },
        schema: {
          body: Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 200 })) })),
          response: { 200: HaltBody, 401: ErrorBody, 403: ErrorBody },
        },
      },
      async (req) => {
        opts.bot.halted = halt;
        opts.bot.haltReason = halt ? (req.body?.reason ?? 'manual halt') : '';
        return { halted: opts.bot.halted, reason: opts.bot.haltReason };
      },
    );
  }

  app.get('/v1/pnl', { schema: { response: { 200: PnlBody } } }, async () => ({
    ...opts.bot.portfolio.pnl(),
    fills: opts.bot.filled,
  }));
  return app;
}
