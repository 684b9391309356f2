import type { HttpApp } from '@tickflow/runtime';
import type { PaperBot } from '../bot.ts';
import { AccountBody } from '../schemas.ts';
import type { TradingSession } from '../session.ts';

/** The account (cash, equity, the day's P&L, the halt state) and the end-of-session snapshot. */
export function accountRoutes(bot: PaperBot, session: TradingSession) {
  return async (app: HttpApp) => {
    app.get('/v1/account', { schema: { response: { 200: AccountBody } } }, async () => {
      const pnl = bot.portfolio.pnl();
      return {
        cash: pnl.cash,
        equity: pnl.equity,
        initialCash: bot.portfolio.initialCash.toFixed(),
        halted: bot.halted,
        haltReason: bot.haltReason,
        day: session.day,
        dayOpenEquity: session.dayOpenEquity.toFixed(8),
        dayPnl: session.dayPnl(),
        fills: bot.filled,
        rejected: bot.rejected,
        workingOrders: bot.working.size,
        pendingOrders: bot.pendingOrders,
        tapeStreamSeq: bot.tapeStreamSeq,
        ticksBacklog: (await bot.ticksPending?.().catch(() => undefined)) ?? null,
      };
    });
    app.get(
      '/v1/session',
      { schema: { description: 'The end-of-session snapshot as it would be stored now' } },
      async () => session.snapshot(),
    );
  };
}
