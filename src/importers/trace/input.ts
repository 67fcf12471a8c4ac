/**
 * Opening a trace (or events log) for streaming: chunked reading with transparent gunzip, and the
 * input errors of a read. Used by the CLI and by the parser worker (so it imports nothing heavy).
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { LockdepSimError } from '../../diag/error.js';
import { gunzip, gunzipVerified } from './gunzip.js';

/** What a Linux pipe holds: a read that returns less found it drained. */
export const PIPE_BUF = 64 << 10;

/** Read and gunzip in 4 MiB pieces (fewer, larger buffers: measurably faster than 1 MiB or 64 KiB). */
export const CHUNK = 4 << 20;

export function ioError(file: string, e: unknown, what = 'read'): LockdepSimError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const gz = code?.startsWith('Z_') || /incorrect header|unexpected end|invalid/i.test((e as Error)?.message ?? '');
  return new LockdepSimError([
    {
      code: 'io',
      message: gz ? `cannot decompress ${file}: ${(e as Error).message}` : `cannot ${what} ${file}${code ? ` (${code})` : ''}`,
      span: { file, line: 1, col: 1 },
      hint: gz ? 'the file starts like gzip but is damaged or truncated; try zcat on it' : code === 'ENOENT' ? 'check the path' : 'check the file permissions',
    },
  ]);
}

/** An input opened for streaming: its chunks (decompressed when gzip) and how far reading got. */
export interface InputStream {
  chunks: AsyncIterable<Buffer>;
  /** Raw bytes read so far, and the total when known (a file). */
  progress(): { read: number; total?: number };
  /** Stops reading before the end (Ctrl-C): a pending read no longer keeps the process alive. */
  close?(): void;
}

/** How to read: `verifyCrc` checks each gzip member's CRC-32 (zlib's gunzip; slower). */
export interface InputOptions {
  verifyCrc?: boolean;
}

/**
 * Opens FILE (or stdin for `-`) for chunked reading; gzip is recognised by its magic bytes. A FIFO
 * is read like a file (its size is unknown).
 */
export function openInput(file: string, stdin?: NodeJS.ReadableStream, opts: InputOptions = {}): InputStream {
  const inflate = opts.verifyCrc ? gunzipVerified : gunzip;
  let total: number | undefined;
  let raw: NodeJS.ReadableStream & { bytesRead?: number };
  if (file === '-') raw = stdin ?? process.stdin;
  else {
    try {
      const st = statSync(file);
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      if (st.isFile()) total = st.size;
    } catch (e) {
      throw ioError(file, e);
    }
    raw = createReadStream(file, { highWaterMark: CHUNK });
  }
  let read = 0;
  async function* chunks(): AsyncGenerator<Buffer> {
    const it = (raw as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    let first: IteratorResult<Buffer>;
    try {
      first = await it.next();
    } catch (e) {
      throw ioError(file, e);
    }
    if (first.done) return;
    const head = Buffer.isBuffer(first.value) ? first.value : Buffer.from(first.value);
    read += head.length;
    async function* rawChunks(): AsyncGenerator<Buffer> {
      yield head;
      for (;;) {
        let r: IteratorResult<Buffer>;
        try {
          r = await it.next();
        } catch (e) {
          throw ioError(file, e);
        }
        if (r.done) return;
        const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
        read += b.length;
        yield b;
      }
    }
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      try {
        for await (const c of inflate(rawChunks(), CHUNK)) yield c;
      } catch (e) {
        if (e instanceof LockdepSimError) throw e;
        throw ioError(file, e);
      }
    } else {
      yield* rawChunks();
    }
  }
  return {
    chunks: chunks(),
    progress: () => (total === undefined ? { read } : { read, total }),
    close: () => {
      const r = raw as NodeJS.ReadableStream & { destroy?: () => void };
      if (r === process.stdin) process.stdin.pause();
      r.destroy?.();
    },
  };
}

/** What the parser thread reads. */
export interface ParserInput extends InputStream {
  /**
   * A live source (a pipe, a FIFO, trace_pipe): chunks are what each read gave, as soon as it gave
   * it, and the caller should not hold parsed records back waiting for more.
   */
  live: boolean;
}

/**
 * Opens FILE (or stdin for `-`) for the parser thread: synchronous reads (the thread has nothing else
 * to do meanwhile). A file comes in CHUNK-sized pieces, each filled by as many reads as it takes, in
 * one reused buffer: a chunk is valid until the next one is asked for. A live source (anything but a
 * file of known size: a pipe, a FIFO, tracefs' trace_pipe) comes a read at a time, so that what it
 * gives is validated while it is quiet. gzip is recognised by its magic bytes.
 *
 * A read of a quiet live source blocks in the kernel, where the thread cannot be stopped: after
 * Ctrl-C the CLI prints what was found and ends the process by the signal (cli/parser-thread.ts).
 * Reading such sources through the event loop instead would cost a quarter more time on a fast pipe.
 */
export function openBlockingInput(file: string, opts: InputOptions = {}): ParserInput {
  const inflate = opts.verifyCrc ? gunzipVerified : gunzip;
  let fd: number;
  let total: number | undefined;
  let live: boolean;
  try {
    if (file === '-') {
      fd = 0;
      live = !fstatSync(0).isFile();
    } else {
      const st = statSync(file);
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      live = !(st.isFile() && st.size > 0); // trace_pipe is a "regular" file of size 0 that never ends
      if (!live) total = st.size;
      fd = openSync(file, 'r');
    }
  } catch (e) {
    throw ioError(file, e);
  }
  let read = 0;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  /** One read into buf[at..]: the bytes read, 0 at the end. */
  const readSome = (buf: Buffer, at: number): number => {
    for (;;) {
      try {
        return readSync(fd, buf, at, buf.length - at, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // a non-blocking descriptor (inherited so) with nothing to read yet: wait a little
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') Atomics.wait(pause, 0, 0, 1);
        else if (code === 'EOF') return 0;
        else throw ioError(file, e);
      }
    }
  };
  /**
   * Fills buf from the input; returns the bytes read (0 at the end). A live source: until a read
   * returns less than a full pipe (it found the source drained: what it gives is handed out now).
   */
  const fill = (buf: Buffer): number => {
    let n = 0;
    while (n < buf.length) {
      const got = readSome(buf, n);
      if (got === 0) break;
      n += got;
      if (live && got < PIPE_BUF) break;
    }
    read += n;
    return n;
  };
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      let n = fill(buf);
      if (!n) return;
      while (n < 2 && live) {
        const m = fill(buf.subarray(n));
        if (!m) break;
        n += m;
      }
      if (n >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
        // gzip: the rest of the (much smaller) compressed input is read asynchronously (a file, by the
        // thread pool) while this thread parses
        const first = buf.subarray(0, n);
        async function* raw(): AsyncGenerator<Buffer> {
          yield first;
          if (!live) {
            for await (const b of createReadStream('', { fd, highWaterMark: CHUNK, autoClose: false })) {
              read += (b as Buffer).length;
              yield b as Buffer;
            }
            return;
          }
          for (;;) {
            const b = Buffer.allocUnsafe(PIPE_BUF);
            const got = fill(b);
            if (!got) return;
            yield b.subarray(0, got);
          }
        }
        try {
          for await (const c of inflate(raw(), CHUNK)) yield c;
        } catch (e) {
          if (e instanceof LockdepSimError) throw e;
          throw ioError(file, e);
        }
        return;
      }
      yield buf.subarray(0, n);
      for (;;) {
        const m = fill(buf); // the parser keeps nothing of the previous chunk
        if (!m) return;
        yield buf.subarray(0, m);
      }
    } finally {
      if (fd !== 0) closeSync(fd);
    }
  }
  return { chunks: chunks(), progress: () => (total === undefined ? { read } : { read, total }), live };
}
