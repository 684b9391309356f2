import type { HttpApp } from '@tickflow/runtime';
import { Type } from 'typebox';
import type { PaperBot } from '../bot.ts';
import { OrderBody } from '../schemas.ts';

/** The working orders: decisions whose quantity is not all filled yet. */
export function ordersRoutes(bot: PaperBot) {
  return async (app: HttpApp) => {
    app.get(
      '/v1/orders',
      { schema: { response: { 200: Type.Object({ orders: Type.Array(OrderBody) }) } } },
      async () => ({
        orders: [...bot.working.values()].map((o) => ({
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
  };
}
