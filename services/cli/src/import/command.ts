import { importExitCode, runImport } from './run.ts';
import type { ImportConfig } from './spec.ts';
import { renderImportSummary } from './summary.ts';

/** `tickflow import FILE…`: the summary on stdout; the exit code (the worst file's). */
export async function runImportCommand(files: readonly string[], c: ImportConfig): Promise<number> {
  const reports = await runImport(files, c);
  process.stdout.write(renderImportSummary(reports));
  return importExitCode(reports);
}
