import { type Bus, decode, readRecent, subjects } from '@tickflow/bus';
import { type Fill, fillProblem, isValidSymbol } from '@tickflow/core';
import type { HttpApp } from '@tickflow/runtime';
import { Type } from 'typebox';
import { badSymbol, ErrorBody, FillBody } from '../schemas.ts';

/** Fill history, read from the FILLS stream (not from memory): oldest first. */
export function fillsRoutes(bus: Bus) {
  return async (app: HttpApp) => {
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
        if (symbol !== undefined && !isValidSymbol(symbol)) return reply.code(400).send(badSymbol(symbol));
        const messages = await readRecent(bus.js, bus.jsm, 'FILLS', {
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
  };
}
