// The light entry: the engine and the built-in SMA cross without the config parser and TypeBox
// (~0.3 s to load), for the backtest grid's worker threads, which need no more for a grid without
// --strategies (see services/cli/src/backtest/job.ts).
export {
  type EngineResult,
  type EngineSkip,
  StrategyEngine,
  type StrategyFault,
  type StrategyPause,
} from './engine.ts';
export { SMA_CROSS_DEFAULTS, SmaCross, type SmaCrossParams } from './sma-cross.ts';
export { decisionId, type Strategy, type StrategyFactory } from './strategy.ts';
