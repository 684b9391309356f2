export { buildApp } from './app.ts';
export { type FeedConfig, feedSpec } from './config.ts';
export {
  DEFAULT_SEQ_LOOKUP,
  FeedService,
  type FeedStats,
  type LastSeqLookup,
  type SeqLookupOptions,
  SequenceLookupError,
} from './feed.ts';
export { startFeed } from './main.ts';
export { DEFAULT_PIPELINE, type Outcome, type PipelineOptions, TickPipeline } from './pipeline.ts';
export { SeededRandom } from './random.ts';
export { createSource, SourceConfigError } from './source-factory.ts';
export { BINANCE_VENUE, binanceSymbol } from './sources/binance.ts';
export {
  ReplayColumnError,
  ReplayFileError,
  type ReplayFormat,
  ReplaySource,
  ReplayTruncatedError,
} from './sources/replay.ts';
export { formatFromName, readLinesFrom } from './sources/replay-input.ts';
export { splitCsvLine } from './sources/replay-rows.ts';
export { SyntheticSource, type SyntheticSourceOptions } from './sources/synthetic-source.ts';
export type { RawTrade, SourceEvent, SourceHealth, TickSource } from './sources/types.ts';
export {
  SyntheticMarket,
  type SyntheticOptions,
  type SyntheticTrade,
  syntheticSymbols,
} from './synthetic.ts';
