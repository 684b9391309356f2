export { buildApp } from './app.ts';
export { type SignalsConfig, signalsSpec } from './config.ts';
export { startSignals } from './main.ts';
export { SignalsService, type SymbolView } from './signals.ts';
export {
  DEFAULT_STREAM_HUB,
  StreamHub,
  type StreamHubOptions,
  type StreamHubStats,
  type StreamSocket,
} from './stream-hub.ts';
