import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The files of a report directory the dashboard links to, best first. */
export const REPORT_FILES = ['report.html', 'report.md', 'report.json'] as const;
export const REPORT_TYPES: Record<string, string> = {
  'report.html': 'text/html; charset=utf-8',
  // text/plain so the browser shows it rather than downloading it
  'report.md': 'text/plain; charset=utf-8',
  'report.json': 'application/json; charset=utf-8',
};
export const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The newest `<dir>/<YYYY-MM-DD>/` holding a report file, with the files it holds; null if none. */
export async function latestReport(dir: string): Promise<{ date: string; files: string[] } | null> {
  let dates: string[];
  try {
    dates = (await readdir(dir))
      .filter((d) => DATE.test(d))
      .sort()
      .reverse();
  } catch {
    return null; // no reports yet
  }
  for (const date of dates) {
    let names: string[];
    try {
      names = await readdir(join(dir, date));
    } catch {
      continue;
    }
    const files = REPORT_FILES.filter((f) => names.includes(f));
    if (files.length) return { date, files };
  }
  return null;
}
