/**
 * Messages that switch lockdep off without a report frame (reference §1.7, §4.11): the limit
 * overflows of print_lockdep_off() (no empty record, no rulers) and DEBUG_LOCKS_WARN_ON() warnings.
 */
import type { LimitFinding, MisuseFinding } from '../../model/findings.js';
import { formatFrame } from '../../model/frame.js';
import type { Env } from './context.js';
import * as S from './kernel-strings.js';
import { callTrace, callTraceHeader, dumpStack, dumpStackInfo, lockdepPrintHeldLocks, type Lines } from './print.js';

/**
 * print_lockdep_off() + dump_stack(). MAX_LOCK_DEPTH fires after the push and adds the
 * `depth:  max:` line, the held locks (the validator passes all of them, the new one included) and
 * debug_show_all_locks()' `INFO: lockdep is turned off.`. MAX_LOCKDEP_SUBCLASSES is
 * look_up_lock_class()'s `BUG: looking up invalid subclass: <n>` (n = `depth`, else `value`), which
 * has no lock_stat line.
 */
export function printLockdepOff(env: Env, f: LimitFinding): Lines {
  const lines: Lines = [];
  if (f.limit === 'MAX_LOCKDEP_SUBCLASSES') {
    lines.push(S.INVALID_SUBCLASS(f.depth ?? f.value), S.TURNING_OFF);
  } else {
    lines.push(S.TOO_LOW(f.limit), S.TURNING_OFF);
    if (env.profile.config.lockStat) lines.push(S.ATTACH_LOCK_STAT);
  }
  if (f.limit === 'MAX_LOCK_DEPTH') {
    lines.push(
      S.DEPTH_MAX(f.depth ?? f.held.length, f.value),
      ...lockdepPrintHeldLocks(env, f.task, f.held),
      S.LOCKDEP_TURNED_OFF,
    );
  }
  lines.push(...dumpStack(env, f, env.frames.dump('limit', { limit: f.limit })));
  return lines;
}

/**
 * A DEBUG_LOCKS_WARN_ON(<condition>) warning: __warn_printk() (cut-here line and condition), then
 * __warn() with the trap's registers. Approximate: the source line of the WARN is not known to the
 * simulator, so the file-less form `WARNING: CPU: <n> PID: <pid> at <site>` is printed (the kernel's
 * own form without CONFIG_DEBUG_BUGVERBOSE); `Modules linked in:` lists the modules of the stack's
 * frames; of the register dump only `RIP:` is printed; no irq-trace lines. The WARN site is the
 * first `misuse` kernel frame (default lock_acquire, where check_flags() is inlined); `message` is
 * not kernel text and is not printed.
 */
export function printDebugLocksWarn(env: Env, f: MisuseFinding): Lines {
  const [site, ...callers] = env.frames.dump('misuse');
  const siteText = site ? formatFrame(site) : '0x0';
  const modules = [...new Set([...callers, ...f.stack].flatMap((x) => (x.module ? [x.module] : [])))];
  return [
    S.CUT_HERE,
    S.DEBUG_LOCKS_WARN_ON(f.condition),
    `WARNING: CPU: ${f.task.cpu} PID: ${f.task.pid} at ${siteText}`,
    `${S.MODULES_LINKED_IN}${modules.map((m) => ` ${m}`).join('')}`,
    ...dumpStackInfo(env, f),
    `${S.RIP}${siteText}`,
    ...callTraceHeader(env),
    ...callTrace(env, f, [...callers, ...f.stack]),
    S.END_TRACE,
  ];
}
