import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The demo's default strategy config: the example file's mix of built-ins, with the gates a person
 * trading by hand would use. The demo compresses a 6.5-hour session into seconds, so periods are
 * long in ticks and the cooldown (exchange time) is 20 minutes: each symbol trades a handful of
 * times a session, not thousands, and the fees no longer drag the equity curve straight down.
 */
export const DEMO_STRATEGIES = {
  defaults: {
    strategy: 'ema-cross',
    params: { fast: 200, slow: 800 },
    sizing: { kind: 'notional', notional: '10000', qtyDecimals: 4 },
    risk: { warmUpTicks: 1000, cooldownMicros: 1_200_000_000, maxNotional: '25000' },
  },
  symbols: {
    'BTC-USD': { strategy: 'rsi-threshold', params: { period: 100, oversold: 42, overbought: 58 } },
    'ETH-USD': { strategy: 'bollinger-reversion', params: { period: 400, multiplier: 2.5 } },
    'SOL-USD': { strategy: 'donchian-breakout', params: { period: 1500 } },
    AAPL: { strategy: 'macd-cross', params: { fast: 120, slow: 260, signal: 90 } },
  },
};

/** Writes the demo's config into its data directory (signals and the end of day read the same file). */
export function writeDemoStrategies(dataDir: string): string {
  const path = join(dataDir, 'demo-strategies.json');
  writeFileSync(path, `${JSON.stringify(DEMO_STRATEGIES, null, 2)}\n`);
  return path;
}
