import { existsSync } from 'node:fs';
import type { Clock } from '@tickflow/core';
import { ConfigError, type Logger, readSettingFile } from '@tickflow/runtime';
import type { FeedConfig } from './config.ts';
import {
  binanceSource,
  coinbaseSource,
  ExchangeSource,
  type ExchangeSourceSettings,
  SourceConfigError,
} from './sources/exchange-source.ts';
import { createWsMapper, parseWsMapping, WsMappingError } from './sources/generic.ts';
import {
  ColumnMappingError,
  parseColumnMapping,
  type ReplayColumns,
  ReplaySource,
} from './sources/replay.ts';
import { SyntheticSource } from './sources/synthetic-source.ts';
import { parseTimestamp } from './sources/timestamps.ts';
import type { TickSource } from './sources/types.ts';

export { SourceConfigError };

/** Builds the configured source; a setting that makes no sense for it is a SourceConfigError. */
export function createSource(config: FeedConfig, clock: Clock, log: Logger): TickSource {
  switch (config.source) {
    case 'synthetic': {
      // "now" is when pacing starts (the source reads its clock then), not now, before start-up.
      const startTs = config.start === 'now' ? undefined : Date.parse(config.start) * 1000;
      return new SyntheticSource({
        ...(startTs === undefined ? {} : { startTs }),
        venue: config.venue ?? 'synth',
        symbols: config.symbols,
        seed: config.seed,
        stepMicros: (1e6 / config.rate) * config.timeScale,
        rate: config.rate,
        pace: config.pace,
        count: config.count,
        regimeSwitchProb: config.regimes,
        jumpProb: config.jumps,
        clock,
      });
    }
    case 'binance':
    case 'coinbase': {
      const settings: ExchangeSourceSettings & { symbols: string[]; url?: string } = {
        symbols: config.markets.split(','),
        clock,
        log,
        staleAfterMs: config.staleAfter * 1000,
        onAlarm: (alarm) => log.error(alarm, 'source alarm'),
        ...(config.url ? { url: config.url } : {}),
      };
      return config.source === 'binance' ? binanceSource(settings) : coinbaseSource(settings);
    }
    case 'ws': {
      if (!config.mapping)
        throw new SourceConfigError('--source ws needs --mapping <venue mapping JSON file>');
      let mapping: ReturnType<typeof parseWsMapping>;
      try {
        mapping = parseWsMapping(JSON.parse(readSettingFile(config.mapping, 'mapping')));
      } catch (err) {
        if (err instanceof ConfigError) throw err;
        const why = err instanceof WsMappingError || err instanceof SyntaxError ? err.message : String(err);
        throw new SourceConfigError(`--mapping ${config.mapping}: ${why}`, { cause: err });
      }
      const url = config.url ?? mapping.url;
      if (!url) throw new SourceConfigError('--source ws needs --url or a url in the mapping');
      return new ExchangeSource({
        name: mapping.venue,
        venue: mapping.venue,
        url,
        map: createWsMapper(mapping),
        subscribeMessages: mapping.subscribe.map((m) => JSON.stringify(m)),
        clock,
        log,
        staleAfterMs: config.staleAfter * 1000,
        onAlarm: (alarm) => log.error(alarm, 'source alarm'),
      });
    }
    case 'replay': {
      if (!config.file)
        throw new SourceConfigError('--source replay needs --file <path to a CSV or NDJSON tick file>');
      if (!existsSync(config.file)) throw new SourceConfigError(`--file ${config.file}: no such file`);
      const micros = (iso: string | undefined, flag: string) => {
        if (iso === undefined) return undefined;
        const t = parseTimestamp(iso);
        if (!t.ok) throw new SourceConfigError(`${flag}: ${t.reason}`);
        return t.micros;
      };
      const from = micros(config.from, '--from');
      const to = micros(config.to, '--to');
      let columns: ReplayColumns | undefined;
      try {
        columns = config.columns === undefined ? undefined : parseColumnMapping(config.columns);
      } catch (err) {
        if (!(err instanceof ColumnMappingError)) throw err;
        throw new SourceConfigError(`--columns ${config.columns}: ${err.message}`, { cause: err });
      }
      const ignore = config.ignoreColumns?.split(',').map((n) => n.trim());
      return new ReplaySource({
        file: config.file,
        venue: config.venue ?? 'replay',
        speed: config.speed,
        clock,
        ...(config.replayFormat ? { format: config.replayFormat as 'csv' | 'ndjson' } : {}),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        ...(columns ? { columns } : {}),
        ...(ignore ? { ignoreColumns: ignore } : {}),
      });
    }
  }
}
