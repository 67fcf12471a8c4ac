/**
 * "possible circular locking dependency detected" (reference §4.1). Mirrors print_circular_bug():
 * print_circular_bug_header(), one print_circular_bug_entry() per path node from `#d` (prev's
 * class) down to `#0` (next's class, current stack), print_circular_lock_scenario(), held locks.
 */
import type { CircularFinding } from '../../model/findings.js';
import type { Env } from './context.js';
import * as S from './kernel-strings.js';
import {
  dumpStack,
  lockdepPrintHeldLocks,
  printLock,
  printLockName,
  printLockTrace,
  reportHeader,
  taskName,
  type Lines,
} from './print.js';

/**
 * print_circular_lock_scenario(): only source (next), parent and target (prev) appear. `rlock(`
 * marks a reader prev (first CPU0 line) or a reader next (last CPU0 line) on kernels that print it
 * (6.4+, 6.1.y stable); CPU1 lines are always `lock(`. "Chain exists of:" iff ≥ 3 classes.
 */
function printCircularLockScenario(env: Env, f: CircularFinding): Lines {
  const { source, parent, target } = f.scenario;
  const rlock = env.profile.rlockScenario;
  const lines: Lines = [];
  if (f.chain.length >= 3) lines.push(S.CHAIN_EXISTS, `  ${source} --> ${parent} --> ${target}`, '');
  lines.push(
    S.POSSIBLE_UNSAFE,
    '',
    S.CPU_HEADER_2,
    S.CPU_RULER_2,
    `${S.CPU0_INDENT}${rlock && f.prev.read !== 0 ? 'r' : ''}lock(${target});`,
    `${S.CPU1_INDENT}lock(${parent});`,
    `${S.CPU1_INDENT}lock(${target});`,
    `${S.CPU0_INDENT}${rlock && f.next.read !== 0 ? 'r' : ''}lock(${source});`,
    '',
    S.DEADLOCK,
    '',
  );
  return lines;
}

export function printCircularBug(env: Env, f: CircularFinding): Lines {
  const lines: Lines = [
    ...reportHeader(env, S.TITLES.circular),
    `${taskName(f.task)} ${S.TRYING_TO_ACQUIRE_LOCK}`,
    printLock(env, f.next),
    '',
    S.ALREADY_HOLDING_LOCK,
    printLock(env, f.prev),
    '',
    S.ALREADY_DEPENDS,
    '',
    '',
    S.EXISTING_CHAIN,
  ];
  f.chain.forEach((entry, i) => {
    const depth = f.chain.length - 1 - i;
    const trace = entry.current ? [...env.frames.chainCurrent(), ...entry.trace] : entry.trace;
    lines.push('', `-> #${depth}${printLockName(env, entry.cls)}:`, ...printLockTrace(env, trace, 6));
  });
  lines.push(
    '',
    S.OTHER_INFO,
    '',
    ...printCircularLockScenario(env, f),
    ...lockdepPrintHeldLocks(env, f.task, f.held),
    '',
    S.STACK_BACKTRACE,
    ...dumpStack(env, f, env.frames.dump('circular')),
  );
  return lines;
}
