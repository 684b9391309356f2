import { type ConfigOf, int, str } from '@tickflow/runtime';
import { eodSpec } from '../config.ts';

const { date: _date, ...runOptions } = eodSpec;

/** `eod serve`: every `eod run` option but --date, plus the port and the session close. */
export const eodServeSpec = {
  ...runOptions,
  port: int({
    flag: 'port',
    env: 'TICKFLOW_EOD_PORT',
    description: 'HTTP port',
    default: 8083,
    min: 0,
    max: 65535,
  }),
  close: str({
    flag: 'close',
    env: 'TICKFLOW_EOD_CLOSE',
    description:
      'session close, HH:MM UTC: the day is processed then (00:00–03:59 closes the UTC day just ended)',
    default: '00:05',
    pattern: /^([01]\d|2[0-3]):[0-5]\d$/,
    hint: 'HH:MM',
  }),
};

export type EodServeConfig = ConfigOf<typeof eodServeSpec>;
