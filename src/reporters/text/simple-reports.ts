/**
 * The short reports (reference §4.6–4.10): print_lock_invalid_wait_context(),
 * print_unlock_imbalance_bug(), print_freed_lock_bug(), lockdep_sys_exit() and
 * print_lock_nested_lock_not_held(). Each has its own blank-line layout (reference §7 item 26).
 */
import type {
  BadUnlockFinding,
  HeldLockFreedFinding,
  LockHeldUserFinding,
  NestedNotTakenFinding,
  WaitContextFinding,
} from '../../model/findings.js';
import type { Env } from './context.js';
import * as S from './kernel-strings.js';
import {
  dumpStack,
  lockdepPrintHeldLocks,
  printIpSym,
  printKernelIdent,
  printLock,
  reportHeader,
  taskName,
  type Lines,
} from './print.js';

/** "[ BUG: Invalid wait context ]": no blank lines inside; the next lock's usage is pre-marking. */
export function printLockInvalidWaitContext(env: Env, f: WaitContextFinding): Lines {
  const t = S.INVALID_WAIT_CONTEXT;
  return [
    '',
    '='.repeat(t.ruler),
    t.text,
    printKernelIdent(env),
    '-'.repeat(t.ruler),
    `${taskName(f.task)} ${S.TRYING_TO_LOCK}`,
    printLock(env, f.next),
    S.OTHER_INFO,
    `context-{${f.contextWait}:${f.contextWait}}`,
    ...lockdepPrintHeldLocks(env, f.task, f.held),
    S.STACK_BACKTRACE,
    ...dumpStack(env, f, env.frames.dump('wait-context')),
  ];
}

/** "bad unlock balance detected!": the map's own name, then print_ip_sym() of the release ip. */
export function printUnlockImbalanceBug(env: Env, f: BadUnlockFinding): Lines {
  return [
    ...reportHeader(env, S.TITLES.badUnlock),
    `${taskName(f.task)} ${S.TRYING_TO_RELEASE(f.mapName)}`,
    printIpSym(env, f.ip),
    S.NO_MORE_LOCKS,
    '',
    S.OTHER_INFO,
    ...lockdepPrintHeldLocks(env, f.task, f.held),
    '',
    S.STACK_BACKTRACE,
    ...dumpStack(env, f, env.frames.dump('bad-unlock')),
  ];
}

/** "held lock freed!": both range ends are `%px`. */
export function printFreedLockBug(env: Env, f: HeldLockFreedFinding): Lines {
  return [
    ...reportHeader(env, S.TITLES.heldLockFreed),
    `${taskName(f.task)} ${S.FREEING_MEMORY(f.from, f.to)}`,
    printLock(env, f.lock),
    ...lockdepPrintHeldLocks(env, f.task, f.held),
    '',
    S.STACK_BACKTRACE,
    ...dumpStack(env, f, env.frames.dump('held-lock-freed')),
  ];
}

/** "lock held when returning to user space!": no stack backtrace. */
export function lockdepSysExit(env: Env, f: LockHeldUserFinding): Lines {
  return [
    ...reportHeader(env, S.TITLES.lockHeldUser),
    `${taskName(f.task)} ${S.LEAVING_KERNEL}`,
    ...lockdepPrintHeldLocks(env, f.task, f.held),
  ];
}

/** "Nested lock was not taken": the stack really is dumped twice. */
export function printLockNestedLockNotHeld(env: Env, f: NestedNotTakenFinding): Lines {
  return [
    ...reportHeader(env, S.TITLES.nestedNotTaken),
    `${taskName(f.task)} ${S.TRYING_TO_LOCK}`,
    printLock(env, f.next),
    '',
    S.NOT_HOLDING,
    f.nestName,
    '',
    S.STACK_BACKTRACE,
    ...dumpStack(env, f, env.frames.dump('nested-not-taken')),
    '',
    S.OTHER_INFO,
    ...lockdepPrintHeldLocks(env, f.task, f.held),
    '',
    S.STACK_BACKTRACE,
    ...dumpStack(env, f, env.frames.dump('nested-not-taken#2')),
  ];
}
