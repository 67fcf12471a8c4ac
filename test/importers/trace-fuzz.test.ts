/**
 * Robustness of the trace importer: random bytes, random but well-formed lock traces, and truncated
 * or mutated pieces of the real boot trace. Whatever the input, the importer either returns a report
 * or throws a LockdepSimError that names a line — never another exception, never a hang.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockdepSimError } from '../../src/diag/error.js';
import { TraceImporter, importTrace, type TraceImportResult } from '../../src/importers/trace/importer.js';

const BOOT = path.resolve(__dirname, '../../../shared/oracle/boot');
/** Lines 15000–17000 of the boot trace: many tasks, irqs, softirqs, nesting. */
const SAMPLE = (() => {
  const lines = gunzipSync(readFileSync(path.join(BOOT, 'boot-trace.txt.gz'))).toString('latin1').split('\n');
  return [...lines.slice(0, 12), ...lines.slice(15000, 17000)];
})();

/** Runs the importer; returns the result, or the error after checking it is a located input error. */
function safely(input: Uint8Array | string, lenient = false): TraceImportResult | LockdepSimError {
  try {
    return importTrace(input, { file: 'f.trace', lenient });
  } catch (e) {
    expect(e).toBeInstanceOf(LockdepSimError);
    const err = e as LockdepSimError;
    for (const i of err.issues) {
      expect(i.span?.file).toBe('f.trace');
      expect(i.span!.line).toBeGreaterThanOrEqual(1);
      expect(i.span!.col).toBeGreaterThanOrEqual(1);
      expect(i.hint).toBeTruthy();
    }
    return err;
  }
}

const line = fc
  .record({
    comm: fc.constantFrom('<idle>', 'init', 'kworker/0:1', 'a b', 'x-y'),
    pid: fc.integer({ min: 0, max: 4 }),
    cpu: fc.integer({ min: 0, max: 1 }),
    irq: fc.constantFrom('.', 'd', 'D', 'b'),
    ctx: fc.constantFrom('.', '.', '.', 'h', 's', 'H', 'z'),
    op: fc.constantFrom('acquire', 'release'),
    addr: fc.integer({ min: 1, max: 12 }),
    pre: fc.constantFrom('', 'try ', 'read ', 'try read '),
  })
  .map(({ comm, pid, cpu, irq, ctx, op, addr, pre }) => {
    const name = ['A', 'B', 'C', 'rcu_read_lock', '&x->wait', 'lock'][addr % 6];
    const a = (0xffff888000000000n + BigInt(addr) * 0x40n).toString(16);
    return `${comm.padStart(16)}-${String(pid).padEnd(7)} [00${cpu}] ${irq}.${ctx}1. 1.${String(addr).padStart(6, '0')}: lock_${op}: ${a} ${op === 'acquire' ? pre : ''}${name}`;
  });

describe('import trace: robustness', () => {
  it('random bytes: a report or a located input error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        safely(bytes);
        const r = safely(bytes, true);
        expect(r).not.toBeInstanceOf(LockdepSimError); // lenient mode skips what it cannot read
      }),
      { numRuns: 500 },
    );
  });

  it('random text lines: a report or a located input error', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 60 }), { maxLength: 30 }), (ls) => {
        safely(ls.join('\n'));
      }),
      { numRuns: 500 },
    );
  });

  it('random well-formed lock traces (any order, contexts, flags) always validate', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 120 }), (ls) => {
        const r = safely(ls.join('\n'));
        expect(r).not.toBeInstanceOf(LockdepSimError);
        const ok = r as TraceImportResult;
        expect(ok.stats.events).toBe(ls.length);
      }),
      { numRuns: 400 },
    );
  });

  it('truncated real traces: the cut line is skipped, everything before it counts', () => {
    const text = Buffer.from(SAMPLE.join('\n'), 'latin1');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: text.length }), (cut) => {
        const r = safely(text.subarray(0, cut));
        expect(r).not.toBeInstanceOf(LockdepSimError);
      }),
      { numRuns: 100 },
    );
  });

  it('mutated real traces (lines dropped, duplicated, swapped, bytes changed): a report or a located input error', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('dup' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), to: fc.nat() }),
      fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), col: fc.nat(), b: fc.integer({ min: 0, max: 255 }) }),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 20 }), fc.boolean(), (ms, lenient) => {
        const ls = [...SAMPLE];
        for (const m of ms) {
          if (!ls.length) break;
          const i = m.at % ls.length;
          if (m.kind === 'drop') ls.splice(i, 1);
          else if (m.kind === 'dup') ls.splice(i, 0, ls[i]!);
          else if (m.kind === 'swap') [ls[i], ls[m.to % ls.length]] = [ls[m.to % ls.length]!, ls[i]!];
          else {
            const l = ls[i]!;
            const c = l.length ? m.col % l.length : 0;
            ls[i] = l.slice(0, c) + String.fromCharCode(m.b) + l.slice(c + 1);
          }
        }
        const r = safely(Buffer.from(ls.join('\n'), 'latin1'), lenient);
        if (lenient) expect(r).not.toBeInstanceOf(LockdepSimError);
      }),
      { numRuns: 60 },
    );
  });

  it('a pathological line does not take quadratic time', () => {
    const imp = new TraceImporter({ file: 'f.trace', lenient: true });
    const t0 = performance.now();
    imp.push(Buffer.from(`${'1.1: '.repeat(200_000)}\n${'9'.repeat(1_000_000)}: lock_acquire: 1 x\n`));
    imp.end();
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
