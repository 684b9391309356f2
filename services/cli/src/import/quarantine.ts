import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** One bad row as the quarantine file keeps it. */
export interface QuarantinedRow {
  /** The zip entry the row is in (a zip's rows are numbered per entry). */
  entry?: string;
  /** The data row's number in the file or entry (1-based; header and blank lines not counted). */
  row: number;
  code: string;
  reason: string;
  /** The row as written in the file (a trade's JSON when the reader kept no text). */
  raw: string;
}

const FLUSH_LINES = 1024;

/**
 * A file's bad rows, one JSON object per line, in `path`: replaced by each import of the file (a
 * clean re-import leaves none), created only when there is a bad row, written in batches.
 */
export class Quarantine {
  private fd: number | undefined;
  private lines: string[] = [];
  private count = 0;

  constructor(private readonly path: string) {
    rmSync(path, { force: true });
  }

  add(row: QuarantinedRow): void {
    this.lines.push(JSON.stringify(row));
    this.count++;
    if (this.lines.length >= FLUSH_LINES) this.flush();
  }

  private flush(): void {
    if (this.lines.length === 0) return;
    if (this.fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'w');
    }
    writeSync(this.fd, `${this.lines.join('\n')}\n`);
    this.lines = [];
  }

  /** Writes what is left and closes; the path if any row was quarantined. */
  close(): string | undefined {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    return this.count > 0 ? this.path : undefined;
  }
}
