/**
 * "possible irq lock inversion dependency detected" (reference §4.4). Mirrors
 * print_irq_inversion_bug(): the report fires inside mark_lock() when a lock gains a USED_IN bit
 * while it took an irq-unsafe lock before (forwards) or an ENABLED bit while an irq-safe lock took it
 * (backwards). The root block's `... acquired at:` is saved inside mark_lock().
 */
import type { IrqInversionFinding } from '../../model/findings.js';
import type { Env } from './context.js';
import { printClassBlock, printIrqLockScenario } from './irq-state.js';
import * as S from './kernel-strings.js';
import {
  dumpStack,
  lockdepPrintHeldLocks,
  printLock,
  printLockName,
  reportHeader,
  taskName,
  type Lines,
} from './print.js';

/**
 * The usage bit whose marking fired the report: USED_IN (forwards) or ENABLED (backwards) of the
 * state word's irq kind, read or write as the lock was acquired. Selects the mark_lock() call site.
 */
export function newUsageBit(f: IrqInversionFinding): string {
  const irq = f.stateWord.startsWith('SOFTIRQ') ? 'SOFTIRQ' : 'HARDIRQ';
  const rw = f.lock.read !== 0 ? 'R' : 'W';
  return f.forwards ? `IN-${irq}-${rw}` : `${irq}-ON-${rw}`;
}

export function printIrqInversionBug(env: Env, f: IrqInversionFinding): Lines {
  const bit = newUsageBit(f);
  const rootPrefix = env.frames.markLock(bit);
  return [
    ...reportHeader(env, S.TITLES.irqInversion),
    `${taskName(f.task)} ${S.JUST_CHANGED_STATE}`,
    printLock(env, f.lock),
    f.forwards ? S.TOOK_UNSAFE(f.stateWord) : S.TAKEN_BY_SAFE(f.stateWord),
    printLockName(env, f.other),
    '',
    '',
    S.INVERSE_ORDERING,
    '',
    '',
    S.OTHER_INFO,
    ...printIrqLockScenario(f.scenario),
    ...lockdepPrintHeldLocks(env, f.task, f.held),
    '',
    S.SHORTEST_DEPENDENCIES,
    ...f.path.flatMap((b) => printClassBlock(env, b, rootPrefix)),
    '',
    S.STACK_BACKTRACE,
    ...dumpStack(env, f, env.frames.dump('irq-inversion', { usageBit: bit })),
  ];
}
