import type { Frame } from '../model/frame.js';
import type { WaitTypes } from '../model/lock-kind.js';
import type { LockClassDecl } from '../model/scenario.js';
import type { SourceSpan } from '../model/span.js';

/**
 * One entry of a class's locks_after / locks_before list (struct lock_list). Each dependency
 * prev → next is stored twice, as in the kernel: a forward entry in prev.after (cls = next) and a
 * backward entry in next.before (cls = prev). BFS bookkeeping (parent, onlyXr) lives on the
 * entries themselves, like the kernel's lock_list fields.
 */
export interface DepEntry {
  /** The class at the far end of this entry. */
  cls: LockClass;
  /** The class whose list holds this entry. */
  owner: LockClass;
  /** Dependency-kind bits (forward: calc_dep; backward: calc_depb). */
  dep: number;
  distance: number;
  /** Stack saved when the dependency was first recorded (never updated afterwards). */
  trace: Frame[];
  recordedAt: SourceSpan;
  recordedBy: string;
  /** Order in which dependencies were recorded (for deterministic exports). */
  seq: number;
  /** BFS: the entry through which this one was reached (lock_list.parent). */
  parent: DepEntry | null;
  /** BFS: every edge on the path so far ends in a recursive read (lock_list.only_xr). */
  onlyXr: boolean;
}

/** struct lock_class: identified by (key, subclass); the key is the scenario's class declaration. */
export class LockClass {
  /** 1-based registration index (class_idx). */
  readonly idx: number;
  readonly decl: LockClassDecl;
  readonly subclass: number;
  readonly nameVersion: number;
  /** Printed name: name, `#version` when > 1, `/subclass` when > 0 (__print_lock_name). */
  readonly printedName: string;
  /** Subkey address (key + subclass), 16 hex digits. */
  readonly key: string;
  readonly wait: WaitTypes;
  /** wait.inner, kept on the class itself (read at every acquisition: one object fewer to load). */
  readonly waitInner: number;
  /** Usage bits (LOCK_USED_IN_HARDIRQ … LOCK_USED_READ). */
  usageMask = 0;
  /** Trace saved when each usage bit was first set. */
  readonly usageTraces: (Frame[] | undefined)[] = [];
  /** Acquisition counter (DEBUG_LOCKDEP ops). */
  ops = 0;
  readonly after: DepEntry[] = [];
  readonly before: DepEntry[] = [];
  /** BFS generation mark (lock_accessed / mark_lock_accessed). */
  visitGen = 0;
  /** Position in the incremental topological order (TopoOrder; not lockdep's). */
  ord: number;
  /** TopoOrder search mark. */
  topoMark = 0;

  constructor(idx: number, decl: LockClassDecl, subclass: number, nameVersion: number, key: string, wait: WaitTypes) {
    this.idx = idx;
    this.ord = idx;
    this.decl = decl;
    this.subclass = subclass;
    this.nameVersion = nameVersion;
    this.key = key;
    this.wait = wait;
    this.waitInner = wait.inner;
    this.printedName = `${decl.name}${nameVersion > 1 ? `#${nameVersion}` : ''}${subclass > 0 ? `/${subclass}` : ''}`;
  }
}
