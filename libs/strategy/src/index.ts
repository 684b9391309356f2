export type { Decision, DecisionAction, Micros, Tick } from '@tickflow/core';
// The public API of strategy modules (docs/STRATEGIES.md): a user's file imports all it needs from
// '@tickflow/strategy' — the definition and decision helpers, TypeBox for the parameter schema,
// every indicator, and the helpers that read a snapshot back.
export * from '@tickflow/indicators';
export { type Static, type TObject, Type } from 'typebox';
export {
  BOLLINGER_REVERSION_DEFAULTS,
  BollingerReversion,
  type BollingerReversionParams,
} from './bollinger-reversion.ts';
export {
  factoryFromConfig,
  isModulePath,
  parseStrategyConfig,
  resolveSymbolConfig,
  type StrategyConfig,
  StrategyConfigError,
  type SymbolStrategyConfig,
} from './config.ts';
export {
  DONCHIAN_BREAKOUT_DEFAULTS,
  DonchianBreakout,
  type DonchianBreakoutParams,
} from './donchian-breakout.ts';
export { EMA_CROSS_DEFAULTS, EmaCross, type EmaCrossParams } from './ema-cross.ts';
export {
  type EngineResult,
  type EngineSkip,
  type EngineState,
  type LaneState,
  replayDecisions,
  replayInOrder,
  StrategyEngine,
  type StrategyFault,
  type StrategyPause,
} from './engine.ts';
export { readNullableNumber, readSide, readState, restoreAll } from './internal.ts';
export { MACD_CROSS_DEFAULTS, MacdCross, type MacdCrossParams } from './macd-cross.ts';
export {
  decide,
  defineStrategy,
  definitionProblem,
  type ParamProblem,
  type StrategyDefinition,
  validateParams,
} from './module.ts';
export { STRATEGIES, STRATEGY_NAMES, type StrategyName, type StrategyParams } from './registry.ts';
export {
  type DecisionLimits,
  GatedStrategy,
  type OrderType,
  parseTradingHours,
  RISK_REJECT_REASONS,
  type RiskRejection,
  type RiskRejectReason,
  type Sizing,
  TradingHoursError,
} from './risk.ts';
export { RSI_THRESHOLD_DEFAULTS, RsiThreshold, type RsiThresholdParams } from './rsi-threshold.ts';
export { parseStrategyJson, StrategyFileError, strategyModulePaths, strategySetup } from './setup.ts';
export { SMA_CROSS_DEFAULTS, SmaCross, type SmaCrossParams } from './sma-cross.ts';
export { decisionId, type Strategy, type StrategyFactory } from './strategy.ts';
