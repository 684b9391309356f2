import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';
import type { ServiceHandle } from './lifecycle.ts';

/**
 * For entry points only: runs a started service until it is done or SIGINT/SIGTERM arrives, then
 * closes it (with a deadline) and resolves. Uncaught errors also close it, then exit non-zero.
 */
export async function runUntilSignal<T>(
  handle: ServiceHandle<T>,
  log: Logger,
  delayMs = 15_000,
): Promise<void> {
  const grace = closeWithGrace({ delay: delayMs }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'fatal error, shutting down');
    else log.info({ signal }, 'shutting down');
    await handle.close();
  });
  try {
    await handle.done;
  } finally {
    grace.uninstall();
    await handle.close();
  }
}
