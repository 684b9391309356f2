/** The limits and timings of StreamHub (signals' /v1/stream); main.ts sets them from the flags. */
export interface StreamHubOptions {
  /** Signal updates per symbol are coalesced and sent at most this often. Default 100 ms. */
  flushIntervalMs: number;
  /** A client with this many unsent bytes gets nothing new until it drains. Default 256 KiB. */
  maxBufferedBytes: number;
  /** A client that stays at maxBufferedBytes this long is dropped (close 1008). Default 5 s. */
  slowMs: number;
  /** Decisions held for a full client; beyond, the oldest are dropped and the client told. Default 1,000. */
  maxQueuedDecisions: number;
  /** Open connections; one more is closed with 1013 (try again later). Default 200. */
  maxClients: number;
  /** Symbols one client may subscribe to (`"*"` aside). Default 256. */
  maxSubscriptions: number;
  /** After a close frame, how long a client has to answer before its socket is cut. Default 1 s. */
  closeGraceMs: number;
}

export const DEFAULT_STREAM_HUB: StreamHubOptions = {
  flushIntervalMs: 100,
  maxBufferedBytes: 256 * 1024,
  slowMs: 5000,
  maxQueuedDecisions: 1000,
  maxClients: 200,
  maxSubscriptions: 256,
  closeGraceMs: 1000,
};
