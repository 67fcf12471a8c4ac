import type { ClassBlockDesc } from '../model/findings.js';
import type { Frame } from '../model/frame.js';
import type { SourceSpan } from '../model/span.js';
import { bfs, bfsDiscover, pathTo, rootEntry, type Direction } from './dep-graph.js';
import { classBlock, classDesc, heldDesc } from './describe.js';
import type { HeldLock } from './held-lock.js';
import type { DepEntry, LockClass } from './lock-class.js';
import type { Lockdep } from './lockdep.js';
import type { TaskState } from './task-state.js';
import { LOCK_USAGE_DIR_MASK, LOCK_USAGE_READ_MASK, STATE_NAMES, USAGE_NAMES } from './usage.js';

/** LOCKF_* masks over the eight irq usage bits. */
const LOCKF_USED_IN_IRQ_ALL = 0b00110011;
const LOCKF_ENABLED_IRQ_ALL = 0b11001100;
/** write (non-READ) irq bits */
const LOCKF_IRQ = 0b01010101;
const LOCKF_IRQ_READ = 0b10101010;

/** exclusive_bit(): keep the state, flip the direction, strip read. */
function exclusiveBit(bit: number): number {
  return (bit & ~(LOCK_USAGE_READ_MASK | LOCK_USAGE_DIR_MASK)) | ((bit & LOCK_USAGE_DIR_MASK) ^ LOCK_USAGE_DIR_MASK);
}

/** state_name(): `HARDIRQ`, `SOFTIRQ`, with `-READ` for a read bit. */
export function stateName(bit: number): string {
  return STATE_NAMES[bit >> 2]! + (bit & LOCK_USAGE_READ_MASK ? '-READ' : '');
}

function invertDirMask(mask: number): number {
  return ((mask & LOCKF_ENABLED_IRQ_ALL) >> LOCK_USAGE_DIR_MASK) | ((mask & LOCKF_USED_IN_IRQ_ALL) << LOCK_USAGE_DIR_MASK);
}

/** exclusive_mask() (modern): invert direction, then both read variants. */
function exclusiveMask(mask: number): number {
  let excl = invertDirMask(mask);
  excl |= (excl & LOCKF_IRQ_READ) >> LOCK_USAGE_READ_MASK;
  excl |= (excl & LOCKF_IRQ) << LOCK_USAGE_READ_MASK;
  return excl;
}

/** original_mask() (modern) */
function originalMask(mask: number): number {
  let excl = invertDirMask(mask);
  excl |= (excl & LOCKF_IRQ_READ) >> LOCK_USAGE_READ_MASK;
  excl |= (excl & LOCKF_IRQ) << LOCK_USAGE_READ_MASK;
  return excl;
}

/** find_exclusive_match(): first safe-side bit with a conflicting bit, write variant preferred. */
function findExclusiveMatch(mask: number, exclMask: number): [number, number] | undefined {
  for (let bit = 0; bit < 8; bit++) {
    if (!(mask & (1 << bit))) continue;
    const excl = exclusiveBit(bit);
    if (exclMask & (1 << excl)) return [bit, excl];
    if (exclMask & (1 << (excl | LOCK_USAGE_READ_MASK))) return [bit, excl | LOCK_USAGE_READ_MASK];
  }
  return undefined;
}

/** usage_skip(): local_lock classes take no part in irq-inversion searches. */
function usageSkip(e: DepEntry): boolean {
  return e.cls.decl.kind === 'local_lock';
}

/** usage_match(): READ usage counts only through paths that are not only-xR. */
function usageMatch(e: DepEntry, mask: number): boolean {
  return !!((e.onlyXr ? e.cls.usageMask & LOCKF_IRQ : e.cls.usageMask) & mask);
}

function findUsage(ld: Lockdep, root: DepEntry, dir: Direction, mask: number): DepEntry | null {
  if (dir === 'forwards') ld.counters.findMaskForwards++;
  else ld.counters.findMaskBackwards++;
  if (ld.modern) return bfs(ld.graph, root, dir, true, (e) => usageMatch(e, mask), usageSkip);
  return bfsDiscover(ld.graph, root, dir, (e) => !!(e.cls.usageMask & mask));
}

/** print_shortest_lock_dependencies(): from the found entry (deepest) to the root. */
function shortestBlocks(leaf: DepEntry, current: Frame[]): ClassBlockDesc[] {
  const path = pathTo(leaf);
  const out: ClassBlockDesc[] = [];
  for (let k = path.length - 1; k >= 0; k--) {
    const e = path[k]!;
    out.push(k === 0 ? classBlock(e.cls, 0, current, true) : classBlock(e.cls, k, e.trace));
  }
  return out;
}

/** print_shortest_lock_dependencies_backwards(): each block shows the trace of the one printed before it. */
function shortestBlocksBackwards(leaf: DepEntry): ClassBlockDesc[] {
  const path = pathTo(leaf);
  const out: ClassBlockDesc[] = [];
  let trace: Frame[] | undefined;
  for (let k = path.length - 1; k >= 0; k--) {
    const e = path[k]!;
    out.push(classBlock(e.cls, k, trace));
    trace = e.trace;
  }
  return out;
}

/** print_irq_lock_scenario()'s middle class. */
function middleClass(safe: LockClass, prev: LockClass, next: LockClass): LockClass {
  return prev === safe ? next : prev;
}

/** mirrors print_usage_bug() via valid_state(). Returns false after a report. */
function validState(ld: Lockdep, t: TaskState, h: HeldLock, newBit: number, badBit: number, stack: Frame[]): boolean {
  if (!(h.cls.usageMask & (1 << badBit))) return true;
  ld.report(
    {
      ...ld.base(t, 'inconsistent', h.span, stack),
      kind: 'inconsistent',
      oldUsage: USAGE_NAMES[badBit]!,
      newUsage: USAGE_NAMES[newBit]!,
      irqState: t.irqStateDesc(),
      lock: heldDesc(h),
      registeredTrace: h.cls.usageTraces[badBit] ?? [],
      irqTrace: t.irqTraceDesc(),
    },
    `inconsistent:${h.cls.idx}:${badBit}:${newBit}`,
  );
  return false;
}

/** mirrors print_irq_inversion_bug(). */
function reportInversion(ld: Lockdep, t: TaskState, h: HeldLock, root: DepEntry, other: DepEntry, forwards: boolean, irqclass: string, stack: Frame[]): void {
  const path = pathTo(other);
  const middle = path.length > 1 ? path[1]! : root;
  const safe = forwards ? root.cls : other.cls;
  const unsafe = forwards ? other.cls : root.cls;
  const mid = forwards ? middleClass(safe, middle.cls, other.cls) : middleClass(safe, middle.cls, root.cls);
  ld.report(
    {
      ...ld.base(t, 'irq-inversion', h.span, stack),
      kind: 'irq-inversion',
      lock: heldDesc(h),
      forwards,
      stateWord: irqclass,
      other: classDesc(other.cls),
      scenario: { safe: safe.printedName, middle: mid.printedName, unsafe: unsafe.printedName },
      path: shortestBlocks(other, stack),
    },
    `inversion:${safe.idx}:${unsafe.idx}:${irqclass}`,
  );
}

/** check_usage_forwards() / check_usage_backwards() */
function checkUsageDir(ld: Lockdep, t: TaskState, h: HeldLock, bit: number, forwards: boolean, stack: Frame[], name?: string): boolean {
  const dir: Direction = forwards ? 'forwards' : 'backwards';
  if (ld.modern) {
    const readBit = bit + LOCK_USAGE_READ_MASK;
    const root = rootEntry(h.cls, forwards ? h.read === 2 : h.read !== 0);
    const target = findUsage(ld, root, dir, (1 << bit) | (1 << readBit));
    if (!target) return true;
    const irqclass = target.cls.usageMask & (1 << bit) ? stateName(bit) : stateName(readBit);
    reportInversion(ld, t, h, root, target, forwards, irqclass, stack);
    return false;
  }
  const root = rootEntry(h.cls, false);
  const target = findUsage(ld, root, dir, 1 << bit);
  if (!target) return true;
  reportInversion(ld, t, h, root, target, forwards, name ?? stateName(bit), stack);
  return false;
}

/**
 * mirrors mark_lock_irq(): a new irq usage bit must not conflict with the class's own usage
 * (inconsistent lock state) nor, through the graph, with locks it depends on (irq inversion).
 * Returns false after a report.
 */
export function markLockIrq(ld: Lockdep, t: TaskState, h: HeldLock, newBit: number, stack: Frame[]): boolean {
  const excl = exclusiveBit(newBit);
  const read = newBit & LOCK_USAGE_READ_MASK;
  const dir = newBit & LOCK_USAGE_DIR_MASK;
  if (ld.modern) {
    if (!validState(ld, t, h, newBit, excl, stack)) return false;
    if (!read && !validState(ld, t, h, newBit, excl + LOCK_USAGE_READ_MASK, stack)) return false;
    return checkUsageDir(ld, t, h, excl, !dir, stack);
  }
  // 5.1 with STRICT_READ_CHECKS = 1
  if (!validState(ld, t, h, newBit, excl, stack)) return false;
  if (!checkUsageDir(ld, t, h, excl, !dir, stack, stateName(newBit & ~LOCK_USAGE_READ_MASK))) return false;
  if (!read) {
    if (!validState(ld, t, h, newBit, excl + LOCK_USAGE_READ_MASK, stack)) return false;
    if (!checkUsageDir(ld, t, h, excl + LOCK_USAGE_READ_MASK, !dir, stack, stateName(newBit + LOCK_USAGE_READ_MASK))) return false;
  }
  return true;
}

/** mirrors print_bad_irq_dependency(). */
function reportBadIrqDependency(
  ld: Lockdep,
  t: TaskState,
  prev: HeldLock,
  next: HeldLock,
  back: DepEntry,
  fwd: DepEntry,
  backBit: number,
  fwdBit: number,
  span: SourceSpan,
  stack: Frame[],
): void {
  const irqclass = stateName(backBit);
  const mid = middleClass(back.cls, prev.cls, next.cls);
  ld.report(
    {
      ...ld.base(t, 'irq-safe-unsafe', span, stack),
      kind: 'irq-safe-unsafe',
      stateWord: irqclass,
      irqState: t.irqStateDesc(),
      next: heldDesc(next),
      prev: heldDesc(prev),
      safe: classDesc(back.cls),
      safeTrace: back.cls.usageTraces[backBit] ?? [],
      unsafe: classDesc(fwd.cls),
      unsafeTrace: fwd.cls.usageTraces[fwdBit] ?? [],
      scenario: { safe: back.cls.printedName, middle: mid.printedName, unsafe: fwd.cls.printedName },
      // print_shortest_lock_dependencies_backwards() arrived with the 2021 path fixes (v5.14 and stable).
      backwards: ld.profile.irqPathFix2021 ? shortestBlocksBackwards(back) : shortestBlocks(back, stack),
      forwards: shortestBlocks(fwd, stack),
    },
    `safe-unsafe:${back.cls.idx}:${fwd.cls.idx}:${irqclass}`,
  );
}

/**
 * mirrors check_irq_usage(): the new dependency prev → next must not connect an irq-safe lock
 * (behind prev) to an irq-unsafe one (ahead of next). Returns false after a report.
 */
export function checkIrqUsage(ld: Lockdep, t: TaskState, prev: HeldLock, next: HeldLock, span: SourceSpan, stack: Frame[]): boolean {
  // No class is irq-safe at all: the backward accumulation would find no USED_IN bit.
  if (!ld.usedInClasses) return true;
  if (!ld.modern) {
    for (const base of [0, 4]) {
      for (const bit of [base, base + LOCK_USAGE_READ_MASK]) {
        const excl = exclusiveBit(bit);
        const back = findUsage(ld, rootEntry(prev.cls, false), 'backwards', 1 << bit);
        if (!back) continue;
        const fwd = findUsage(ld, rootEntry(next.cls, false), 'forwards', 1 << excl);
        if (!fwd) continue;
        reportBadIrqDependency(ld, t, prev, next, back, fwd, bit, excl, span, stack);
        return false;
      }
    }
    return true;
  }
  // Step 1: accumulate USED_IN usage backwards from prev.
  let usage = 0;
  const thisRoot = rootEntry(prev.cls, prev.read !== 0);
  bfs(
    ld.graph,
    thisRoot,
    'backwards',
    true,
    (e) => {
      usage |= e.onlyXr ? e.cls.usageMask & LOCKF_IRQ : e.cls.usageMask;
      return false;
    },
    usageSkip,
  );
  usage &= LOCKF_USED_IN_IRQ_ALL;
  if (!usage) return true;
  // Step 2: a lock forwards from next with an exclusive usage.
  const thatRoot = rootEntry(next.cls, next.read === 2);
  const fwd = findUsage(ld, thatRoot, 'forwards', exclusiveMask(usage));
  if (!fwd) return true;
  // Step 3: the backwards lock whose usage conflicts with that one (7b1f8c617976, v5.14 and stable:
  // only the forward lock's ENABLED bits; before it, all its usage bits).
  const backMask = originalMask(ld.profile.irqPathFix2021 ? fwd.cls.usageMask & LOCKF_ENABLED_IRQ_ALL : fwd.cls.usageMask);
  const back = findUsage(ld, rootEntry(prev.cls, prev.read !== 0), 'backwards', backMask);
  if (!back) return true;
  // Step 4: the first conflicting pair of bits.
  const m = findExclusiveMatch(back.cls.usageMask, fwd.cls.usageMask);
  if (!m) return true;
  reportBadIrqDependency(ld, t, prev, next, back, fwd, m[0], m[1], span, stack);
  return false;
}

