export {
  BOLLINGER_REVERSION_DEFAULTS,
  BollingerReversion,
  type BollingerReversionParams,
} from './bollinger-reversion.ts';
export {
  factoryFromConfig,
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
  replayDecisions,
  replayInOrder,
  StrategyEngine,
} from './engine.ts';
export { MACD_CROSS_DEFAULTS, MacdCross, type MacdCrossParams } from './macd-cross.ts';
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
export { StrategyFileError, strategySetup } from './setup.ts';
export { SMA_CROSS_DEFAULTS, SmaCross, type SmaCrossParams } from './sma-cross.ts';
export { decisionId, type Strategy, type StrategyFactory } from './strategy.ts';
