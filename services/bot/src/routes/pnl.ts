import type { HttpApp } from '@tickflow/runtime';
import type { PaperBot } from '../bot.ts';
import { PnlBody } from '../schemas.ts';

/** The portfolio's P&L now: realised, unrealised (marked at the last price), fees, cash, equity. */
export function pnlRoutes(bot: PaperBot) {
  return async (app: HttpApp) => {
    app.get('/v1/pnl', { schema: { response: { 200: PnlBody } } }, async () => ({
      ...bot.portfolio.pnl(),
      fills: bot.filled,
    }));
  };
}
