/**
 * The trace importer's gunzip (framing in JavaScript, raw inflate in zlib, no CRC-32) against
 * zlib's own gunzip: the same output for good input however it is chunked (one or more members,
 * every optional header field, zero padding), and the same zlib error for bad input.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gunzip, gunzipVerified } from '../../src/importers/trace/gunzip.js';

async function* pieces(b: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let prev = 0;
  for (const c of [...new Set(cuts)].sort((x, y) => x - y).concat(b.length)) {
    if (c <= prev) continue;
    yield b.subarray(prev, c);
    prev = c;
  }
}

async function ours(b: Buffer, cuts: number[] = [], chunkSize = 1 << 10): Promise<{ out: string } | { error: string; code: string }> {
  const parts: Buffer[] = [];
  try {
    for await (const c of gunzip(pieces(b, cuts), chunkSize)) parts.push(Buffer.from(c));
    return { out: Buffer.concat(parts).toString('latin1') };
  } catch (e) {
    return { error: (e as Error).message, code: (e as NodeJS.ErrnoException).code! };
  }
}

function theirs(b: Buffer): { out: string } | { error: string; code: string } {
  try {
    return { out: gunzipSync(b).toString('latin1') };
  } catch (e) {
    return { error: (e as Error).message, code: (e as NodeJS.ErrnoException).code! };
  }
}

/** A gzip member with the optional header fields set by `flags` (FHCRC 2, FEXTRA 4, FNAME 8, FCOMMENT 16). */
function member(text: string, flags: number): Buffer {
  const z = gzipSync(Buffer.from(text, 'latin1'));
  const body = z.subarray(10);
  const head = Buffer.from(z.subarray(0, 10));
  head[3] = flags;
  const extra: Buffer[] = [];
  if (flags & 4) extra.push(Buffer.from([3, 0, 1, 2, 3]));
  if (flags & 8) extra.push(Buffer.from('name.txt\0', 'latin1'));
  if (flags & 16) extra.push(Buffer.from('a comment\0', 'latin1'));
  if (flags & 2) {
    const c = Buffer.alloc(2);
    c.writeUInt16LE(crc32(Buffer.concat([head, ...extra])) & 0xffff);
    extra.push(c);
  }
  return Buffer.concat([head, ...extra, body]);
}

function crc32(b: Uint8Array): number {
  let c = -1;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ -1) >>> 0;
}

const text = fc.string({ unit: fc.constantFrom('a', 'b', '\n', 'lock_acquire: ', 'ffff888', ' '), maxLength: 3000 });

describe('gunzip without CRC-32', () => {
  it('gives what zlib gives for one or more members, every header field, zero padding, any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ text, flags: fc.constantFrom(0, 2, 4, 8, 16, 30) }), { minLength: 1, maxLength: 3 }),
        fc.nat(12),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (members, pad, cuts) => {
          const b = Buffer.concat([...members.map((m) => member(m.text, m.flags)), Buffer.alloc(pad)]);
          const want = theirs(b);
          expect(want).toHaveProperty('out');
          expect(await ours(b, cuts.map((c) => c % (b.length + 1)))).toEqual(want);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('fails like zlib on a truncated, padded-with-garbage or damaged input (but not on a wrong CRC)', async () => {
    const good = member('x'.repeat(500) + 'hello\n'.repeat(300), 8);
    const cases: [string, Buffer][] = [
      ['truncated in the data', good.subarray(0, 30)],
      ['truncated in the trailer', good.subarray(0, good.length - 3)],
      ['truncated in the header', good.subarray(0, 5)],
      ['garbage after a member', Buffer.concat([good, Buffer.from('xyz')])],
      ['a second header cut short', Buffer.concat([good, Buffer.from([0x1f, 0x8b, 8, 0, 0])])],
      ['wrong length in the trailer', Buffer.concat([good.subarray(0, good.length - 1), Buffer.from([good[good.length - 1]! ^ 1])])],
      ['reserved flags', Buffer.concat([good.subarray(0, 3), Buffer.from([0xe0]), good.subarray(4)])],
      ['not deflate', Buffer.concat([good.subarray(0, 2), Buffer.from([7]), good.subarray(3)])],
      ['a wrong header CRC', (() => {
        const m = member('abc\n', 2);
        m[6]! ^= 1; // a byte of MTIME: the header no longer matches its CRC
        return m;
      })()],
    ];
    for (const [what, b] of cases) {
      const want = theirs(b);
      expect(want, what).toHaveProperty('error');
      const got = await ours(b, [7, 19]);
      expect(got, what).toHaveProperty('error');
      if ('error' in want && 'error' in got) expect(got.code, what).toBe(want.code);
    }
    // damaged deflate data: an error too (its code may differ: zlib may notice it by the CRC only)
    expect(await ours(Buffer.concat([good.subarray(0, 25), Buffer.from([0xff, 0xff, 0xff]), good.subarray(28)]), [7, 19])).toHaveProperty('error');
    // zlib reports a wrong CRC-32; this gunzip does not check it
    const badCrc = Buffer.from(good);
    badCrc[badCrc.length - 5]! ^= 1;
    expect(theirs(badCrc)).toMatchObject({ error: 'incorrect data check' });
    expect(await ours(badCrc)).toEqual({ out: gunzipSync(good).toString('latin1') });
  });

  it('streams: a large member comes out in chunks of at most chunkSize', async () => {
    const big = Buffer.alloc(5 << 20, 'lock_acquire: ffff888000001000 &a->lock\n');
    const z = gzipSync(big);
    let n = 0;
    let max = 0;
    for await (const c of gunzip(pieces(z, [1000, 5000]), 1 << 20)) {
      n += c.length;
      max = Math.max(max, c.length);
    }
    expect(n).toBe(big.length);
    expect(max).toBeLessThanOrEqual(1 << 20);
  });
});

describe('gunzipVerified (--verify-crc): zlib gunzip, CRC-32 checked', () => {
  async function verified(b: Buffer, cuts: number[] = []): Promise<{ out: string } | { error: string; code: string }> {
    const parts: Buffer[] = [];
    try {
      for await (const c of gunzipVerified(pieces(b, cuts), 1 << 10)) parts.push(Buffer.from(c));
      return { out: Buffer.concat(parts).toString('latin1') };
    } catch (e) {
      return { error: (e as Error).message, code: (e as NodeJS.ErrnoException).code! };
    }
  }

  it('gives what the unverified gunzip gives on good input, and rejects a wrong CRC-32', async () => {
    const good = Buffer.concat([member('x'.repeat(500) + 'hello\n'.repeat(300), 8), member('second\n', 0)]);
    expect(await verified(good, [7, 19, 600])).toEqual(await ours(good, [7, 19, 600]));
    const badCrc = Buffer.from(good);
    badCrc[badCrc.length - 5]! ^= 1; // the second member's CRC-32
    expect(await verified(badCrc, [7, 19])).toEqual({ error: 'incorrect data check', code: 'Z_DATA_ERROR' });
    expect(await ours(badCrc)).toHaveProperty('out');
  });

  it('fails like zlib on truncated input, whatever the chunking', async () => {
    const good = member('abc\n'.repeat(100), 0);
    expect(await verified(good.subarray(0, good.length - 3), [5])).toEqual(theirs(good.subarray(0, good.length - 3)));
  });
});
