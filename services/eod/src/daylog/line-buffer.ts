/**
 * A growable byte buffer of log lines: the archiver writes each line's bytes straight into it (no
 * string per line, no array of lines, no join), and a group commit writes `view()` in one go.
 */
export class LineBuffer {
  private buf: Uint8Array;
  /** Bytes used. */
  length = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = new Uint8Array(initialBytes);
  }

  /** Makes room for `n` more bytes and returns the array to write them into, at `length`. */
  reserve(n: number): Uint8Array {
    const need = this.length + n;
    if (need > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < need) size *= 2;
      const bigger = new Uint8Array(size);
      bigger.set(this.buf.subarray(0, this.length));
      this.buf = bigger;
    }
    return this.buf;
  }

  /** Appends a string as UTF-8. */
  pushString(s: string): void {
    const bytes = Buffer.from(s);
    this.reserve(bytes.length).set(bytes, this.length);
    this.length += bytes.length;
  }

  /** The bytes written so far (a view, not a copy). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}
