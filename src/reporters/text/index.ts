/**
 * Text reporter: renders findings as the exact splat text lockdep prints to the kernel log
 * (reference §4), one report per finding, for the kernel version and build in the context.
 * Byte-exact against the 6.1.192 oracle for every report kind it produced; see kernel-frames.ts
 * for what is build-specific and approximate.
 */
import type { Finding } from '../../model/findings.js';
import { printBadIrqDependency } from './bad-irq-dependency.js';
import { printCircularBug } from './circular.js';
import { makeEnv, type Env, type TextContext } from './context.js';
import { printDeadlockBug } from './deadlock.js';
import { printIrqInversionBug } from './irq-inversion.js';
import { printDebugLocksWarn, printLockdepOff } from './lockdep-off.js';
import type { Lines } from './print.js';
import {
  lockdepSysExit,
  printFreedLockBug,
  printLockInvalidWaitContext,
  printLockNestedLockNotHeld,
  printUnlockImbalanceBug,
} from './simple-reports.js';
import { printUsageBug } from './usage-bug.js';

export { kernelBuildInfo, type Arch, type TextContext } from './context.js';
export { fnv1a32, hashedPointer } from './print.js';

function assertNever(x: never): never {
  throw new Error(`unhandled finding kind: ${JSON.stringify(x)}`);
}

function reportLines(env: Env, f: Finding): Lines {
  switch (f.kind) {
    case 'circular':
      return printCircularBug(env, f);
    case 'recursive':
      return printDeadlockBug(env, f);
    case 'bad-unlock':
      return printUnlockImbalanceBug(env, f);
    case 'inconsistent':
      return printUsageBug(env, f);
    case 'irq-inversion':
      return printIrqInversionBug(env, f);
    case 'irq-safe-unsafe':
      return printBadIrqDependency(env, f);
    case 'wait-context':
      return printLockInvalidWaitContext(env, f);
    case 'held-lock-freed':
      return printFreedLockBug(env, f);
    case 'lock-held-user':
      return lockdepSysExit(env, f);
    case 'nested-not-taken':
      return printLockNestedLockNotHeld(env, f);
    case 'limit':
      return printLockdepOff(env, f);
    case 'misuse':
      return printDebugLocksWarn(env, f);
    default:
      return assertNever(f);
  }
}

/**
 * One report as the kernel prints it (without timestamps): reports start with the empty record
 * before the `=` ruler (limit and WARN messages have none); the text ends with `\n`.
 */
export function renderFinding(f: Finding, ctx: TextContext): string {
  return `${reportLines(makeEnv(ctx), f).join('\n')}\n`;
}

/** All findings, each rendered by renderFinding(), concatenated in order. */
export function renderFindings(fs: Finding[], ctx: TextContext): string {
  const env = makeEnv(ctx);
  return fs.map((f) => `${reportLines(env, f).join('\n')}\n`).join('');
}
