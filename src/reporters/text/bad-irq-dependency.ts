/**
 * "<S>-safe -> <S>-unsafe lock order detected" (reference §4.5). Mirrors print_bad_irq_dependency():
 * fires in check_irq_usage() when the new edge prev → next joins an irq-safe lock behind prev to an
 * irq-unsafe lock ahead of next. The first half uses the backwards printer (its first block has no
 * `... acquired at:`), the second half the forwards one; the ruler is always 53 characters.
 */
import type { IrqSafeUnsafeFinding } from '../../model/findings.js';
import type { Env } from './context.js';
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
    ...printLockTrace([...usage, ...f.safeTrace], 1),
    '',
    S.TO_UNSAFE(s),
    printLockName(env, f.unsafe),
    '',
    S.BECAME_UNSAFE(s),
    '...',
    ...printLockTrace([...usage, ...f.unsafeTrace], 1),
    '',
    S.OTHER_INFO,
    '',
    ...printIrqLockScenario(f.scenario),
    ...lockdepPrintHeldLocks(env, f.task, f.held),
    '',
    S.DEPS_SAFE_TO_HOLDING(s),
    ...f.backwards.flatMap((b) => printClassBlock(env, b, root)),
    '',
    S.DEPS_TO_BE_ACQUIRED,
    S.DEPS_AND_UNSAFE(s),
    ...f.forwards.flatMap((b) => printClassBlock(env, b, root)),
    '',
    S.STACK_BACKTRACE,
    ...dumpStack(env, f, env.frames.dump('irq-safe-unsafe')),
  ];
}
