/**
 * Opening a trace (or events log) for streaming: chunked reading with transparent gunzip, and the
 * input errors of a read. Used by the CLI and by the parser worker (so it imports nothing heavy).
 */
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { LockdepSimError } from '../../diag/error.js';
import { gunzip, gunzipVerified } from './gunzip.js';

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
  return { chunks: chunks(), progress: () => (total === undefined ? { read } : { read, total }) };
}

/**
 * Opens FILE (or stdin for `-`) for the parser thread: blocking reads (the thread has nothing else
 * to do meanwhile) into CHUNK-sized buffers, each filled by as many reads as a pipe needs (a pipe
 * gives 64 KiB at a time; Node's streams would hand out each piece in a fresh buffer). Plain text
 * comes in one reused buffer: a chunk is valid until the next one is asked for. gzip is recognised
 * by its magic bytes.
 */
export function openBlockingInput(file: string, opts: InputOptions = {}): InputStream {
  const inflate = opts.verifyCrc ? gunzipVerified : gunzip;
  let fd: number;
  let total: number | undefined;
  try {
    if (file === '-') fd = 0;
    else {
      const st = statSync(file);
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      if (st.isFile()) total = st.size;
      fd = openSync(file, 'r');
    }
  } catch (e) {
    throw ioError(file, e);
  }
  let read = 0;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  /** Fills buf from the input; returns the bytes read (0 at the end). */
  const fill = (buf: Buffer): number => {
    let n = 0;
    while (n < buf.length) {
      let got: number;
      try {
        got = readSync(fd, buf, n, buf.length - n, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          // a non-blocking stdin with nothing to read yet: hand out what there is, or wait a little
          if (n) break;
          Atomics.wait(pause, 0, 0, 0.5);
          continue;
        }
        if ((e as NodeJS.ErrnoException).code === 'EOF') break;
        throw ioError(file, e);
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
        // gzip: the rest of the (much smaller) compressed input is read asynchronously, by the
        // thread pool, while this thread parses
        const first = buf.subarray(0, n);
        async function* raw(): AsyncGenerator<Buffer> {
          yield first;
          for await (const b of createReadStream('', { fd, highWaterMark: CHUNK, autoClose: false })) {
            read += (b as Buffer).length;
            yield b as Buffer;
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
  return { chunks: chunks(), progress: () => (total === undefined ? { read } : { read, total }) };
}
