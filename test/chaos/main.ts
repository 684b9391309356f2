/**
 * `npm run chaos -- [options]`: the fault campaign (docs/RELIABILITY.md). Exit 0 when every audit
 * passes, 1 when one fails (or the campaign could not run), 2 on a usage error.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCampaign } from './campaign.ts';
import { ChaosUsageError, HELP, parseChaosArgs } from './options.ts';
import { renderTable } from './table.ts';

async function main(): Promise<number> {
  let options: ReturnType<typeof parseChaosArgs>;
  try {
    options = parseChaosArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof ChaosUsageError)) throw err;
    process.stderr.write(`tickflow chaos: ${err.message}\n\n${HELP}`);
    return 2;
  }
  if (!options) {
    process.stdout.write(HELP);
    return 0;
  }
  const result = await runCampaign(options, (line) => process.stdout.write(`${line}\n`));
  writeFileSync(join(options.out, 'chaos.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(renderTable(result));
  return result.pass ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`tickflow chaos failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
