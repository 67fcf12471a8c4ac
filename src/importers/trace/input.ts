/**
 * Opening a trace (or events log) for streaming: chunked reading with transparent gunzip, and the
 * input errors of a read. Used by the CLI and by the parser worker (so it imports nothing heavy).
 */
import { closeSync, constants, createReadStream, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { LockdepSimError } from '../../diag/error.js';
import { gunzip, gunzipVerified } from './gunzip.js';

/** Waits between reads of a quiet live source: from MIN_WAIT_MS, doubling up to MAX_WAIT_MS. */
const MIN_WAIT_MS = 0.5;
const MAX_WAIT_MS = 16;

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

/**
 * Opens FILE (or stdin for `-`) for chunked reading; gzip is recognised by its magic bytes. A FIFO
 * is read like a file (its size is unknown).
 */
/** How to read: `verifyCrc` checks each gzip member's CRC-32 (zlib's gunzip; slower). */
export interface InputOptions {
  verifyCrc?: boolean;
}

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

/**
 * Opens FILE (or stdin for `-`) for the parser thread: synchronous reads (the thread has nothing else
 * to do meanwhile) into CHUNK-sized buffers, each filled by as many reads as a pipe needs (a pipe
 * gives 64 KiB at a time; Node's streams would hand out each piece in a fresh buffer). Plain text
 * comes in one reused buffer: a chunk is valid until the next one is asked for. gzip is recognised
 * by its magic bytes.
 *
 * Nothing here ever blocks in the kernel: a thread blocked in read() cannot be stopped, and the
 * process could not exit after Ctrl-C while a live source (trace_pipe, a FIFO, a pipe) is quiet.
 * So FILE is opened O_NONBLOCK, and stdin is non-blocking when it is a pipe (the main thread opens
 * process.stdin first: cli/parser-thread.ts); a read that would block waits a little and tries
 * again. When a live source pauses, what was read is handed out at once, and idle() says so (the
 * caller then flushes what it parsed, so reports do not wait for more input).
 */
export function openBlockingInput(file: string, opts: InputOptions = {}): InputStream & { idle(): boolean } {
  const inflate = opts.verifyCrc ? gunzipVerified : gunzip;
  let fd: number;
  let total: number | undefined;
  /** A FIFO: reads return 0 until a writer opens it. */
  let fifo = false;
  let regular = false;
  try {
    if (file === '-') {
      fd = 0;
      const st = fstatSync(0);
      regular = st.isFile();
      fifo = st.isFIFO();
    } else {
      const st = statSync(file);
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      regular = st.isFile() && st.size > 0; // tracefs' trace_pipe is a "regular" file of size 0
      if (regular) total = st.size;
      fifo = st.isFIFO();
      fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    }
  } catch (e) {
    throw ioError(file, e);
  }
  let read = 0;
  let seen = false;
  let idle = false;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let backoff = MIN_WAIT_MS;
  /** One read: bytes read, 0 at the end, -1 when it would block (or a FIFO has no writer yet). */
  const readSome = (buf: Buffer, at: number): number => {
    let got: number;
    try {
      got = readSync(fd, buf, at, buf.length - at, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return -1;
      if (code === 'EOF') return 0;
      throw ioError(file, e);
    }
    if (got === 0 && fifo && !seen) return -1;
    if (got > 0) {
      seen = true;
      backoff = MIN_WAIT_MS;
    }
    return got;
  };
  const nextWait = (): number => {
    const w = backoff;
    backoff = Math.min(backoff * 2, MAX_WAIT_MS);
    return w;
  };
  /** Fills buf from the input; returns the bytes read (0 at the end). */
  const fill = (buf: Buffer): number => {
    let n = 0;
    idle = false;
    while (n < buf.length) {
      const got = readSome(buf, n);
      if (got < 0) {
        // a live source with nothing more yet: hand out what there is, or wait a little
        if (n) {
          idle = true;
          break;
        }
        Atomics.wait(pause, 0, 0, nextWait());
        continue;
      }
      if (got === 0) break;
      n += got;
    }
    read += n;
    return n;
  };
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      const n = fill(buf);
      if (!n) return;
      if (n >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
        // gzip: the rest of the (much smaller) compressed input is read asynchronously while this
        // thread parses: a file by the thread pool, a live source by polling
        const first = buf.subarray(0, n);
        async function* raw(): AsyncGenerator<Buffer> {
          yield first;
          if (regular) {
            for await (const b of createReadStream('', { fd, highWaterMark: CHUNK, autoClose: false })) {
              read += (b as Buffer).length;
              yield b as Buffer;
            }
            return;
          }
          for (;;) {
            const b = Buffer.allocUnsafe(1 << 16);
            const got = readSome(b, 0);
            if (got === 0) return;
            if (got < 0) {
              await new Promise((r) => setTimeout(r, nextWait()));
              continue;
            }
            read += got;
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
  return { chunks: chunks(), progress: () => (total === undefined ? { read } : { read, total }), idle: () => idle };
}
