import {
  createLogger,
  createRegistry,
  Lifecycle,
  type Logger,
  listen,
  loadHttpSecurity,
  type ServiceHandle,
} from '@tickflow/runtime';
import { runEod } from '../run.ts';
import { buildEodApp } from './app.ts';
import { type EodServeConfig, eodServeSpec } from './config.ts';
import { parseCloseTime } from './schedule.ts';
import { EodScheduler } from './scheduler.ts';

/**
 * `tickflow eod serve`: runs each trading date's end of day at the session close (`--close`) and
 * serves the reports over REST. One process, one DuckDB writer.
 */
export async function startEodServer(
  config: EodServeConfig,
  log: Logger = createLogger('eod', config.logLevel),
  now: () => number = Date.now,
): Promise<ServiceHandle & { scheduler: EodScheduler }> {
  const security = loadHttpSecurity(config);
  const registry = createRegistry('eod');
  const scheduler = new EodScheduler(parseCloseTime(config.close), {
    now,
    log,
    runDay: async (date) => {
      const { report } = await runEod({ ...config, date }, log);
      return { clean: report.reconciliation.clean };
    },
  });
  const app = buildEodApp({ reportsDir: config.reportsDir, scheduler, registry, security });
  const port = await listen(app, config.host, config.port, eodServeSpec.port);
  scheduler.start();
  log.info({ port, close: config.close, next: scheduler.next?.date }, 'eod serve started');
  const lifecycle = new Lifecycle(log)
    .onClose('scheduler', () => scheduler.stop())
    .onClose('http', () => app.close());
  return { done: new Promise<void>(() => {}), close: () => lifecycle.close(), port, scheduler };
}
