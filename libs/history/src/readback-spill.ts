import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Values per row: lane, seq, ts, price, size, side, recvTs (all DOUBLE, as read from DuckDB). */
export const ROW_VALUES = 7;
const ROW_BYTES = ROW_VALUES * 8;
/** Rows buffered per group before they go to its file (~460 KB a group). */
const BLOCK_ROWS = 8192;
/** Rows handed to `read`'s visitor at most at once. */
export const READ_BLOCK_ROWS = BLOCK_ROWS * 8;

/**
 * Rows of the day's read-back sorted into groups of lanes on disk, in one pass: each group's rows
 * go to its own file, in the order they came, and are read back group by group. This is what keeps
 * the reconciliation's memory flat as a day grows: only one group's columns are ever in memory,
 * and DuckDB is asked for the day once (a filtered query per group would scan the day once per
 * group, which grows as the square of the day).
 */
export class GroupSpill {
  private readonly dir: string;
  private readonly files: string[];
  /** Open while being written; emptied when closed (never closed twice). */
  private readonly fds: number[];
  private readonly blocks: Float64Array[];
  private readonly filled: number[];
  readonly rows: number[];

  constructor(parent: string, groups: number) {
    this.dir = mkdtempSync(join(parent, 'readback-'));
    this.files = Array.from({ length: groups }, (_, g) => join(this.dir, `group-${g}.f64`));
    this.fds = this.files.map((f) => openSync(f, 'w'));
    this.blocks = Array.from({ length: groups }, () => new Float64Array(BLOCK_ROWS * ROW_VALUES));
    this.filled = new Array<number>(groups).fill(0);
    this.rows = new Array<number>(groups).fill(0);
  }

  /** Appends one row (ROW_VALUES values from `values` at `at`… one per column array) to group `g`. */
  add(g: number, lane: number, row: readonly Float64Array[], r: number): void {
    const block = this.blocks[g] as Float64Array;
    let at = (this.filled[g] as number) * ROW_VALUES;
    block[at++] = lane;
    for (let c = 1; c < ROW_VALUES; c++) block[at++] = (row[c] as Float64Array)[r] as number;
    this.rows[g] = (this.rows[g] as number) + 1;
    const filled = (this.filled[g] as number) + 1;
    this.filled[g] = filled;
    if (filled === BLOCK_ROWS) this.flush(g);
  }

  private flush(g: number): void {
    const n = this.filled[g] as number;
    if (n === 0) return;
    const block = this.blocks[g] as Float64Array;
    writeSync(this.fds[g] as number, new Uint8Array(block.buffer, 0, n * ROW_BYTES));
    this.filled[g] = 0;
  }

  /** Ends the writing: every group's rows are in its file. */
  finish(): void {
    for (let g = 0; g < this.fds.length; g++) this.flush(g);
    this.closeFiles();
    this.blocks.length = 0;
  }

  /**
   * Closes the files being written, once: a descriptor closed twice may by then be another file's
   * (DuckDB's spill files were: "Bad file descriptor" at a 50 M-tick close).
   */
  private closeFiles(): void {
    const fds = this.fds.splice(0);
    for (const fd of fds) closeSync(fd);
  }

  /** Group `g`'s rows in the order they were added, a block at a time: `visit(values, rows)`. */
  read(g: number, visit: (values: Float64Array, rows: number) => void): void {
    const fd = openSync(this.files[g] as string, 'r');
    const buffer = new Float64Array(READ_BLOCK_ROWS * ROW_VALUES);
    const bytes = new Uint8Array(buffer.buffer);
    try {
      let carry = 0;
      for (;;) {
        const got = readSync(fd, bytes, carry, bytes.length - carry, null);
        const total = carry + got;
        const rows = Math.floor(total / ROW_BYTES);
        if (rows > 0) visit(buffer, rows);
        carry = total - rows * ROW_BYTES;
        // A partial row (a short read) moves to the front to be completed by the next read.
        if (carry > 0) bytes.copyWithin(0, rows * ROW_BYTES, total);
        if (got === 0) break;
      }
      if (carry !== 0) throw new Error(`read-back spill file ${this.files[g]} ends inside a row`);
    } finally {
      closeSync(fd);
    }
  }

  /** Removes the files (also after an error). */
  remove(): void {
    this.closeFiles();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
