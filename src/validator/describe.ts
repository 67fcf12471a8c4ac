import type { ChainEntryDesc, ClassBlockDesc, ClassDesc, HeldLockDesc } from '../model/findings.js';
import type { Frame } from '../model/frame.js';
import type { DepEntry, LockClass } from './lock-class.js';
import type { HeldLock } from './held-lock.js';
import { USAGE_BITS, USAGE_NAMES, usageString } from './usage.js';

/** Snapshots for findings: what print_lock_name() / print_lock() would print right now. */
export function classDesc(c: LockClass): ClassDesc {
  return { name: c.printedName, usage: usageString(c.usageMask), wait: { ...c.wait } };
}

export function heldDesc(h: HeldLock): HeldLockDesc {
  return { cls: classDesc(h.cls), instance: h.inst.addr, ip: h.ip, read: h.read, mapName: h.inst.decl.name };
}

/** mirrors print_lock_class_header(): usage bits in bit order, each with its trace. */
export function classBlock(c: LockClass, depth: number, acquiredAt?: Frame[], acquiredAtCurrent?: boolean): ClassBlockDesc {
  const usageTraces: { usage: string; trace: Frame[] }[] = [];
  for (let bit = 0; bit < USAGE_BITS; bit++) {
    if (c.usageMask & (1 << bit)) usageTraces.push({ usage: USAGE_NAMES[bit]!, trace: c.usageTraces[bit] ?? [] });
  }
  const b: ClassBlockDesc = { cls: classDesc(c), depth, ops: c.ops, usageTraces, keyAddr: c.key };
  if (acquiredAt) b.acquiredAt = acquiredAt;
  if (acquiredAtCurrent) b.acquiredAtCurrent = true;
  return b;
}

/** A chain entry for a dependency list entry (its stored trace, where and by whom it was recorded). */
export function chainEntry(e: DepEntry): ChainEntryDesc {
  return { cls: classDesc(e.cls), trace: e.trace, current: false, recordedAt: e.recordedAt, recordedBy: e.recordedBy };
}

/** get_lock_depth(): number of parents up to the root. */
export function lockDepth(e: DepEntry): number {
  let d = 0;
  for (let p = e.parent; p; p = p.parent) d++;
  return d;
}
