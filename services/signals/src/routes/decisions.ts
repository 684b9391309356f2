import { type Bus, decode, readRecent, subjects } from '@tickflow/bus';
import { type Decision, decisionProblem, isValidSymbol } from '@tickflow/core';
import type { HttpApp } from '@tickflow/runtime';
import { DecisionsBody, DecisionsQuery, ErrorBody } from '../schemas.ts';

/**
 * Decision history, read from the DECISIONS stream (not from memory): oldest first. `partitioned`:
 * this instance publishes `decisions.<symbol>.p<k>of<n>`, so one symbol is `decisions.<symbol>.*`.
 */
export function decisionsRoutes(bus: Bus, partitioned = false) {
  return async (app: HttpApp) => {
    app.get(
      '/v1/decisions',
      { schema: { querystring: DecisionsQuery, response: { 200: DecisionsBody, 400: ErrorBody } } },
      async (req, reply) => {
        const { symbol, since, limit = 100 } = req.query;
        if (symbol !== undefined && !isValidSymbol(symbol)) {
          return reply.code(400).send({ error: 'BAD_SYMBOL', message: `not a symbol: ${symbol}` });
        }
        const messages = await readRecent(bus.js, bus.jsm, 'DECISIONS', {
          ...(symbol
            ? { filterSubject: partitioned ? `${subjects.decision(symbol)}.*` : subjects.decision(symbol) }
            : {}),
          ...(since ? { since: new Date(since) } : {}),
          limit,
        });
        const decisions: Decision[] = [];
        for (const m of messages) {
          try {
            const d = decode(m.data) as Decision;
            if (!decisionProblem(d)) decisions.push(d);
          } catch {
            // A malformed message in DECISIONS is not a decision; the bot counts those.
          }
        }
        return { decisions };
      },
    );
  };
}
