export { ADX, type AdxOptions, type AdxResult, adxSeries } from './adx.ts';
export {
  ATR,
  type AtrOptions,
  atrSeries,
  type FirstBar,
  TrueRange,
  type TrueRangeOptions,
  trueRange,
  trueRangeSeries,
} from './atr.ts';
export {
  alignTs,
  BarBuilder,
  type BarSpec,
  type BuiltBar,
  barsOf,
  FIVE_MINUTE_BARS,
  MINUTE_BARS,
  SECOND_BARS,
  type Trade,
  tickBars,
  timeBars,
  US_PER_MINUTE,
  US_PER_SECOND,
  volumeBars,
} from './bar-builder.ts';
export { BollingerBands, type BollingerBandsResult, bollingerSeries } from './bollinger.ts';
export { DEMA, demaSeries, TEMA, temaSeries } from './dema.ts';
export { EMA, type EmaSeed, emaSeries } from './ema.ts';
export {
  type Bar,
  type Indicator,
  type IndicatorState,
  IndicatorStateError,
  type JsonValue,
} from './indicator.ts';
export { MACD, type MacdResult, macdSeries } from './macd.ts';
export { RollingMax, RollingMin, rollingMaxSeries, rollingMinSeries } from './minmax.ts';
export { OBV, obvSeries } from './obv.ts';
export { RealizedVolatility, type RealizedVolMode, realizedVolatilitySeries } from './realized-vol.ts';
export { Momentum, momentumSeries, ROC, rocSeries } from './roc.ts';
export { RSI, rsiSeries } from './rsi.ts';
export { SMA, smaSeries } from './sma.ts';
export { Stochastic, type StochasticResult, stochasticSeries } from './stochastic.ts';
export {
  RollingStdDev,
  RollingVariance,
  stdDevSeries,
  type VarianceMode,
  varianceSeries,
} from './variance.ts';
export {
  RollingVwap,
  rollingVwapSeries,
  SessionVwap,
  type SessionVwapOptions,
  sessionVwapSeries,
  US_PER_DAY,
  utcDay,
  type VwapSession,
} from './vwap.ts';
export { WMA, wmaSeries } from './wma.ts';
export { ZScore, zScoreSeries } from './zscore.ts';
