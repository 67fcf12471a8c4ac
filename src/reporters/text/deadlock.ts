/**
 * "possible recursive locking detected" (reference §4.2). Mirrors print_deadlock_bug() and
 * print_deadlock_scenario(): the scenario always prints `lock(` twice, even for readers.
 */
import type { RecursiveFinding } from '../../model/findings.js';
import type { Env } from './context.js';
import * as S from './kernel-strings.js';
import { dumpStack, lockdepPrintHeldLocks, printLock, reportHeader, taskName, type Lines } from './print.js';

export function printDeadlockBug(env: Env, f: RecursiveFinding): Lines {
  return [
    ...reportHeader(env, S.TITLES.recursive),
    `${taskName(f.task)} ${S.TRYING_TO_ACQUIRE_LOCK}`,
    printLock(env, f.next),
    '',
    S.ALREADY_HOLDING_LOCK,
    printLock(env, f.prev),
    '',
    S.OTHER_INFO,
    S.POSSIBLE_UNSAFE,
    '',
    S.CPU_HEADER_1,
    S.CPU_RULER_1,
    `${S.CPU0_INDENT}lock(${f.prev.cls.name});`,
    `${S.CPU0_INDENT}lock(${f.next.cls.name});`,
    '',
    S.DEADLOCK,
    '',
    S.MISSING_NESTING,
    '',
    ...lockdepPrintHeldLocks(env, f.task, f.held),
    '',
    S.STACK_BACKTRACE,
    ...dumpStack(env, f, env.frames.dump('recursive')),
  ];
}
