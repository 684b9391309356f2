import cliProgress from 'cli-progress';

export interface Progress {
  step(name: string): void;
  stop(): void;
}

const NONE: Progress = { step() {}, stop() {} };

/**
 * A one-line progress bar over the run's named steps, on stdout, only when stdout is a terminal:
 * piped or captured output (CI, tests, `> file`) stays free of control characters.
 */
export function stepProgress(steps: readonly string[], enabled = process.stdout.isTTY === true): Progress {
  if (!enabled) return NONE;
  const bar = new cliProgress.SingleBar(
    {
      format: 'eod [{bar}] {value}/{total} {step}',
      hideCursor: true,
      clearOnComplete: true,
      // stdout, whose TTY-ness decided to show it (cli-progress defaults to stderr).
      stream: process.stdout,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(steps.length, 0, { step: 'starting' });
  let done = 0;
  let stopped = false;
  return {
    step(name) {
      if (stopped) return;
      bar.update(done, { step: name });
      done = Math.min(done + 1, steps.length);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.update(steps.length, { step: 'done' });
      bar.stop();
    },
  };
}
