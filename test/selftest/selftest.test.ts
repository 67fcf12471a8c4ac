import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { registerSelftest } from '../../src/cli/commands/selftest.js';
import type { FindingKind } from '../../src/model/findings.js';
import {
  LOCKING_SELFTEST,
  renderSelftestTable,
  runSelftest,
  selftestCases,
  type CellResult,
  type SelftestLine,
} from '../../src/selftest/index.js';

const BOOT = path.resolve(__dirname, '../../../shared/oracle/boot/boot-selftests.txt');

/** The kernel's table as message text: dmesg's `[    0.491785] ` prefixes removed. */
const kernelTable = readFileSync(BOOT, 'utf8').replace(/^\[\s*\d+\.\d+\] /gm, '');

/** Every printed cell of the kernel's table: row name and verdict, in print order. */
function kernelCells(table: string): { row: string; verdict: string }[] {
  const out: { row: string; verdict: string }[] = [];
  for (const line of table.split('\n')) {
    const m = /^(.{33}):(.*)$/.exec(line);
    if (!m || !/(  ok  |FAILED|failed)\|/.test(m[2]!)) continue;
    for (const v of m[2]!.matchAll(/(  ok  |FAILED|failed)\|/g)) out.push({ row: m[1]!.trim(), verdict: v[1]!.trim() });
  }
  return out;
}

const result = runSelftest();
const byFn = new Map(result.cells.map((c) => [c.fn, c]));
const cellOf = (fn: string): CellResult => {
  const c = byFn.get(fn);
  if (!c) throw new Error(`no cell ${fn}`);
  return c;
};

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  let code = 0;
  const ctx = { io: { stdout: (s: string) => (out += s), stderr: (s: string) => (err += s) }, setExit: (c: number) => (code = c) };
  await registerSelftest(yargs(argv).strict().exitProcess(false), ctx).parseAsync();
  return { code, out, err };
}

describe('locking API self-tests (lib/locking-selftest.c, 6.1.192)', () => {
  it('has a cell for every cell the 6.1 kernel printed, row by row', () => {
    const kernel = kernelCells(kernelTable);
    expect(kernel).toHaveLength(358);
    expect(result.cells.map((c) => c.row)).toEqual(kernel.map((c) => c.row));
  });

  it('is ok wherever the 6.1 kernel printed ok', () => {
    const kernel = kernelCells(kernelTable);
    const wrong = result.cells.filter((c, i) => kernel[i]!.verdict === 'ok' && !c.ok).map((c) => `${c.fn}: ${c.expected}`);
    expect(wrong).toEqual([]);
    expect(result.failures).toBe(0);
    expect(result.successes).toBe(358);
  });

  it('renders the kernel table byte for byte (without dmesg timestamps)', () => {
    expect(renderSelftestTable(result)).toBe(kernelTable);
  });

  it('expects what the kernel expects: 239 failures to provoke, 119 clean runs', () => {
    const cases = selftestCases();
    expect(cases.filter((c) => c.expected === 'FAILURE')).toHaveLength(239);
    expect(cases.filter((c) => c.expected === 'SUCCESS')).toHaveLength(119);
    expect(new Set(cases.map((c) => c.fn)).size).toBe(cases.length);
  });

  it('gets every expected failure from the report lockdep would print for it', () => {
    const kinds = (fn: string): FindingKind[] => cellOf(fn).findings.map((f) => f.kind);
    expect(kinds('AA_spin')).toEqual(['recursive']);
    expect(kinds('AA_rtmutex')).toEqual(['recursive']);
    expect(kinds('AA_rlock')).toEqual([]);
    expect(kinds('ABBA_mutex')).toEqual(['circular']);
    expect(kinds('ABCDBCDA_rsem')).toEqual(['circular']);
    expect(kinds('double_unlock_wsem')).toEqual(['bad-unlock']);
    expect(kinds('init_held_rlock')).toEqual(['held-lock-freed']);
    expect(kinds('rlock_chaincache_ABBA1')).toEqual(['circular']);
    expect(kinds('W1R2_W2R3_W3R1_231')).toEqual(['circular']);
    expect(kinds('irqsafe1_hard_spin_12')).toEqual(['inconsistent']);
    expect(kinds('irqsafe2A_wlock_21')).toEqual(['inconsistent']);
    expect(kinds('irqsafe3_soft_spin_123')).toEqual(['inconsistent']);
    expect(kinds('irqsafe4_soft_spin_321')).toEqual(['irq-safe-unsafe']);
    expect(kinds('irqsafe4_hard_wlock_123')).toEqual(['irq-inversion']);
    expect(kinds('queued_read_lock_hardirq_RE_Er')).toEqual(['circular']);
    expect(kinds('queued_read_lock_hardirq_inversion')).toEqual(['irq-inversion']);
    expect(kinds('fs_reclaim_wrong_nesting')).toEqual(['recursive']);
    expect(kinds('local_lock_3B')).toEqual(['irq-safe-unsafe']);
    expect(kinds('hardirq_deadlock_softirq_not_deadlock')).toEqual(['irq-safe-unsafe']);
    expect(kinds('ww_test_two_contexts')).toEqual(['recursive']);
    expect(kinds('ww_test_spin_block')).toEqual(['wait-context']);
    expect(kinds('ww_test_spin_nest_unlocked')).toEqual(['nested-not-taken']);
  });

  it('leaves the ww_mutex API misuse checks to the ww layer, not to lockdep', () => {
    const c = cellOf('ww_test_context_done_twice');
    expect(c.findings).toEqual([]);
    expect(c.apiWarnings.map((w) => w.condition)).toEqual(['ctx->done_acquire']);
    expect(cellOf('ww_test_edeadlk_normal').apiWarnings).toEqual([]);
    expect(cellOf('ww_test_edeadlk_no_unlock').apiWarnings.map((w) => w.condition)).toEqual(['ww_ctx->acquired > 0']);
  });

  it('prints FAILED and the BUG summary when a cell disagrees', () => {
    const flipped: SelftestLine[] = LOCKING_SELFTEST.map((l) =>
      l.kind === 'row' ? { ...l, parts: l.parts.map((p) => (typeof p !== 'string' && p.fn === 'ABBA_spin' ? { ...p, expected: 'SUCCESS' as const } : p)) } : l,
    );
    const r = runSelftest(undefined, flipped);
    const text = renderSelftestTable(r);
    expect(text).toContain('                 A-B-B-A deadlock:FAILED|  ok  |');
    expect(text.trimEnd().split('\n').slice(-3)).toEqual([
      '-'.repeat(65),
      'BUG:   1 unexpected failures (out of 358) - debugging disabled! |',
      '-'.repeat(65),
    ]);
  });

  it('tells the eras apart: 5.1 lockdep cannot see the recursive-read deadlocks 6.1 catches', () => {
    const r = runSelftest('5.1.0');
    const failed = r.cells.filter((c) => !c.ok).map((c) => c.fn);
    expect(failed).toContain('W1R2_W2R3_W3R1_123');
    expect(failed).not.toContain('AA_spin');
  });
});

describe('lockdep-sim selftest', () => {
  it('prints the table and exits 0 when every cell is ok', async () => {
    const r = await cli('selftest');
    expect(r.code).toBe(0);
    expect(r.out).toBe(kernelTable);
    expect(r.err).toMatch(/358 of 358 testcases/);
  });

  it('lists what decided each test with --verbose --only', async () => {
    const r = await cli('selftest', '--verbose', '--only', 'ww_test_spin');
    expect(r.out).toMatch(/^ok +ww_test_spin_block +expected FAILURE +wait-context \(ww_lockdep_mutex\)$/m);
    expect(r.out).toMatch(/^ok +ww_test_spin_try +expected SUCCESS +no report$/m);
    expect(r.out).not.toMatch(/^ok +AA_spin/m);
  });

  it('prints the lockdep reports with --splats', async () => {
    const r = await cli('selftest', '--splats', '--only', 'AA_spin');
    expect(r.out).toContain('--- AA_spin: recursive (lock_X -> lock_X)');
    expect(r.out).toContain('WARNING: possible recursive locking detected');
  });

  it('writes JSON with one entry per cell', async () => {
    const r = await cli('selftest', '--format', 'json');
    const j = JSON.parse(r.out) as { total: number; failed: number; cells: { fn: string; result: string }[] };
    expect(j.total).toBe(358);
    expect(j.failed).toBe(0);
    expect(j.cells.find((c) => c.fn === 'local_lock_3B')?.result).toBe('ok');
  });

  it('exits 1 when the emulated kernel disagrees with the 6.1 expectations', async () => {
    const r = await cli('selftest', '--kernel', '5.1.0');
    expect(r.code).toBe(1);
    expect(r.out).toContain('FAILED|');
    expect(r.err).toMatch(/FAILED/);
  });
});
