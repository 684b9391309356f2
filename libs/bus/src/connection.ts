import {
  type ConnectionOptions,
  connect,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
  NatsError,
} from 'nats';
import { type BusAuth, isAuthRefusal, isTlsFailure, natsConnectParts, redactUrl, scrub } from './auth.ts';
import { ConfirmingPublisher, type ConfirmingPublisherOptions } from './confirming-publisher.ts';
import { LastStoredReader } from './last-stored.ts';
import { serverLossDetector } from './server-lost.ts';
import { type EnsureOptions, ensureStreams, type StreamMismatch, type StreamSettings } from './streams.ts';
import { retryWhileAway } from './transient.ts';

export interface BusOptions {
  /**
   * Default `nats://127.0.0.1:4222`. May carry credentials (`nats://user:pass@host`); never printed.
   * Comma-separated URLs are the seeds of a cluster: nats.js tries them in random order and then
   * follows the cluster's membership (servers it learns from the ones it reaches).
   */
  url?: string;
  /** Credentials and TLS (see BusAuth); they win over credentials in the URL. */
  auth?: BusAuth;
  /** Connection name shown by the server (`tickflow-feed`, ...). */
  name: string;
  /**
   * How long the first connect keeps trying while NATS does not answer (refused, unreachable, a
   * broker restarting), in ms; 0 = keep trying forever. Default 5000. Refused credentials or a
   * failed TLS handshake end it at once.
   */
  connectTimeoutMs?: number;
  /** Called on connection status changes (disconnect, reconnect, errors) for logging. */
  onStatus?: (event: { type: string; data: string }) => void;
}

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

export class BusConnectError extends Error {
  override name = 'BusConnectError';
}

/** The server refused the credentials (Authorization Violation, expired JWT...): a configuration problem. */
export class BusAuthError extends BusConnectError {
  override name = 'BusAuthError';
}

/** One NATS connection with its JetStream client and manager. Only this package knows NATS. */
export class Bus {
  private readonly statusListeners = new Set<(type: string, data: string) => void>();
  private watchingStatus = false;

  /** Replicas of the object stores this bus creates: those ensureStreams was given (see objectPut). */
  private bucketReplicas = 1;

  /** How long start-up requests (ensureStreams) are tried again while the broker is away: connectTimeoutMs. */
  private startWaitMs = 5000;

  /** A second connection for the publishers' read-backs (see readConnection), made on first use. */
  private readConn: Promise<NatsConnection> | undefined;

  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    /** The server URL with any password or token redacted: the one to log or show. */
    readonly url: string,
    private readonly name: string,
    /** What each connection of this bus is made with (credentials included). */
    private readonly connectOptions: ConnectionOptions,
  ) {}

  /**
   * The connection ConfirmingPublisher reads the streams back on. Not the publishing one: a read
   * sent there waits behind every message sent before it (459,597 in a replay at full speed, more
   * than the 5 s confirm timeout), and the publisher would take a slow answer for a stalled stream.
   */
  private readConnection(): Promise<NatsConnection> {
    this.readConn ??= connect({
      ...this.connectOptions,
      name: `${this.name}-readback`,
      waitOnFirstConnect: true,
    });
    // A failed first connect is tried again on the next read.
    this.readConn.catch(() => {
      this.readConn = undefined;
    });
    return this.readConn;
  }

  static async connect(opts: BusOptions): Promise<Bus> {
    const rawUrl = opts.url ?? DEFAULT_NATS_URL;
    const url = redactUrl(rawUrl);
    const parts = natsConnectParts(rawUrl, opts.auth);
    const timeout = opts.connectTimeoutMs ?? 5000;
    const connectOptions: ConnectionOptions = {
      ...parts.options,
      servers: parts.servers,
      // Spread the services over the seeds, and learn (and forget) servers as the cluster changes.
      noRandomize: false,
      ignoreClusterUpdates: false,
      name: opts.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      reconnectJitter: 100,
      pingInterval: 10_000,
    };
    // nats.js quotes the server's -ERR text ('Authorization Violation'): the quotes add nothing.
    const clean = (err: unknown) => scrub((err as Error).message, parts.secrets).replace(/^'(.*)'$/, '$1');
    let nc: NatsConnection;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        // One try of every seed server per attempt: a refused connection fails it at once, which
        // nats.js's own waitOnFirstConnect would retry forever without a word.
        nc = await connect({
          ...connectOptions,
          timeout: timeout > 0 ? Math.min(5000, Math.max(timeout, 500)) : 5000,
          waitOnFirstConnect: false,
        });
        if (attempt > 1)
          opts.onStatus?.({
            type: 'connected',
            data: `NATS at ${url} answered after ${((Date.now() - started) / 1000).toFixed(1)} s`,
          });
        break;
      } catch (cause) {
        const left = timeout > 0 ? started + timeout - Date.now() : Number.POSITIVE_INFINITY;
        if (isAuthRefusal(cause) || isTlsFailure(cause) || left <= 0) {
          Bus.connectFailed(cause, url, connectOptions, clean, attempt > 1 ? Date.now() - started : 0);
        }
        if (attempt === 1)
          opts.onStatus?.({
            type: 'waiting',
            data: `NATS at ${url} does not answer (${clean(cause)}); trying again ${timeout > 0 ? `for up to ${(timeout / 1000).toFixed(0)} s` : 'until it does'}`,
          });
        await new Promise((r) => setTimeout(r, Math.min(left, Math.min(250 * attempt, 2000))));
      }
    }
    return Bus.withJetStream(nc, url, clean, opts, connectOptions);
  }

  /** Throws the error that ends a first connect: refused credentials, TLS, or no answer in time. */
  private static connectFailed(
    cause: unknown,
    url: string,
    connectOptions: ConnectionOptions,
    clean: (err: unknown) => string,
    triedMs: number,
  ): never {
    if (isAuthRefusal(cause))
      throw new BusAuthError(`NATS at ${url} refused the credentials (${clean(cause)})`, { cause });
    if (isTlsFailure(cause))
      throw new BusConnectError(
        `NATS at ${url} failed the TLS handshake (${clean(cause)}; see --nats-tls-ca, --nats-tls-cert)`,
        { cause },
      );
    const hint =
      connectOptions.tls && !connectOptions.tls.cert
        ? '; a server that verifies clients (mTLS) also drops a connection without a client certificate: --nats-tls-cert, --nats-tls-key'
        : '';
    const tried = triedMs > 0 ? ` after ${(triedMs / 1000).toFixed(0)} s of trying (--nats-wait-s)` : '';
    throw new BusConnectError(`NATS at ${url} does not answer (${clean(cause)}${hint})${tried}`, { cause });
  }

  private static async withJetStream(
    nc: NatsConnection,
    url: string,
    clean: (err: unknown) => string,
    opts: BusOptions,
    connectOptions: ConnectionOptions,
  ): Promise<Bus> {
    let jsm: JetStreamManager;
    try {
      jsm = await nc.jetstreamManager({ timeout: 5000 });
    } catch (cause) {
      await nc.close();
      if (cause instanceof NatsError && cause.isPermissionError())
        throw new BusAuthError(
          `NATS at ${url} does not let this user use JetStream (${clean(cause)}): check its permissions and --nats-inbox-prefix (docs/SECURITY.md)`,
          { cause },
        );
      throw new BusConnectError(
        `NATS at ${url} has no JetStream for this connection (start nats-server with -js; with accounts, enable JetStream for the account and allow $JS.API.INFO) (${clean(cause)})`,
        { cause },
      );
    }
    const bus = new Bus(nc, nc.jetstream(), jsm, url, opts.name, connectOptions);
    bus.startWaitMs = opts.connectTimeoutMs ?? 5000;
    if (opts.onStatus) {
      const onStatus = opts.onStatus;
      // Only the events an operator acts on; nats.js debug events (pingTimer, reconnecting, ...)
      // would flood the log at warn level.
      const wanted = new Set(['disconnect', 'reconnect', 'error', 'ldm', 'update']);
      // A cluster sends `update` with nothing added or deleted as it settles: not worth a warning.
      const empty = (type: string, data: string) => type === 'update' && !/"(added|deleted)":\["/.test(data);
      bus.onStatus((type, data) => wanted.has(type) && !empty(type, data) && onStatus({ type, data }));
    }
    return bus;
  }

  /** Every status event (`disconnect`, `reconnect`, `error`, ...) to `listener`; returns an unsubscribe. */
  onStatus(listener: (type: string, data: string) => void): () => void {
    this.statusListeners.add(listener);
    if (!this.watchingStatus) {
      this.watchingStatus = true;
      void (async () => {
        // A cluster update's data is the servers added and deleted: shown as JSON, not [object Object].
        for await (const s of this.nc.status())
          for (const l of this.statusListeners)
            l(String(s.type), typeof s.data === 'string' ? s.data : JSON.stringify(s.data));
      })();
    }
    return () => this.statusListeners.delete(listener);
  }

  /** A publisher at core-NATS speed, confirmed by reading the streams back (see ConfirmingPublisher). */
  confirmingPublisher(opts?: ConfirmingPublisherOptions): ConfirmingPublisher {
    return new ConfirmingPublisher(
      this.nc,
      this.js,
      new LastStoredReader(() => this.readConnection(), this.jsm),
      opts,
      // A cluster server gone may have been a stream's leader, with messages sent to it not yet
      // stored: `server-lost` makes the publisher hold and re-send.
      (l) => this.onClusterStatus(l),
    );
  }

  /**
   * Status events as `onStatus` gives them, except that an `update` in which a cluster server
   * left is `server-lost` (see serverLossDetector); returns an unsubscribe.
   */
  onClusterStatus(listener: (type: string) => void): () => void {
    const lost = serverLossDetector(() => this.nc.info);
    return this.onStatus((type, data) => listener(lost(type, data)));
  }

  /**
   * A JSON document from a JetStream object store (chunked, so it may exceed the 1 MB message
   * limit that bounds a KV value), or undefined when absent.
   */
  async objectGet<T>(bucket: string, name: string): Promise<T | undefined> {
    const os = await this.js.views.os(bucket, { replicas: this.bucketReplicas });
    const data = await os.getBlob(name);
    return data ? (JSON.parse(new TextDecoder().decode(data)) as T) : undefined;
  }

  /**
   * Stores a JSON document in an object store (replacing the previous one of that name). A missing
   * bucket is created with the streams' replicas, so a checkpoint survives a node as the ticks do;
   * an existing one is left as it is (`tickflow streams apply` changes its replicas).
   */
  async objectPut(bucket: string, name: string, value: unknown): Promise<void> {
    const os = await this.js.views.os(bucket, { replicas: this.bucketReplicas });
    await os.putBlob({ name }, new TextEncoder().encode(JSON.stringify(value)));
  }

  /**
   * Creates the missing streams with `settings`; never changes an existing one, whose differing
   * settings go to `onMismatch` (see ensureStreams).
   */
  ensureStreams(
    settings?: Partial<StreamSettings>,
    onMismatch?: (m: StreamMismatch) => void,
    options?: EnsureOptions,
  ): Promise<StreamMismatch[]> {
    if (settings?.replicas !== undefined) this.bucketReplicas = settings.replicas;
    // Creating a missing stream again is a no-op once it exists: safe to try again.
    return retryWhileAway(() => ensureStreams(this.jsm, settings, onMismatch, options), this.startWaitMs);
  }

  get isConnected(): boolean {
    return !this.nc.isClosed() && !this.nc.isDraining();
  }

  /**
   * A plain (core NATS, not durable) subscription: for monitors and live views that may miss
   * messages. Returns a function that unsubscribes.
   */
  subscribe(subject: string, onMessage: (subject: string, data: Uint8Array) => void): () => void {
    const sub = this.nc.subscribe(subject, { callback: (err, m) => !err && onMessage(m.subject, m.data) });
    return () => sub.unsubscribe();
  }

  /** Flushes pending publishes and waits for the server to have them. */
  flush(): Promise<void> {
    return this.nc.flush();
  }

  /** Drains subscriptions and pending publishes, then closes. Safe to call twice. */
  async drain(): Promise<void> {
    const read = this.readConn;
    this.readConn = undefined;
    if (read) await read.then((c) => c.close()).catch(() => {});
    if (this.nc.isClosed()) return;
    if (!this.nc.isDraining()) await this.nc.drain();
    await this.nc.closed();
  }
}
