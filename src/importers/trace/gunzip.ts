/**
 * gunzip for streaming traces, without the CRC-32 check. zlib's gunzip computes a CRC-32 of every
 * output byte, which costs about as much as the inflate itself (0.17 s of 0.45 s for the 439 MB
 * workload trace); here the gzip framing (RFC 1952) is read in JavaScript and only the deflate data
 * goes through zlib (raw inflate). A damaged deflate stream still fails to inflate, and the length
 * in each member's trailer (ISIZE) is checked; the CRC-32 is not.
 *
 * Behaves like zlib.createGunzip() otherwise: members are concatenated, zero bytes after a member
 * end the input, anything else after a member must be another member, and the errors carry zlib's
 * codes and messages ("incorrect header check", "unexpected end of file", ...). gunzipVerified()
 * is zlib's gunzip, CRC-32 and all, for when the check is wanted.
 */
import { once } from 'node:events';
import { createGunzip, createInflateRaw, type InflateRaw } from 'node:zlib';

const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;

function zlibError(message: string, code: 'Z_DATA_ERROR' | 'Z_BUF_ERROR'): Error {
  return Object.assign(new Error(message), { code, errno: code === 'Z_DATA_ERROR' ? -3 : -5 });
}

/** The input, with bytes that can be put back (what a member's inflate did not consume). */
class Source {
  private readonly held: Buffer[] = [];
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  async next(): Promise<Buffer | null> {
    const h = this.held.pop();
    if (h) return h;
    if (this.done) return null;
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return null;
    }
    return r.value;
  }

  unshift(b: Buffer): void {
    if (b.length) this.held.push(b);
  }

  /** Exactly n bytes (fewer at the end of the input). */
  async take(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let have = 0;
    while (have < n) {
      const b = await this.next();
      if (!b) break;
      if (have + b.length > n) {
        this.unshift(b.subarray(n - have));
        parts.push(b.subarray(0, n - have));
        have = n;
      } else {
        parts.push(b);
        have += b.length;
      }
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** The bytes up to and including the next zero byte (a header's name or comment); undefined at the end. */
  async zeroTerminated(): Promise<Buffer | undefined> {
    const parts: Buffer[] = [];
    for (;;) {
      const b = await this.next();
      if (!b) return undefined;
      const z = b.indexOf(0);
      if (z >= 0) {
        this.unshift(b.subarray(z + 1));
        parts.push(b.subarray(0, z + 1));
        return Buffer.concat(parts);
      }
      parts.push(b);
    }
  }
}

/** Reads a member header; false at the end of the input (or zero padding) after the first member. */
async function header(src: Source, first: boolean): Promise<boolean> {
  const peek = await src.next();
  if (!peek) {
    if (first) throw zlibError('unexpected end of file', 'Z_BUF_ERROR');
    return false;
  }
  src.unshift(peek);
  if (!first && peek[0] === 0) return false; // zero padding after a member ends the input, as for zlib
  const h = await src.take(10);
  if (h.length < 10) {
    if (h[0] !== 0x1f || (h.length > 1 && h[1] !== 0x8b)) throw zlibError('incorrect header check', 'Z_DATA_ERROR');
    throw zlibError('unexpected end of file', 'Z_BUF_ERROR');
  }
  if (h[0] !== 0x1f || h[1] !== 0x8b) throw zlibError('incorrect header check', 'Z_DATA_ERROR');
  if (h[2] !== 8) throw zlibError('unknown compression method', 'Z_DATA_ERROR');
  const flags = h[3]!;
  if (flags & 0xe0) throw zlibError('unknown header flags set', 'Z_DATA_ERROR');
  const eof = () => zlibError('unexpected end of file', 'Z_BUF_ERROR');
  const bytes: Buffer[] = [h];
  if (flags & FEXTRA) {
    const x = await src.take(2);
    if (x.length < 2) throw eof();
    const len = x[0]! | (x[1]! << 8);
    const data = await src.take(len);
    if (data.length < len) throw eof();
    bytes.push(x, data);
  }
  for (const f of [FNAME, FCOMMENT]) {
    if (!(flags & f)) continue;
    const str = await src.zeroTerminated();
    if (!str) throw eof();
    bytes.push(str);
  }
  if (flags & FHCRC) {
    // the header's own CRC (the low 16 bits of its CRC-32), which zlib checks
    const c = await src.take(2);
    if (c.length < 2) throw eof();
    if (c.readUInt16LE(0) !== (crc32(Buffer.concat(bytes)) & 0xffff)) throw zlibError('header crc mismatch', 'Z_DATA_ERROR');
  }
  return true;
}

let crcTable: Int32Array | undefined;

/** CRC-32 (IEEE), for the few bytes of a gzip header. */
function crc32(b: Uint8Array): number {
  const t = (crcTable ??= Int32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c;
  }));
  let c = -1;
  for (let i = 0; i < b.length; i++) c = t[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/**
 * Inflates one member's deflate data. Input is written only while little output is waiting, so
 * memory stays bounded; what the inflate did not consume goes back to the source.
 */
async function* member(src: Source, chunkSize: number): AsyncGenerator<Buffer, number> {
  const inf: InflateRaw = createInflateRaw({ chunkSize });
  const out: Buffer[] = [];
  let outLen = 0;
  let ended = false;
  let error: Error | undefined;
  let wake: (() => void) | undefined;
  const signal = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  inf.on('data', (b: Buffer) => {
    out.push(b);
    outLen += b.length;
    if (out.length >= 2) inf.pause(); // until the consumer has taken them
    signal();
  });
  inf.on('end', () => {
    ended = true;
    signal();
  });
  inf.on('error', (e: Error) => {
    error = e;
    signal();
  });
  inf.on('drain', signal);
  // Input given to the inflate and not known to be consumed: [chunk, its offset in the member].
  const given: [Buffer, number][] = [];
  let givenBytes = 0;
  let inputEnded = false;
  try {
    for (;;) {
      while (out.length) yield out.shift()!;
      if (inf.isPaused()) inf.resume();
      if (error) throw error;
      if (ended) break;
      if (inputEnded || inf.writableNeedDrain) {
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      const c = await src.next();
      if (!c) {
        inputEnded = true;
        inf.end();
        continue;
      }
      // forget input the inflate has consumed
      while (given.length && given[0]![1] + given[0]![0].length <= inf.bytesWritten) given.shift();
      given.push([c, givenBytes]);
      givenBytes += c.length;
      inf.write(c);
    }
  } finally {
    inf.removeAllListeners();
    inf.on('error', () => {});
    inf.destroy();
  }
  // The deflate data ended: put back what follows it.
  const consumed = inf.bytesWritten;
  const rest: Buffer[] = [];
  for (const [b, at] of given) if (at + b.length > consumed) rest.push(at >= consumed ? b : b.subarray(consumed - at));
  for (let i = rest.length - 1; i >= 0; i--) src.unshift(rest[i]!);
  return outLen;
}

/**
 * The decompressed chunks of a gzip input (one or more members). `chunks` is the compressed input;
 * output chunks are at most `chunkSize` bytes.
 */
export async function* gunzip(chunks: AsyncIterable<Buffer>, chunkSize = 1 << 20): AsyncGenerator<Buffer> {
  const src = new Source(chunks[Symbol.asyncIterator]());
  for (let first = true; await header(src, first); first = false) {
    const m = member(src, chunkSize);
    let r = await m.next();
    while (!r.done) {
      yield r.value;
      r = await m.next();
    }
    const size = r.value;
    const trailer = await src.take(8);
    if (trailer.length < 8) throw zlibError('unexpected end of file', 'Z_BUF_ERROR');
    if (trailer.readUInt32LE(4) !== size % 2 ** 32) throw zlibError('incorrect length check', 'Z_DATA_ERROR');
  }
}

/**
 * The same as gunzip(), with every member's CRC-32 checked: zlib's own gunzip (`--verify-crc`; it
 * costs about as much again as the inflate). A mismatch is zlib's "incorrect data check".
 */
export async function* gunzipVerified(chunks: AsyncIterable<Buffer>, chunkSize = 1 << 20): AsyncGenerator<Buffer> {
  const g = createGunzip({ chunkSize });
  const feed = (async () => {
    for await (const c of chunks) if (!g.write(c)) await once(g, 'drain');
    g.end();
  })();
  feed.catch((e: Error) => g.destroy(e));
  for await (const b of g) yield b as Buffer;
  await feed;
}
