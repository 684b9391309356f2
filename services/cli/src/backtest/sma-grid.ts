import { SmaCross, type SmaCrossParams, type StrategyFactory } from '@tickflow/strategy/light';
import type { Combination } from './grid.ts';

/**
 * The built-in SMA cross (no `--strategies`) with a combination's `fast` / `slow` over `sma`, or
 * the strategy's refusal (`fast period 20 must be < slow 20`) thrown. Light: a grid's worker thread
 * that needs only this never loads the config parser (see `@tickflow/strategy/light`).
 */
export function smaCrossFactoryFor(sma: SmaCrossParams, combination: Combination): StrategyFactory {
  const params = { ...sma, ...(combination as Partial<SmaCrossParams>) };
  const factory: StrategyFactory = (venue, symbol) => new SmaCross(venue, symbol, params);
  factory('grid', 'CHECK'); // builds it once, so a refused combination fails here
  return factory;
}
