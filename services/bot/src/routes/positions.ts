import { isValidSymbol } from '@tickflow/core';
import type { HttpApp } from '@tickflow/runtime';
import { Type } from 'typebox';
import type { PaperBot } from '../bot.ts';
import { badSymbol, ErrorBody, PositionBody } from '../schemas.ts';

/** The paper portfolio's positions (memory): all of them, or one symbol's. */
export function positionsRoutes(bot: PaperBot) {
  return async (app: HttpApp) => {
    app.get(
      '/v1/positions',
      { schema: { response: { 200: Type.Object({ positions: Type.Array(PositionBody) }) } } },
      async () => ({
        positions: bot.portfolio.positions(),
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
        if (!isValidSymbol(symbol)) return reply.code(400).send(badSymbol(symbol));
        const p = bot.portfolio.position(symbol);
        return p ?? reply.code(404).send({ error: 'NO_POSITION', message: `no fills in ${symbol}` });
      },
    );
  };
}
