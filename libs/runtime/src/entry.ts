import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';
import type { ServiceHandle } from './lifecycle.ts';

/** How long a service may take to stop before it exits anyway (`--shutdown-timeout-ms`). */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** A stop that did not finish in time, or finished with work left (logged before it is thrown). */
export class ShutdownIncompleteError extends Error {
  override name = 'ShutdownIncompleteError';
}

/**
 * Closes `handle` within `timeoutMs`. True when it finished and reports nothing left; otherwise
 * logs at error level what it was doing and what it could not flush or acknowledge (the handle's
 * `unfinished()`, e.g. a publisher's outbox) and returns false.
 */
export async function closeWithin(
  handle: ServiceHandle<unknown>,
  log: Logger,
  timeoutMs: number,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const result = await Promise.race([
    handle.close().then(
      () => 'closed' as const,
      (err: unknown) => {
        log.error({ err }, 'error while shutting down');
        return 'failed' as const;
      },
    ),
    timedOut,
  ]);
  clearTimeout(timer);
  const left = Object.fromEntries(Object.entries(handle.unfinished?.() ?? {}).filter(([, v]) => v));
  const anything = Object.keys(left).length > 0;
  if (result === 'timeout') {
    log.error(
      { timeoutMs, ...left },
      `shutdown did not finish within ${timeoutMs} ms; exiting with work left`,
    );
    return false;
  }
  if (result === 'failed' || anything) {
    log.error(left, 'shut down with work left');
    return false;
  }
  return true;
}

/**
 * For entry points only: runs a started service until it is done or SIGINT/SIGTERM arrives, then
 * closes it within `timeoutMs` and exits: 0 when everything was flushed, 1 when the stop timed out
 * (the broker gone, say) or left work behind — never hanging. Uncaught errors also close it, then
 * exit non-zero; a second signal exits at once.
 */
export async function runUntilSignal<T>(
  handle: ServiceHandle<T>,
  log: Logger,
  timeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS,
): Promise<void> {
  const grace = closeWithGrace(
    {
      // Our own deadline comes first; this one only guards against a blocked event loop.
      delay: timeoutMs + 2000,
      logger: { error: (m: unknown) => log.error({ detail: String(m) }, 'shutdown') },
    },
    async ({ signal, err }) => {
      if (err) log.error({ err }, 'fatal error, shutting down');
      else log.info({ signal, timeoutMs }, 'shutting down');
      if (!(await closeWithin(handle, log, timeoutMs)))
        throw new ShutdownIncompleteError('the service stopped with work left (see the log above)');
    },
  );
  try {
    await handle.done;
  } finally {
    grace.uninstall();
    if (!(await closeWithin(handle, log, timeoutMs))) {
      log.flush?.();
      // What timed out may still hold the event loop open (a reconnecting client, say).
      process.exit(1);
    }
  }
}
