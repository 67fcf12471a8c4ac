import { renderFindings } from '../../reporters/text/index.js';
import { SELFTEST_KERNEL, describeCell, renderSelftestDetails, renderSelftestTable, runSelftest, type SelftestResult } from '../../selftest/index.js';
import { EXIT, textContextFor, type CliContext, type RegisterCommand } from '../context.js';

export interface SelftestArgs {
  kernel: string;
  format: 'text' | 'json';
  verbose: boolean;
  splats: boolean;
  /** Restrict --verbose / --splats to test functions whose name contains this. */
  only?: string;
}

/** The lockdep reports of the selected cells, each under a `--- fn ---` line (debug_locks_verbose). */
function renderSplats(r: SelftestResult, only: string | undefined, kernel: string): string {
  let out = '';
  for (const c of r.cells) {
    if (only && !c.fn.includes(only)) continue;
    if (!c.findings.length && !c.apiWarnings.length) continue;
    out += `--- ${c.fn}: ${describeCell(c)}\n`;
    if (c.findings.length) out += renderFindings(c.findings, textContextFor(c.scenario, kernel));
  }
  return out;
}

function selftestCommand(a: SelftestArgs, ctx: CliContext): void {
  const r = runSelftest(a.kernel);
  if (a.format === 'json') {
    const cells = r.cells.map((c) => ({
      row: c.row,
      fn: c.fn,
      expected: c.expected,
      result: c.ok ? 'ok' : 'FAILED',
      debugLocks: c.debugLocks,
      reason: describeCell(c),
      findings: c.findings.map((f) => f.kind),
      apiWarnings: c.apiWarnings,
    }));
    ctx.io.stdout(`${JSON.stringify({ kernel: r.kernel, total: r.total, passed: r.successes, failed: r.failures, cells }, null, 2)}\n`);
  } else {
    ctx.io.stdout(renderSelftestTable(r));
    if (a.verbose) {
      const sel = a.only ? { ...r, cells: r.cells.filter((c) => c.fn.includes(a.only!)) } : r;
      if (sel.cells.length) ctx.io.stdout(`\n${renderSelftestDetails(sel)}`);
    }
    if (a.splats) ctx.io.stdout(renderSplats(r, a.only, a.kernel));
  }
  ctx.io.stderr(`lockdep-sim: selftest: ${r.successes} of ${r.total} testcases as the 6.1 kernel expects${r.failures ? `, ${r.failures} FAILED` : ''}\n`);
  ctx.setExit(r.failures ? EXIT.findings : EXIT.clean);
}

export const registerSelftest: RegisterCommand = (y, ctx) =>
  y.command(
    'selftest',
    "run the kernel's locking API self-tests (lib/locking-selftest.c, 6.1) through the validator and print the kernel's table",
    (c) =>
      c
        .option('kernel', { type: 'string', default: SELFTEST_KERNEL, describe: 'kernel version whose lockdep to emulate (the expectations stay 6.1\'s)' })
        .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'output format' })
        .option('verbose', { type: 'boolean', default: false, describe: 'after the table, one line per test: its kernel function and what switched debug_locks off' })
        .option('splats', { type: 'boolean', default: false, describe: 'print the lockdep report of every test that produced one' })
        .option('only', { type: 'string', describe: 'limit --verbose and --splats to test functions containing this text, e.g. ww_test' }),
    (args) => {
      const a: SelftestArgs = { kernel: args.kernel, format: args.format, verbose: args.verbose, splats: args.splats };
      if (args.only !== undefined) a.only = args.only;
      selftestCommand(a, ctx);
    },
  );
