/**
 * The record parser (records.ts) reads most lines through a fixed-column fast path and the rest
 * through the general line parser (line-parser.ts). Both must give the same record for every line:
 * checked on real boot-trace lines, on those lines with one byte changed anywhere (so the fast path
 * meets every way a line can leave the fixed layout), and on random cuts of the input.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteInterner } from '../../src/importers/trace/intern.js';
import { LineKind, TraceEvent, parseTraceLine } from '../../src/importers/trace/line-parser.js';
import { RECORD_SIZE, TraceRecordParser, type TraceBatch } from '../../src/importers/trace/records.js';

const BOOT = path.resolve(__dirname, '../../../shared/oracle/boot');
const LINES = (() => {
  const all = gunzipSync(readFileSync(path.join(BOOT, 'boot-trace.txt.gz'))).toString('latin1').split('\n');
  // the header, then a busy stretch (irqs, softirqs, trylocks, reads, many tasks)
  return [...all.slice(0, 12), ...all.slice(15000, 15600), ...all.slice(300000, 300400)];
})();

type Rec = (string | number)[];

/** Every line through the general parser: [kind, line, flags word, pid, cpu, hi, lo, name, comm] or [Bad, line, col, message]. */
function reference(text: Buffer): { recs: Rec[]; other: number; lost: number } {
  const names = new ByteInterner();
  const comms = new ByteInterner();
  const ev = new TraceEvent();
  const recs: Rec[] = [];
  let other = 0;
  let lost = 0;
  let start = 0;
  let line = 0;
  while (start < text.length) {
    let end = text.indexOf(10, start);
    const last = end < 0;
    if (last) end = text.length;
    line++;
    const kind = parseTraceLine(text, start, end, ev, names, comms);
    if (kind === LineKind.Acquire || kind === LineKind.Release) {
      const flags = [ev.hasFlags, ev.irqsOff, ev.bhOff, ev.trylock, ev.read, ev.ctx].join(',');
      recs.push([kind, line, flags, ev.pid, ev.cpu, ev.addrHi, ev.addrLo, names.str(ev.name), comms.str(ev.comm)]);
    } else if (kind === LineKind.Bad) recs.push([kind, line, ev.errorCol, ev.error, last ? 1 : 0]);
    else if (kind === LineKind.OtherEvent) other++;
    else if (kind === LineKind.Lost) lost += ev.lost;
    start = end + 1;
  }
  return { recs, other, lost };
}

/** The same through TraceRecordParser, fed in pieces cut at `cuts`. */
function viaRecords(text: Buffer, cuts: number[] = [], batchEvents?: number): { recs: Rec[]; other: number; lost: number } {
  const names: string[] = [];
  const comms: string[] = [];
  const maps: number[] = [];
  const recs: Rec[] = [];
  let other = 0;
  let lost = 0;
  const parser = new TraceRecordParser((b: TraceBatch) => {
    names.push(...b.names);
    comms.push(...b.comms);
    maps.push(...b.maps);
    other += b.otherEvents;
    lost += b.lostEvents;
    for (let i = 0; i < b.count; i++) {
      const r = b.records.subarray(i * RECORD_SIZE, (i + 1) * RECORD_SIZE);
      const kind = r[0]! & 15;
      if (kind === LineKind.Bad) {
        recs.push([kind, r[1]!, r[2]!, b.errors[r[4]!]!, (r[0]! >> 7) & 1]);
        continue;
      }
      const w = r[0]!;
      const flags = [(w & 16) !== 0, (w & 32) !== 0, (w & 64) !== 0, (w & 128) !== 0, (w & 256) !== 0, (w >>> 9) & 7].join(',');
      const m = r[4]!;
      recs.push([kind, r[1]!, flags, r[2]!, r[3]!, maps[m * 3]! >>> 0, maps[m * 3 + 1]! >>> 0, names[maps[m * 3 + 2]!]!, comms[r[5]!]!]);
    }
    parser.recycle(b.records);
  }, batchEvents);
  let prev = 0;
  for (const c of [...new Set(cuts)].sort((a, b) => a - b).concat(text.length)) {
    if (c <= prev) continue;
    parser.push(text.subarray(prev, c));
    prev = c;
  }
  parser.end();
  return { recs, other, lost };
}

describe('trace records: the fixed-column fast path agrees with the general parser', () => {
  it('on real trace lines, however the input is cut', () => {
    const text = Buffer.from(LINES.join('\n') + '\n', 'latin1');
    const want = reference(text);
    expect(want.recs.length).toBeGreaterThan(900);
    expect(viaRecords(text)).toEqual(want);
    expect(viaRecords(text, [], 7)).toEqual(want); // small batches
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 8 }), (cuts) => {
        expect(viaRecords(text, cuts)).toEqual(want);
      }),
      { numRuns: 30 },
    );
  });

  it('on lines with one byte changed (any position, any byte)', () => {
    const sample = LINES.slice(12);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ line: fc.nat(sample.length - 1), pos: fc.nat(120), byte: fc.constantFrom(0x20, 0x09, 0x0a, 0x0d, 0x2d, 0x2e, 0x3a, 0x5b, 0x5d, 0x23, 0x30, 0x39, 0x66, 0x78, 0x61, 0x7a, 0x00, 0xff) }),
          { minLength: 1, maxLength: 20 },
        ),
        (edits) => {
          const lines = sample.slice(0, 60).map((l) => Buffer.from(l, 'latin1'));
          for (const { line, pos, byte } of edits) {
            const b = lines[line % lines.length]!;
            if (b.length) b[pos % b.length] = byte;
          }
          const text = Buffer.concat(lines.flatMap((b) => [b, Buffer.from('\n')]));
          expect(viaRecords(text)).toEqual(reference(text));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('on every single-byte change of a few lines (each between unchanged copies, so the caches hit)', () => {
    const events = LINES.slice(12);
    const sample = [
      events[0]!,
      events.find((l) => l.includes(': lock_release: '))!,
      ...events.filter((l) => / (try|read) /.test(l)).slice(0, 2),
      ...events.filter((l) => l[33] === 'h' || l[33] === 's').slice(0, 2),
    ];
    expect(sample.filter(Boolean)).toHaveLength(6);
    const bytes = [0x20, 0x09, 0x0a, 0x0d, 0x2d, 0x2e, 0x3a, 0x5b, 0x5d, 0x23, 0x30, 0x39, 0x66, 0x78, 0x64, 0x68, 0x00, 0xff];
    const parts: Buffer[] = [];
    for (const l of sample) {
      const orig = Buffer.from(l, 'latin1');
      for (let pos = 0; pos < orig.length; pos++) {
        for (const byte of bytes) {
          const m = Buffer.from(orig);
          m[pos] = byte;
          parts.push(orig, Buffer.from('\n'), m, Buffer.from('\n'));
        }
      }
    }
    const text = Buffer.concat(parts);
    expect(viaRecords(text)).toEqual(reference(text));
  });

  it('on a map address reused by another name, and a name reused at another address', () => {
    const l = (addr: string, name: string, comm = 'kworker/0:1', pid = 7) =>
      `${comm.padStart(16)}-${String(pid).padEnd(7)} [000] d..1.    12.000001: lock_acquire: ${addr} ${name}`;
    const text = Buffer.from(
      [
        l('ffff888000000010', '&a->lock'),
        l('ffff888000000010', '&b->lock'),
        l('ffff888000000010', '&a->lock'),
        l('ffff888000000020', '&a->lock'),
        l('ffff888000000010', '&a->lock ', 'other', 7),
        l('ffff888000000010', '&a->lock\r', 'other', 8),
        l('ffff888000000010', 'try read x', 'c', 12345678),
      ].join('\n'),
    );
    const got = viaRecords(text);
    expect(got).toEqual(reference(text));
    expect(got.recs.map((r) => r[7])).toEqual(['&a->lock', '&b->lock', '&a->lock', '&a->lock', '&a->lock', '&a->lock', 'x']);
  });
});
