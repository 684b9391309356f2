import type { Logger } from './logger.ts';

/** A setting in which an existing stream differs from tickflow's (structurally @tickflow/bus's StreamMismatch). */
export interface StreamSettingDiff {
  stream: string;
  field: string;
  current: string;
  wanted: string;
}

/**
 * Logs, as a warning naming the stream, the field and both values, each setting of an existing
 * stream that differs from what this service would create it with. The stream is kept as it is:
 * its settings belong to the operator (docs/SCALING.md).
 */
export function warnStreamSetting(log: Logger): (d: StreamSettingDiff) => void {
  return (d) =>
    log.warn(
      { stream: d.stream, field: d.field, current: d.current, builtIn: d.wanted },
      `stream ${d.stream}: ${d.field} is ${d.current}, tickflow would create it with ${d.wanted}; kept as it is (tickflow streams apply changes it)`,
    );
}
