import { createHttpApp, createRegistry } from '@tickflow/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalsService, SymbolView } from '../signals.ts';
import { signalsRoutes } from './signals.ts';

const btc: SymbolView = {
  venue: 'synth',
  symbol: 'BTC-USD',
  lastSeq: 7,
  indicators: { price: 100, sma10: 99 },
  lastDecision: null,
};
// Only view() is read by the indicators route.
const signals = { view: (s: string) => (s === 'BTC-USD' ? btc : undefined) } as unknown as SignalsService;

describe('/v1/indicators/:symbol', () => {
  const app = createHttpApp({
    registry: createRegistry('test', false),
    health: () => ({ status: 'ok', checks: {} }),
  });
  beforeAll(async () => {
    await app.register(signalsRoutes(signals));
    await app.ready();
  });
  afterAll(() => app.close());

  const get = (names: string) => app.inject({ url: `/v1/indicators/BTC-USD?names=${names}` });

  it('serves the named indicators', async () => {
    const res = await get('sma10');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ symbol: 'BTC-USD', venue: 'synth', lastSeq: 7, indicators: { sma10: 99 } });
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'sma10,__proto__'])(
    'answers names=%s with 400 UNKNOWN_INDICATOR naming it',
    async (names) => {
      const res = await get(names);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toBe('UNKNOWN_INDICATOR');
      expect(res.json().message).toContain(names.split(',').at(-1));
      expect(res.json().message).toContain('known: price, sma10');
    },
  );
});
