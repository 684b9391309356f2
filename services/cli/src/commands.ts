import { type BotConfig, botSpec, startBot } from '@tickflow/bot';
import { type EodConfig, eodSpec, runEod } from '@tickflow/eod';
import { type FeedConfig, feedSpec, startFeed } from '@tickflow/feed';
import { addOptions, createLogger, resolveConfig, runUntilSignal, type Spec } from '@tickflow/runtime';
import { type SignalsConfig, signalsSpec, startSignals } from '@tickflow/signals';
import { Command } from 'commander';
import { demoSpec, runDemo } from './demo.ts';

/** Every spec the CLI knows, so an unknown TICKFLOW_* variable can be named as a likely typo. */
export const ALL_SPECS: Spec[] = [feedSpec, signalsSpec, botSpec, eodSpec, demoSpec];

const config = <S extends Spec>(spec: S, flags: Record<string, unknown>) =>
  resolveConfig(spec, flags, process.env);

export function buildProgram(): Command {
  const program = new Command('tickflow')
    .description(
      'Market tick processor: feed → NATS JetStream → signals → paper bot → DuckDB end-of-day reports',
    )
    .showHelpAfterError('(run with --help for usage)');

  addOptions(program.command('demo'), demoSpec)
    .description('run feed, signals and bot on a compressed session, then the end-of-day report')
    .action(async (flags) => {
      process.exitCode = await runDemo(config(demoSpec, flags));
    });

  addOptions(program.command('feed'), feedSpec)
    .description(
      'publish ticks to TICKS from a synthetic market, a replay file, or Binance/Coinbase WebSockets',
    )
    .action(async (flags) => {
      const c: FeedConfig = config(feedSpec, flags);
      const log = createLogger('feed', c.logLevel);
      await runUntilSignal(await startFeed(c, log), log);
    });

  addOptions(program.command('signals'), signalsSpec)
    .description('consume TICKS, run the SMA crossover, publish decisions; REST on --port')
    .action(async (flags) => {
      const c: SignalsConfig = config(signalsSpec, flags);
      const log = createLogger('signals', c.logLevel);
      await runUntilSignal(await startSignals(c, log), log);
    });

  addOptions(program.command('bot'), botSpec)
    .description('paper-trade the decisions: fills, positions, exact P&L; REST on --port')
    .action(async (flags) => {
      const c: BotConfig = config(botSpec, flags);
      const log = createLogger('bot', c.logLevel);
      await runUntilSignal(await startBot(c, log), log);
    });

  const eod = program.command('eod').description('end-of-day batch layer (DuckDB)');
  addOptions(eod.command('run'), eodSpec)
    .description("load a date's TICKS, DECISIONS, FILLS and REJECTS into DuckDB and write its report")
    .action(async (flags) => {
      const c: EodConfig = config(eodSpec, flags);
      const { report, paths } = await runEod(c, createLogger('eod', c.logLevel));
      const rec = report.reconciliation;
      process.stdout.write(
        `${report.date}: ${report.load.ticks} ticks, ${report.load.decisions} decisions, ${report.load.fills} fills; ` +
          `P&L ${report.pnl.total}; reconciliation ${rec.clean ? 'clean' : 'has breaks'}\n${paths.json}\n${paths.markdown}\n`,
      );
    });
  return program;
}
