import { isValidSymbol } from '@tickflow/core';
import type { HttpApp } from '@tickflow/runtime';
import {
  BarsBody,
  BarsQuery,
  ErrorBody,
  IndicatorsBody,
  IndicatorsQuery,
  SignalsListBody,
  SymbolListBody,
  SymbolParams,
  SymbolViewBody,
} from '../schemas.ts';
import type { SignalsService } from '../signals.ts';

const badSymbol = (symbol: string) => ({
  error: 'BAD_SYMBOL',
  message: `not a symbol: ${symbol} (e.g. BTC-USD or AAPL)`,
});
const unknownSymbol = (symbol: string) => ({
  error: 'UNKNOWN_SYMBOL',
  message: `no ticks seen for ${symbol}`,
});

/** Latest signals from the in-memory speed layer: symbols, all signals, one symbol, indicators. */
export function signalsRoutes(signals: SignalsService) {
  return async (app: HttpApp) => {
    app.get('/v1/symbols', { schema: { response: { 200: SymbolListBody } } }, async () => ({
      symbols: signals.symbols(),
    }));

    app.get('/v1/signals', { schema: { response: { 200: SignalsListBody } } }, async () => ({
      signals: signals.views(),
    }));

    app.get(
      '/v1/signals/:symbol',
      { schema: { params: SymbolParams, response: { 200: SymbolViewBody, 400: ErrorBody, 404: ErrorBody } } },
      async (req, reply) => {
        const { symbol } = req.params;
        if (!isValidSymbol(symbol)) return reply.code(400).send(badSymbol(symbol));
        const view = signals.view(symbol);
        return view ?? reply.code(404).send(unknownSymbol(symbol));
      },
    );

    app.get(
      '/v1/bars/:symbol',
      {
        schema: {
          params: SymbolParams,
          querystring: BarsQuery,
          response: { 200: BarsBody, 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (req, reply) => {
        const { symbol } = req.params;
        if (!isValidSymbol(symbol)) return reply.code(400).send(badSymbol(symbol));
        const { interval = '1m', limit = 100 } = req.query;
        const bars = signals.bars.bars(symbol, interval, limit);
        return bars ? { symbol, interval, ...bars } : reply.code(404).send(unknownSymbol(symbol));
      },
    );

    app.get(
      '/v1/indicators/:symbol',
      {
        schema: {
          params: SymbolParams,
          querystring: IndicatorsQuery,
          response: { 200: IndicatorsBody, 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (req, reply) => {
        const { symbol } = req.params;
        if (!isValidSymbol(symbol)) return reply.code(400).send(badSymbol(symbol));
        const view = signals.view(symbol);
        if (!view) return reply.code(404).send(unknownSymbol(symbol));
        const wanted = req.query.names?.split(',');
        if (!wanted) return { symbol, venue: view.venue, lastSeq: view.lastSeq, indicators: view.indicators };
        // A Map, not `name in object`: `__proto__`, `constructor` or `toString` are not indicators.
        const known = new Map(Object.entries(view.indicators));
        const missing = wanted.filter((n) => !known.has(n));
        if (missing.length) {
          return reply.code(400).send({
            error: 'UNKNOWN_INDICATOR',
            message: `unknown: ${missing.join(', ')} (known: ${[...known.keys()].join(', ')})`,
          });
        }
        const picked = Object.fromEntries(wanted.map((n) => [n, known.get(n) as number]));
        return { symbol, venue: view.venue, lastSeq: view.lastSeq, indicators: picked };
      },
    );
  };
}
