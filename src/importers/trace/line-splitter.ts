/**
 * Splits a byte stream into lines without copying: each chunk is scanned with indexOf('\n') (memchr)
 * and lines are handed out as (buffer, start, end). Only a line that straddles two chunks is copied.
 */
export type LineHandler = (buf: Uint8Array, start: number, end: number, line: number) => void;

export class LineSplitter {
  private rest: Uint8Array | undefined;
  /** Lines handed out so far (the 1-based number of the last one). */
  line = 0;
  /** Bytes consumed so far. */
  bytes = 0;

  constructor(private readonly onLine: LineHandler) {}

  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    let pos = 0;
    if (this.rest) {
      const j = joinRest(this.rest, buf);
      if ('rest' in j) {
        this.rest = j.rest;
        return;
      }
      this.rest = undefined;
      this.onLine(j.line, 0, j.line.length, ++this.line);
      pos = j.next;
    }
    const n = buf.length;
    for (;;) {
      const nl = buf.indexOf(10, pos);
      if (nl < 0) break;
      this.onLine(buf, pos, nl, ++this.line);
      pos = nl + 1;
    }
    if (pos < n) this.rest = buf.subarray(pos);
  }

  /**
   * Flushes a last line without a newline; returns true when there was one. `dropRest`: the input
   * was cut short (Ctrl-C), so an unfinished last line is dropped, not read as a truncated one.
   */
  end(dropRest = false): boolean {
    const r = this.rest;
    this.rest = undefined;
    if (!r || !r.length || dropRest) return false;
    this.onLine(r, 0, r.length, ++this.line);
    return true;
  }
}

/**
 * An unfinished line `rest` (kept from the previous chunk) and the next chunk: the whole line and
 * where the chunk's next line starts, or, when the chunk has no newline, the longer unfinished line.
 */
export function joinRest(rest: Uint8Array, buf: Buffer): { line: Buffer; next: number } | { rest: Buffer } {
  const nl = buf.indexOf(10);
  if (nl < 0) return { rest: concat(rest, buf) };
  return { line: concat(rest, buf.subarray(0, nl)), next: nl + 1 };
}

function concat(a: Uint8Array, b: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
