/**
 * dotest() in our terms: record a test function's lockdep calls, replay them through the validator
 * the way the kernel runs them (one report switches lockdep off), and compare debug_locks with
 * the expected outcome. Like the kernel's dotest(), only "was debug_locks switched off" counts,
 * not which report did it; the finding kinds are kept for the detailed view.
 */
import type { Finding } from '../model/findings.js';
import type { Scenario } from '../model/scenario.js';
import { replay } from '../validator/replay.js';
import { LOCKING_SELFTEST, type Expect, type SelftestCase, type SelftestLine } from './cases.js';
import { Program, type ApiWarning } from './program.js';

/** The kernel the table comes from (the oracle's boot: `Linux version 6.1.192 ... #2`); the expectations are its. */
export const SELFTEST_KERNEL = '6.1.192 #2';

/** The outcome of one dotest() cell. */
export interface CellResult {
  /** The kernel's test function. */
  fn: string;
  /** print_testname() of the row it belongs to. */
  row: string;
  expected: Expect;
  /** debug_locks after the test: false when lockdep reported or a lock-debugging check fired. */
  debugLocks: boolean;
  /** Outcome matches the expectation (the kernel prints `  ok  |`, else `FAILED|`). */
  ok: boolean;
  /** Validator findings (at most one: the replay stops at the first, as the kernel does). */
  findings: Finding[];
  /** DEBUG_LOCKS_WARN_ON()s of the ww_mutex / mutex debugging layer (ww-mutex.ts). */
  apiWarnings: ApiWarning[];
  /** The scenario lockdep saw (for `--verbose` and for reproducing a cell with `run`). */
  scenario: Scenario;
}

export interface SelftestResult {
  kernel: string;
  cells: CellResult[];
  /** The lines with their cell results in place, for rendering. */
  lines: readonly SelftestLine[];
  /** testcase_successes / unexpected_testcase_failures / testcase_total */
  successes: number;
  failures: number;
  total: number;
}

/** Runs one dotest() cell. */
export function runCase(c: SelftestCase, row: string, kernel = SELFTEST_KERNEL): CellResult {
  const p = new Program(c.fn, c.forceReadLockRecursive);
  c.run(p);
  const scenario = p.toScenario(kernel);
  const report = replay(scenario, { kernel, stopAfterFirst: true });
  const apiWarnings = p.warnings.slice(0, 1);
  const debugLocks = report.findings.length === 0 && apiWarnings.length === 0;
  const ok = debugLocks === (c.expected === 'SUCCESS');
  return { fn: c.fn, row, expected: c.expected, debugLocks, ok, findings: report.findings, apiWarnings, scenario };
}

/** Runs the whole table: every cell on a fresh lockdep state (the kernel's reset_locks()). */
export function runSelftest(kernel = SELFTEST_KERNEL, lines: readonly SelftestLine[] = LOCKING_SELFTEST): SelftestResult {
  const cells: CellResult[] = [];
  for (const l of lines) {
    if (l.kind !== 'row') continue;
    for (const part of l.parts) if (typeof part !== 'string') cells.push(runCase(part, l.name, kernel));
  }
  const successes = cells.filter((c) => c.ok).length;
  return { kernel, cells, lines, successes, failures: cells.length - successes, total: cells.length };
}
