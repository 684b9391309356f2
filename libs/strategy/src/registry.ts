import { BOLLINGER_REVERSION_DEFAULTS, BollingerReversion } from './bollinger-reversion.ts';
import { DONCHIAN_BREAKOUT_DEFAULTS, DonchianBreakout } from './donchian-breakout.ts';
import { EMA_CROSS_DEFAULTS, EmaCross } from './ema-cross.ts';
import { MACD_CROSS_DEFAULTS, MacdCross } from './macd-cross.ts';
import { RSI_THRESHOLD_DEFAULTS, RsiThreshold } from './rsi-threshold.ts';
import { SMA_CROSS_DEFAULTS, SmaCross } from './sma-cross.ts';
import type { Strategy } from './strategy.ts';

/** What a config file may say about one parameter. */
export type ParamSpec =
  | { kind: 'int'; min: number }
  | { kind: 'number'; min: number; max: number }
  | { kind: 'enum'; values: readonly string[] };

/** Parameter values as a config file gives them (qty is not one: sizing decides it). */
export type StrategyParams = Record<string, number | string>;

interface Entry {
  /** Defaults of every parameter, without qty. */
  defaults: StrategyParams;
  specs: Record<string, ParamSpec>;
  create(venue: string, symbol: string, params: StrategyParams): Strategy;
}

const period = (min: number): ParamSpec => ({ kind: 'int', min });
const seed: ParamSpec = { kind: 'enum', values: ['first', 'sma'] };
const { qty: _s, ...sma } = SMA_CROSS_DEFAULTS;
const { qty: _e, ...ema } = EMA_CROSS_DEFAULTS;
const { qty: _b, ...boll } = BOLLINGER_REVERSION_DEFAULTS;
const { qty: _r, ...rsi } = RSI_THRESHOLD_DEFAULTS;
const { qty: _m, ...macd } = MACD_CROSS_DEFAULTS;
const { qty: _d, ...don } = DONCHIAN_BREAKOUT_DEFAULTS;

// The casts are safe: config.ts fills every key of `defaults` and checks each against `specs`.
// qty '1' is a placeholder: the GatedStrategy's sizing sets the qty of every decision it emits.
/** Every strategy a config file can name, with its parameters. */
export const STRATEGIES = {
  'sma-cross': {
    defaults: sma,
    specs: { fast: period(1), slow: period(2) },
    create: (v, s, p) => new SmaCross(v, s, { ...(p as typeof sma), qty: '1' }),
  },
  'ema-cross': {
    defaults: ema,
    specs: { fast: period(1), slow: period(2), seed },
    create: (v, s, p) => new EmaCross(v, s, { ...(p as typeof ema), qty: '1' }),
  },
  'bollinger-reversion': {
    defaults: boll,
    specs: { period: period(2), multiplier: { kind: 'number', min: 0, max: 100 } },
    create: (v, s, p) => new BollingerReversion(v, s, { ...(p as typeof boll), qty: '1' }),
  },
  'rsi-threshold': {
    defaults: rsi,
    specs: {
      period: period(1),
      oversold: { kind: 'number', min: 0, max: 100 },
      overbought: { kind: 'number', min: 0, max: 100 },
    },
    create: (v, s, p) => new RsiThreshold(v, s, { ...(p as typeof rsi), qty: '1' }),
  },
  'macd-cross': {
    defaults: macd,
    specs: { fast: period(1), slow: period(2), signal: period(1), seed },
    create: (v, s, p) => new MacdCross(v, s, { ...(p as typeof macd), qty: '1' }),
  },
  'donchian-breakout': {
    defaults: don,
    specs: { period: period(1) },
    create: (v, s, p) => new DonchianBreakout(v, s, { ...(p as typeof don), qty: '1' }),
  },
} satisfies Record<string, Entry>;

export type StrategyName = keyof typeof STRATEGIES;

export const STRATEGY_NAMES = Object.keys(STRATEGIES) as StrategyName[];
