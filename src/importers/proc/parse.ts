/**
 * `/proc/lockdep` and `/proc/lockdep_chains` text → data (l_show() and lc_show() in
 * kernel/locking/lockdep_proc.c, reference §5.2 and §5.3). Accepts the whole file or an extract
 * (the oracle's `.deps` files have no `all lock classes:` line). Errors carry the line and column.
 */
import { inputError } from '../../diag/error.js';

/** One class block of /proc/lockdep. */
export interface ProcClass {
  /** Class (sub)key address as printed. */
  key: string;
  /** `OPS:` (CONFIG_DEBUG_LOCKDEP only). */
  ops?: number;
  fd: number;
  bd: number;
  /** Usage characters, e.g. `+.+.`. */
  usage: string;
  /** Printed name, with `#N` and `/N`. */
  name: string;
  /** Distance-1 forward dependencies, in the kernel's order. */
  after: { key: string; name: string }[];
  /** Line of the class header. */
  line: number;
}

/** One chain of /proc/lockdep_chains. */
export interface ProcChain {
  /** `0` (process), `softirq`, `hardirq`, `hardirq|softirq`; 5.1 prints 0–3 (bit0 softirq, bit1 hardirq). */
  irqContext: 'process' | 'softirq' | 'hardirq' | 'hardirq|softirq';
  /** Classes, bottom of the irq segment first; the last one created the chain. */
  classes: { key: string; name: string }[];
  line: number;
}

const CLASS_LINE = /^([0-9a-fA-F]{1,16})(?: OPS:\s*(\d+))? FD:\s*(\d+) BD:\s*(\d+) (\S+): (.*)$/;
const DEP_LINE = /^ -> \[([0-9a-fA-F]{1,16})\] (.*)$/;
const CHAIN_CLASS = /^\[([0-9a-fA-F]{1,16})\] (.*)$/;
const PROC_HINT = 'expected /proc/lockdep text: "all lock classes:", then "<key> [OPS: n ]FD: n BD: n <usage>: <name>" lines, each followed by " -> [<key>] <name>" lines and an empty line';
const CHAINS_HINT = 'expected /proc/lockdep_chains text: "all lock chains:", then blocks of "irq_context: <ctx>" and "[<key>] <name>" lines separated by empty lines';

function lines(text: string): string[] {
  const out = text.split('\n');
  if (out.length && out[out.length - 1] === '') out.pop();
  return out.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function checkText(text: string, file: string, hint: string): void {
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const before = text.slice(0, nul);
    const line = before.split('\n').length;
    throw inputError('script-syntax', 'binary data (a NUL byte) in a text file', { file, line, col: nul - before.lastIndexOf('\n') }, hint);
  }
}

/** Parses `/proc/lockdep` (or a `.deps` extract). */
export function parseProcLockdep(text: string, file: string): ProcClass[] {
  checkText(text, file, PROC_HINT);
  const out: ProcClass[] = [];
  let cur: ProcClass | undefined;
  const ls = lines(text);
  for (let i = 0; i < ls.length; i++) {
    const line = ls[i]!;
    const n = i + 1;
    if (line === '' || (i === 0 && line === 'all lock classes:')) {
      cur = undefined;
      continue;
    }
    const c = CLASS_LINE.exec(line);
    if (c) {
      cur = { key: c[1]!.toLowerCase(), fd: Number(c[3]), bd: Number(c[4]), usage: c[5]!, name: c[6]!, after: [], line: n };
      if (c[2] !== undefined) cur.ops = Number(c[2]);
      if (!cur.name) throw inputError('script-syntax', 'the class name is missing', { file, line: n, col: line.length + 1 }, PROC_HINT);
      out.push(cur);
      continue;
    }
    const d = DEP_LINE.exec(line);
    if (d) {
      if (!cur) throw inputError('script-syntax', 'a "->" dependency line outside a class block', { file, line: n, col: 1 }, PROC_HINT);
      cur.after.push({ key: d[1]!.toLowerCase(), name: d[2]! });
      continue;
    }
    throw inputError('script-syntax', `not a /proc/lockdep line: ${JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line)}`, { file, line: n, col: 1 }, PROC_HINT);
  }
  return out;
}

const CTX: Record<string, ProcChain['irqContext']> = {
  '0': 'process',
  softirq: 'softirq',
  hardirq: 'hardirq',
  'hardirq|softirq': 'hardirq|softirq',
  // 5.1 prints the number
  '1': 'softirq',
  '2': 'hardirq',
  '3': 'hardirq|softirq',
};

/** Parses `/proc/lockdep_chains`. */
export function parseProcLockdepChains(text: string, file: string): ProcChain[] {
  checkText(text, file, CHAINS_HINT);
  const out: ProcChain[] = [];
  let cur: ProcChain | undefined;
  const ls = lines(text);
  for (let i = 0; i < ls.length; i++) {
    const line = ls[i]!;
    const n = i + 1;
    if (line === '') {
      cur = undefined;
      continue;
    }
    if (i === 0 && /^(\(buggered\) )?all lock chains:$/.test(line)) continue;
    if (line.startsWith('irq_context: ')) {
      const ctx = CTX[line.slice(13)];
      if (!ctx) throw inputError('script-syntax', `unknown irq_context "${line.slice(13)}"`, { file, line: n, col: 14 }, CHAINS_HINT);
      cur = { irqContext: ctx, classes: [], line: n };
      out.push(cur);
      continue;
    }
    const c = CHAIN_CLASS.exec(line);
    if (c) {
      if (!cur) throw inputError('script-syntax', 'a class line before any "irq_context:" line', { file, line: n, col: 1 }, CHAINS_HINT);
      cur.classes.push({ key: c[1]!.toLowerCase(), name: c[2]! });
      continue;
    }
    throw inputError('script-syntax', `not a /proc/lockdep_chains line: ${JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line)}`, { file, line: n, col: 1 }, CHAINS_HINT);
  }
  return out;
}
