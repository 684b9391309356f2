import { factoryFromConfig, parseStrategyConfig } from './config.ts';
import { SmaCross, type SmaCrossParams } from './sma-cross.ts';
import type { StrategyFactory } from './strategy.ts';

export class StrategyFileError extends Error {
  override name = 'StrategyFileError';
}

/**
 * The strategies a service runs: from a JSON config text (per-symbol strategies, sizing, risk
 * gates) when given, else SMA cross with `sma` for every symbol. `fingerprint` identifies the
 * setup, so a checkpoint taken under another setup is not restored into this one.
 */
export function strategySetup(
  configText: string | undefined,
  sma: SmaCrossParams,
): { factory: StrategyFactory; fingerprint: string } {
  if (configText === undefined) {
    return {
      factory: (venue, symbol) => new SmaCross(venue, symbol, sma),
      fingerprint: JSON.stringify({ strategy: 'sma-cross', ...sma }),
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(configText);
  } catch (cause) {
    throw new StrategyFileError(`strategy config is not JSON: ${(cause as Error).message}`, { cause });
  }
  const config = parseStrategyConfig(json);
  return { factory: factoryFromConfig(config), fingerprint: JSON.stringify(config) };
}
