/**
 * Report → `/proc/lockdep` text. Mirrors l_show() in kernel/locking/lockdep_proc.c (reference §5.2):
 * `all lock classes:`, then per class `<key>[ OPS:%8ld] FD:%5ld BD:%5ld <usage>: <name>`, one
 * ` -> [<key>] <name>` line per distance-1 forward dependency (recording order), and an empty line.
 * Keys are printed raw (the oracle kernel boots with no_hash_pointers).
 */
import type { ClassSnapshot, Report } from '../model/findings.js';

export interface ProcLockdepOptions {
  /** CONFIG_DEBUG_LOCKDEP: the `OPS:` column. */
  debugLockdep: boolean;
}

/** Renders `/proc/lockdep` for the classes of a report, in registration order. */
export function renderProcLockdep(report: Report, opts: ProcLockdepOptions): string {
  const keyOf = new Map<string, string>();
  for (const c of report.classes) if (!keyOf.has(c.name)) keyOf.set(c.name, c.key);
  let out = 'all lock classes:\n';
  for (const c of report.classes) out += classBlock(c, keyOf, opts);
  return out;
}

function classBlock(c: ClassSnapshot, keyOf: Map<string, string>, opts: ProcLockdepOptions): string {
  const ops = opts.debugLockdep ? ` OPS:${pad(c.ops, 8)}` : '';
  let out = `${c.key}${ops} FD:${pad(c.fd, 5)} BD:${pad(c.bd, 5)} ${c.usage}: ${c.name}\n`;
  for (const name of c.after) out += ` -> [${keyOf.get(name) ?? unknownKey}] ${name}\n`;
  return `${out}\n`;
}

/** %Nld */
function pad(n: number, width: number): string {
  return String(n).padStart(width, ' ');
}

/** A dependency target missing from report.classes (cannot happen for a consistent report). */
const unknownKey = '0000000000000000';
