/**
 * "inconsistent lock state" (reference §4.3). Mirrors print_usage_bug() and
 * print_usage_bug_scenario() (which prints `<Interrupt>` for softirq conflicts too).
 */
import type { InconsistentFinding } from '../../model/findings.js';
import type { Env } from './context.js';
import { irqState, printIrqtraceEvents } from './irq-state.js';
import * as S from './kernel-strings.js';
import {
  dumpStack,
  lockdepPrintHeldLocks,
  printLock,
  printLockTrace,
  reportHeader,
  taskName,
  type Lines,
} from './print.js';

export function printUsageBug(env: Env, f: InconsistentFinding): Lines {
  const name = f.lock.cls.name;
  return [
    ...reportHeader(env, S.TITLES.inconsistent),
    `inconsistent {${f.oldUsage}} -> {${f.newUsage}} usage.`,
    `${taskName(f.task)} ${irqState(f.irqState)} takes:`,
    printLock(env, f.lock),
    S.STATE_REGISTERED_AT(f.oldUsage),
    ...printLockTrace(env, [...env.frames.usage(), ...f.registeredTrace], 1),
    ...printIrqtraceEvents(env, f.irqTrace),
    '',
    S.OTHER_INFO,
    S.POSSIBLE_UNSAFE,
    '',
    S.CPU_HEADER_1,
    S.CPU_RULER_1,
    `${S.CPU0_INDENT}lock(${name});`,
    S.INTERRUPT,
    `    lock(${name});`,
    '',
    S.DEADLOCK,
    '',
    ...lockdepPrintHeldLocks(env, f.task, f.held),
    '',
    S.STACK_BACKTRACE,
    ...dumpStack(env, f, env.frames.dump('inconsistent', { usageBit: f.newUsage })),
  ];
}
