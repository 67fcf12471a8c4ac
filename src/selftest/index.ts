/**
 * The kernel's locking API self-tests (lib/locking-selftest.c, 6.1) ported to scenarios and run
 * through the validator: cases.ts holds the tests, evaluate.ts runs them, render.ts prints the
 * kernel's table. Every cell of the 6.1 table is expressed; notes on fidelity:
 * - rtmutex column: an rt_mutex map is LD_WAIT_SLEEP and taken exclusively, i.e. the `mutex` kind.
 * - Wound/wait rows: ww_mutex's own DEBUG_WW_MUTEXES checks are modelled in ww-mutex.ts; some
 *   cells fail through those checks alone, not through lockdep (CellResult.apiWarnings says so).
 * - Not in the 6.1 table, so not ported: the wait-context table (newer kernels, and only with
 *   CONFIG_PROVE_RAW_LOCK_NESTING; it needs threaded-hardirq context, which the model lacks) and
 *   the lockdep_set_subclass() name test (6.12).
 * - The table text has no dmesg timestamps.
 */
export { LOCKING_SELFTEST, selftestCases, type Expect, type SelftestCase, type SelftestLine } from './cases.js';
export { SELFTEST_KERNEL, runCase, runSelftest, type CellResult, type SelftestResult } from './evaluate.js';
export { Kapi, Program, lockVar, type ApiWarning, type Flavour, type IrqKind, type LockName, type LockVar } from './program.js';
export { describeCell, renderSelftestDetails, renderSelftestTable, renderSummary } from './render.js';
