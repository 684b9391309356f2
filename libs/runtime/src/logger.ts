import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** JSON logs (pino) named after the service; to stdout unless a destination is given. */
export function createLogger(
  service: string,
  level: LogLevel = 'info',
  destination?: DestinationStream,
): Logger {
  return pino({ name: service, level, base: { service } }, destination);
}
