/**
 * "<S>-safe -> <S>-unsafe lock order detected" (reference §4.5). Mirrors print_bad_irq_dependency():
 * fires in check_irq_usage() when the new edge prev → next joins an irq-safe lock behind prev to an
 * irq-unsafe lock ahead of next. Since v5.14 the first half uses the backwards printer (its first
 * block has no `... acquired at:`), before it the forward one like the second half; the ruler is
 * always 53 characters.
 */
import type { ClassBlockDesc, IrqSafeUnsafeFinding } from '../../model/findings.js';
import type { Frame } from '../../model/frame.js';
import type { Env } from './context.js';
import { hasBackwardsPrinter } from './era.js';
import { irqState, printClassBlock, printIrqLockScenario } from './irq-state.js';
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
 * The safe lock → prev path as the printer of this kernel shows it. The validator may hand over
 * either form (it picks one by its own semantics era); both hold the same entries, so one converts
 * into the other: print_shortest_lock_dependencies_backwards() shows on each block the trace of the
 * block before it and none on the first, print_shortest_lock_dependencies() shows on each block its
 * own entry's trace and on the root (prev, last) the current stack.
 */
export function backwardsHalf(env: Env, blocks: readonly ClassBlockDesc[], current: readonly Frame[]): ClassBlockDesc[] {
  if (blocks.length === 0) return [];
  const backwardsForm = blocks[0]!.acquiredAt === undefined;
  const want = hasBackwardsPrinter(env.profile);
  if (want === backwardsForm) return [...blocks];
  const strip = (b: ClassBlockDesc): ClassBlockDesc => {
    const { acquiredAt: _a, acquiredAtCurrent: _c, ...rest } = b;
    return rest;
  };
  if (want) {
    // forward → backwards: block i shows block i-1's trace.
    return blocks.map((b, i) => {
      const prev = blocks[i - 1];
      if (!prev?.acquiredAt) return strip(b);
      return { ...strip(b), acquiredAt: prev.acquiredAt, ...(prev.acquiredAtCurrent ? { acquiredAtCurrent: true } : {}) };
    });
  }
  // backwards → forward: block i shows block i+1's trace, the root the current stack.
  return blocks.map((b, i) => {
    const next = blocks[i + 1];
    if (!next) return { ...strip(b), acquiredAt: [...current], acquiredAtCurrent: true };
    return { ...strip(b), acquiredAt: next.acquiredAt ?? [], ...(next.acquiredAtCurrent ? { acquiredAtCurrent: true } : {}) };
  });
}

export function printBadIrqDependency(env: Env, f: IrqSafeUnsafeFinding): Lines {
  const s = f.stateWord;
  const title = S.TITLES.irqSafeUnsafe.text.replace('%s', s).replace('%s', s);
  const usage = env.frames.usage();
  const root = env.frames.bfsRoot();
  return [
    ...reportHeader(env, S.TITLES.irqSafeUnsafe, title),
    `${taskName(f.task)} ${irqState(f.irqState)} ${S.TRYING_TO_ACQUIRE}`,
    printLock(env, f.next),
    '',
    S.AND_ALREADY_HOLDING,
    printLock(env, f.prev),
    S.NEW_DEPENDENCY,
    `${printLockName(env, f.prev.cls)} ->${printLockName(env, f.next.cls)}`,
    '',
    S.CONNECTS_SAFE(s),
    printLockName(env, f.safe),
    '',
    S.BECAME_SAFE(s),
    ...printLockTrace(env, [...usage, ...f.safeTrace], 1),
    '',
    S.TO_UNSAFE(s),
    printLockName(env, f.unsafe),
    '',
    S.BECAME_UNSAFE(s),
    '...',
    ...printLockTrace(env, [...usage, ...f.unsafeTrace], 1),
    '',
    S.OTHER_INFO,
    '',
    ...printIrqLockScenario(f.scenario),
    ...lockdepPrintHeldLocks(env, f.task, f.held),
    '',
    S.DEPS_SAFE_TO_HOLDING(s),
    ...backwardsHalf(env, f.backwards, f.stack).flatMap((b) => printClassBlock(env, b, root)),
    '',
    S.DEPS_TO_BE_ACQUIRED,
    S.DEPS_AND_UNSAFE(s),
    ...f.forwards.flatMap((b) => printClassBlock(env, b, root)),
    '',
    S.STACK_BACKTRACE,
    ...dumpStack(env, f, env.frames.dump('irq-safe-unsafe')),
  ];
}
