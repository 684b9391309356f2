export { type BusAuth, type BusTls, redactUrl } from './auth.ts';
export {
  DecodeError,
  decode,
  decodeText,
  encode,
  encodeValidTick,
  type RawTick,
  validTickJson,
} from './codec.ts';
export {
  ConfirmingPublisher,
  type ConfirmingPublisherOptions,
  type ConfirmingPublisherStats,
  ConfirmTimeoutError,
  type OverflowPolicy,
  PublisherClosedError,
} from './confirming-publisher.ts';
export { Bus, BusAuthError, BusConnectError, type BusOptions, DEFAULT_NATS_URL } from './connection.ts';
export {
  type BusMessage,
  type Consumption,
  consumeDurable,
  consumerBacklog,
  type DurableConsumerOptions,
  ensureDurableConsumer,
  type Handler,
} from './consume.ts';
export { nextOnSubject } from './direct.ts';
export { lastMessageOn, lastOn, lastSeqOn } from './last-on.ts';
export { LastStoredReader } from './last-stored.ts';
export { onlyPlainLayout, otherLayoutsEnd } from './partition-layout.ts';
export { DurablePublisher, type DurablePublisherOptions, PublishError } from './publish.ts';
export { type RangeRead, RangeReadError, readRange } from './read-range.ts';
export { readRecent, readStream, StreamReadShortError } from './read-stream.ts';
export { type CatchUp, type ConsumeFromOptions, consumeFrom } from './replay-from.ts';
export {
  findNatsServer,
  freePort,
  type NatsServerHandle,
  NatsServerNotFoundError,
  NatsServerStartError,
  startNatsServer,
} from './server.ts';
export { type SettleOptions, type SettleResult, waitForSettled } from './settle.ts';
export {
  applyStreams,
  planStreams,
  StreamApplyRefusedError,
  type StreamPlan,
  type StreamStatus,
  streamStatus,
} from './stream-admin.ts';
export {
  DEFAULT_STREAM_LIMITS,
  DEFAULT_STREAM_SETTINGS,
  ensureStreams,
  STREAM_NAMES,
  type StreamLimits,
  type StreamMismatch,
  type StreamName,
  type StreamSettings,
  StreamSetupError,
  StreamSubjectsError,
  streamConfig,
} from './streams.ts';
export {
  LIVE_PREFIX,
  liveSubjects,
  type Partition,
  partitionToken,
  siblingsOf,
  streamSubjects,
  subjects,
  tickMsgId,
  tickMsgIdPrefix,
} from './subjects.ts';
export { decodeTick } from './tick-decode.ts';
export { TickSubjects } from './tick-subjects.ts';
export { isTransientBusError, retryWhileAway } from './transient.ts';
export {
  ensureWorkQueue,
  type QueueWorker,
  startQueueWorker,
  submitJob,
  WorkQueueError,
  type WorkQueueNames,
  watchResults,
  withdrawJobs,
} from './work-queue.ts';
