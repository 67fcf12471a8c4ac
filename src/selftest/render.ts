/**
 * The self-test table as locking_selftest() prints it: print_testname() is printk("%33s:"),
 * each dotest() appends `  ok  |` or `FAILED|`, and the summary block follows. The text is the
 * kernel log's message text, without the `[    0.491785] ` timestamps dmesg adds.
 */
import type { Finding } from '../model/findings.js';
import type { CellResult, SelftestResult } from './evaluate.js';

const pad3 = (n: number) => String(n).padStart(3);

/** The summary lines locking_selftest() ends with (no PROVE_LOCKING-less "expected failures" branch). */
export function renderSummary(r: Pick<SelftestResult, 'successes' | 'failures' | 'total'>): string[] {
  if (r.failures) {
    const rule = '-'.repeat(65);
    return [rule, `BUG: ${pad3(r.failures)} unexpected failures (out of ${pad3(r.total)}) - debugging disabled! |`, rule];
  }
  return ['-'.repeat(55), `Good, all ${pad3(r.successes)} testcases passed! |`, '-'.repeat(33)];
}

/** The table text, one line per printk record, ending with a newline. */
export function renderSelftestTable(r: SelftestResult): string {
  const cells = r.cells[Symbol.iterator]();
  const out: string[] = [];
  for (const l of r.lines) {
    if (l.kind === 'text') {
      out.push(l.text);
      continue;
    }
    let s = `${l.name.padStart(33)}:`;
    for (const part of l.parts) {
      if (typeof part === 'string') s += part;
      else s += cells.next().value!.ok ? '  ok  |' : 'FAILED|';
    }
    out.push(s);
  }
  out.push(...renderSummary(r));
  return `${out.join('\n')}\n`;
}

function findingSummary(f: Finding): string {
  switch (f.kind) {
    case 'circular':
    case 'recursive':
      return `${f.kind} (${f.prev.cls.name} -> ${f.next.cls.name})`;
    case 'bad-unlock':
      return `bad-unlock (${f.mapName})`;
    case 'inconsistent':
      return `inconsistent {${f.oldUsage}} -> {${f.newUsage}} (${f.lock.cls.name})`;
    case 'irq-inversion':
      return `irq-inversion ${f.stateWord} (${f.lock.cls.name}, ${f.other.name})`;
    case 'irq-safe-unsafe':
      return `irq-safe-unsafe ${f.stateWord} (${f.safe.name} -> ${f.unsafe.name})`;
    case 'wait-context':
      return `wait-context (${f.next.cls.name})`;
    case 'held-lock-freed':
      return `held-lock-freed (${f.lock.cls.name})`;
    case 'nested-not-taken':
      return `nested-not-taken (${f.next.cls.name} under ${f.nestName})`;
    default:
      return f.kind;
  }
}

/** What switched debug_locks off in a cell, or `no report`. */
export function describeCell(c: CellResult): string {
  const why = [...c.findings.map(findingSummary), ...c.apiWarnings.map((w) => `DEBUG_LOCKS_WARN_ON(${w.condition}) in ${w.fn}`)];
  return why.length ? why.join('; ') : 'no report';
}

/** One line per cell: verdict, function, expectation and what happened. */
export function renderSelftestDetails(r: SelftestResult): string {
  const w = Math.max(...r.cells.map((c) => c.fn.length));
  const lines = r.cells.map((c) => `${c.ok ? 'ok    ' : 'FAILED'} ${c.fn.padEnd(w)}  expected ${c.expected.padEnd(7)}  ${describeCell(c)}`);
  return `${lines.join('\n')}\n`;
}
