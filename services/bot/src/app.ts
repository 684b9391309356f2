import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Bus } from '@tickflow/bus';
import { createHttpApp, type HttpSecurity, type Registry } from '@tickflow/runtime';
import type { PaperBot } from './bot.ts';
import { accountRoutes } from './routes/account.ts';
import { fillsRoutes } from './routes/fills.ts';
import { haltRoutes } from './routes/halt.ts';
import { ordersRoutes } from './routes/orders.ts';
import { pnlRoutes } from './routes/pnl.ts';
import { positionsRoutes } from './routes/positions.ts';
import type { TradingSession } from './session.ts';

/**
 * REST for the bot: positions, fills (from FILLS), P&L and account (exact decimal strings), the
 * kill switch (POST /v1/halt, /v1/resume: a token with the trade scope, checked by createHttpApp
 * before the body is read), health, metrics, OpenAPI at /docs. Each concern's routes are a plugin
 * in routes/.
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
  await app.register(positionsRoutes(opts.bot));
  await app.register(fillsRoutes(opts.bus));
  await app.register(accountRoutes(opts.bot, opts.session));
  await app.register(ordersRoutes(opts.bot));
  await app.register(haltRoutes(opts.bot));
  await app.register(pnlRoutes(opts.bot));
  return app;
}
