/**
 * Robustness of `import splat` (fast-check): random bytes, real reports cut anywhere, and real
 * reports with lines dropped, duplicated, re-wrapped or garbled never crash or hang the importer.
 * Each input gives either a scenario that parses and replays, or a LockdepSimError about the input
 * (never `internal`, never another exception).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockdepSimError } from '../../src/diag/error.js';
import { importSplat } from '../../src/importers/splat/index.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { replay } from '../../src/validator/replay.js';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus/splats');
const REPORTS = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((f) => readFileSync(path.join(CORPUS, f), 'utf8'));

/** Per input: well within a test timeout, far beyond what any report needs (a few ms). */
const MAX_MS = 2000;

type Outcome = 'scenario' | 'input-error';

function check(text: string): Outcome {
  const t0 = Date.now();
  let outcome: Outcome;
  try {
    const imp = importSplat(text, 'fuzz.txt');
    // The YAML must be a valid scenario, and replaying it must not throw.
    const scenario = parseScenario(imp.yaml, 'fuzz.yaml');
    replay(scenario, { stopAfterFirst: true });
    outcome = 'scenario';
  } catch (e) {
    if (!(e instanceof LockdepSimError)) throw e;
    const codes = e.issues.map((i) => i.code);
    if (codes.includes('internal')) throw new Error(`internal error: ${e.message}`);
    outcome = 'input-error';
  }
  const ms = Date.now() - t0;
  if (ms > MAX_MS) throw new Error(`took ${ms} ms`);
  return outcome;
}

const report = fc.integer({ min: 0, max: REPORTS.length - 1 }).map((i) => REPORTS[i]!);

/** One edit of a line list. */
const edit = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('dup' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('swap' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('wrap' as const), at: fc.nat(), col: fc.nat() }),
  fc.record({ op: fc.constant('garble' as const), at: fc.nat(), col: fc.nat(), text: fc.string({ maxLength: 8 }) }),
  fc.record({ op: fc.constant('quote' as const), at: fc.nat() }),
);

type Edit = { op: 'drop' | 'dup' | 'swap' | 'quote'; at: number } | { op: 'wrap'; at: number; col: number } | { op: 'garble'; at: number; col: number; text: string };

function apply(lines: string[], e: Edit): string[] {
  if (lines.length === 0) return lines;
  const i = e.at % lines.length;
  const out = [...lines];
  const l = out[i]!;
  switch (e.op) {
    case 'drop':
      out.splice(i, 1);
      break;
    case 'dup':
      out.splice(i, 0, l);
      break;
    case 'swap':
      if (i + 1 < out.length) [out[i], out[i + 1]] = [out[i + 1]!, l];
      break;
    case 'wrap': {
      const c = l.length ? e.col % l.length : 0;
      out.splice(i, 1, `${l.slice(0, c)} `, l.slice(c));
      break;
    }
    case 'garble': {
      const c = l.length ? e.col % l.length : 0;
      out[i] = l.slice(0, c) + e.text + l.slice(c + e.text.length);
      break;
    }
    case 'quote':
      out[i] = `> ${l}`;
      break;
  }
  return out;
}

describe('import splat never crashes or hangs', () => {
  it('on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (s) => {
        check(s);
      }),
      { numRuns: 300 },
    );
  });

  it('on random bytes (latin-1)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4000 }), (b) => {
        check(Buffer.from(b).toString('latin1'));
      }),
      { numRuns: 200 },
    );
  });

  it('on lockdep-looking noise (titles, lock lines, frames in random order)', () => {
    const pieces = [
      'WARNING: possible circular locking dependency detected',
      'WARNING: possible recursive locking detected',
      'WARNING: inconsistent lock state',
      'WARNING: possible irq lock inversion dependency detected',
      'WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected',
      '[ BUG: Invalid wait context ]',
      'WARNING: bad unlock balance detected!',
      'WARNING: held lock freed!',
      'WARNING: lock held when returning to user space!',
      'WARNING: Nested lock was not taken',
      '6.1.0 #1 Not tainted',
      'a/1 is trying to acquire lock:',
      'a/1 [HC0[0]:SC0[0]:HE0:SE1] takes:',
      'a/1 [HC0[0]:SC0[0]:HE0:SE1] is trying to acquire:',
      'a/1 just changed the state of lock:',
      'a/1 is trying to release lock (A) at:',
      'a/1 is freeing memory ffff-ffff, with a lock still held there!',
      'a/1 is trying to lock:',
      'a/1 is leaving the kernel with locks still held!',
      'but task is already holding lock:',
      'and this task is already holding:',
      'ffff888000000000 (A){+.+.}-{3:3}, at: f+0x1/0x2',
      'ffff888000000008 (B){-.-.}-{2:2}, at: g+0x1/0x2',
      ' (C){.+.+}-{0:0}',
      'which would create a new lock dependency:',
      ' (A){+.+.}-{3:3} -> (B){-.-.}-{2:2}',
      'but this new dependency connects a HARDIRQ-irq-safe lock:',
      'to a HARDIRQ-irq-unsafe lock:',
      '... which became HARDIRQ-irq-safe at:',
      'but this lock took another, SOFTIRQ-unsafe lock in the past:',
      'the existing dependency chain (in reverse order) is:',
      '-> #1 (B){+.+.}-{3:3}:',
      '-> #0 (A){+.+.}-{3:3}:',
      '-> (B){+.+.}-{3:3} {',
      '   IN-HARDIRQ-W at:',
      '   INITIAL USE at:',
      ' }',
      ' ... acquired at:',
      'the shortest dependencies between 2nd lock and 1st lock:',
      'the dependencies between HARDIRQ-irq-safe lock and the holding lock:',
      'the dependencies between the lock to be acquired',
      'inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage.',
      'inconsistent {INITIAL USE} -> {IN-NMI} usage.',
      '{IN-HARDIRQ-W} state was registered at:',
      'context-{4:4}',
      'but this task is not holding:',
      '2 locks held by a/1:',
      'no locks held by a/1.',
      ' #0: ffff888000000000 (A){+.+.}-{3:3}, at: f+0x1/0x2',
      ' #1: ffff888000000008 (B){-.-.}-{2:2}, at: g+0x1/0x2',
      ' #1: ffff888000000008 (A){+.+.}-{3:3}, at: g+0x1/0x2',
      'Chain exists of:',
      '  A --> B --> C',
      '  lock(A);',
      '  rlock(B);',
      'stack backtrace:',
      'CPU: 0 PID: 1 Comm: a Not tainted 6.1.0 #1',
      'Call Trace:',
      ' <IRQ>',
      ' </IRQ>',
      ' __lock_acquire+0x1/0x2',
      ' lock_acquire+0x1/0x2',
      ' foo+0x10/0x20',
      ' ? bar+0x1/0x2',
      ' __do_softirq+0x1/0x2',
      ' asm_sysvec_apic_timer_interrupt+0x1/0x2',
      'RIP: 0010:baz+0x1/0x2',
      '<snip>',
      '',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 60 }), fc.constantFrom('', '> ', '[  1.000000] ', '<4>[ 1.0][T1] '), (ls, prefix) => {
        check(ls.map((l) => prefix + l).join('\n'));
      }),
      { numRuns: 500 },
    );
  });

  it('on real reports cut anywhere (scenarios come out once the first lock line is in)', () => {
    fc.assert(
      fc.property(report, fc.double({ min: 0, max: 1, noNaN: true }), (text, frac) => {
        const lines = text.split('\n');
        check(lines.slice(0, Math.floor(lines.length * frac)).join('\n'));
      }),
      { numRuns: 300 },
    );
  });

  it('on real reports with lines dropped, duplicated, swapped, wrapped, garbled or quoted', () => {
    fc.assert(
      fc.property(report, fc.array(edit, { minLength: 1, maxLength: 12 }), (text, edits) => {
        check(edits.reduce(apply, text.split('\n')).join('\n'));
      }),
      { numRuns: 400 },
    );
  });

  it('on long lines (no super-linear regular expressions)', () => {
    for (const s of [
      `${'a/'.repeat(20000)}1 is trying`,
      `(${'('.repeat(20000)}`,
      `#0: ${'f'.repeat(20000)} (`,
      `-> #1 (${'x){'.repeat(5000)}`,
      `${'[<ffff>] '.repeat(5000)}x`,
      `WARNING: possible recursive locking detected\n${'a '.repeat(20000)}/1 is trying to acquire lock:`,
      `WARNING: possible recursive locking detected\n${' (A){+.+.}'.repeat(5000)}`,
    ]) {
      const t0 = Date.now();
      check(s);
      expect(Date.now() - t0).toBeLessThan(MAX_MS);
    }
  });
});
