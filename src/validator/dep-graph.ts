import { Graph } from '@dagrejs/graphlib';
import type { DepKind } from '../model/findings.js';
import type { Frame } from '../model/frame.js';
import type { SourceSpan } from '../model/span.js';
import type { DepEntry, LockClass } from './lock-class.js';
import { TopoOrder } from './topo-order.js';

/** Dependency-kind bits (reference §2.3): bit = [prev is W] + 2·[next is not R]. */
export const DEP_SR = 1 << 0;
export const DEP_ER = 1 << 1;
export const DEP_SN = 1 << 2;
export const DEP_EN = 1 << 3;

/** mirrors __calc_dep_bit(): forward bits of prev → next. */
export function calcDep(prevRead: number, nextRead: number): number {
  return 1 << ((prevRead === 0 ? 1 : 0) + (nextRead !== 2 ? 2 : 0));
}

/** mirrors __calc_dep_bitb(): the same dependency arranged for backward walks. */
export function calcDepB(prevRead: number, nextRead: number): number {
  return 1 << ((nextRead !== 2 ? 1 : 0) + (prevRead === 0 ? 2 : 0));
}

export function depKinds(bits: number): DepKind[] {
  const out: DepKind[] = [];
  if (bits & DEP_SR) out.push('SR');
  if (bits & DEP_ER) out.push('ER');
  if (bits & DEP_SN) out.push('SN');
  if (bits & DEP_EN) out.push('EN');
  return out;
}

/**
 * The key of a pair of class indexes in one Map: a small integer (V8's fast Smi keys) while both are
 * below 2^15 (the kernel allows 8,192 classes), else a negative number, distinct from those.
 */
function pairKey(from: number, to: number): number {
  return from < 32768 && to < 32768 ? from * 32768 + to : -(from * 2 ** 26 + to) - 1;
}

/** A dependency prev → next with both list entries. */
export interface Dependency {
  fwd: DepEntry;
  bwd: DepEntry;
}

/**
 * The dependency graph: per-class ordered lists (the kernel's locks_after/locks_before, whose
 * insertion order fixes BFS order); toGraphlib() gives a graphlib view for whole-graph questions
 * (components, exports). Lookup of an existing edge is a hash probe instead of the kernel's list scan.
 */
export class DepGraph {
  /**
   * Dependencies by the pair (prev class index, next class index) as one number: one hash table
   * for the whole graph (a probe touches one table, not one per class), no allocation on lookup.
   */
  private readonly byPair = new Map<number, Dependency>();
  private readonly ordered: Dependency[] = [];
  /** Generation counter for BFS visit marks. */
  private gen = 0;
  /** max_bfs_queue_depth */
  maxQueue = 0;
  /** Incremental topological order, to skip cycle searches that cannot find anything. */
  readonly topo = new TopoOrder();

  find(from: LockClass, to: LockClass): Dependency | undefined {
    return this.byPair.get(pairKey(from.idx, to.idx));
  }

  get size(): number {
    return this.ordered.length;
  }

  /** All dependencies in recording order. */
  all(): readonly Dependency[] {
    return this.ordered;
  }

  /** mirrors the two add_lock_to_list() calls of check_prev_add(). */
  add(from: LockClass, to: LockClass, prevRead: number, nextRead: number, distance: number, trace: Frame[], at: SourceSpan, by: string): Dependency {
    const seq = this.ordered.length;
    const fwd: DepEntry = { cls: to, owner: from, dep: calcDep(prevRead, nextRead), distance, trace, recordedAt: at, recordedBy: by, seq, parent: null, onlyXr: false };
    const bwd: DepEntry = { cls: from, owner: to, dep: calcDepB(prevRead, nextRead), distance, trace, recordedAt: at, recordedBy: by, seq, parent: null, onlyXr: false };
    from.after.push(fwd);
    to.before.push(bwd);
    const d = { fwd, bwd };
    this.byPair.set(pairKey(from.idx, to.idx), d);
    this.ordered.push(d);
    this.topo.add(from, to);
    return d;
  }

  /**
   * The graph as a graphlib Graph (nodes are printed class names, edges carry the dependency
   * kinds), for whole-graph questions: strongly connected components, cycles, exports. Built on
   * demand so the replay hot path does not pay for it.
   */
  toGraphlib(): Graph {
    const g = new Graph({ directed: true, multigraph: false });
    for (const { fwd } of this.ordered) {
      g.setNode(fwd.owner.printedName);
      g.setNode(fwd.cls.printedName);
      g.setEdge(fwd.owner.printedName, fwd.cls.printedName, { kinds: depKinds(fwd.dep), distance: fwd.distance });
    }
    return g;
  }

  /** A fresh visit generation (lockdep_dependency_gen_id++). */
  nextGen(): number {
    return ++this.gen;
  }
}

/** BFS root: a lock_list that is not in any list (bfs_init_root / bfs_init_rootb). */
export function rootEntry(cls: LockClass, onlyXr: boolean): DepEntry {
  return { cls, owner: cls, dep: 0, distance: 0, trace: [], recordedAt: { file: '', line: 0, col: 0 }, recordedBy: '', seq: -1, parent: null, onlyXr };
}

export type Direction = 'forwards' | 'backwards';

/**
 * mirrors __bfs() (modern): breadth-first over classes, neighbours in list order, each class
 * visited once (marked before the strong-path test, so a rejected first arrival hides later
 * ones — the kernel's quirk), `-(*R)-> -(S*)->` steps are not followed. `strong = false` gives the
 * 5.1 plain reachability search. Returns the matching entry or null.
 */
export function bfs(
  g: DepGraph,
  root: DepEntry,
  dir: Direction,
  strong: boolean,
  match: (e: DepEntry) => boolean,
  skip?: (e: DepEntry) => boolean,
  visited?: LockClass[],
): DepEntry | null {
  const gen = g.nextGen();
  const queue: DepEntry[] = [root];
  root.parent = null;
  for (let qi = 0; qi < queue.length; qi++) {
    const lock = queue[qi]!;
    // Step 1: visit each class once.
    if (lock.cls.visitGen === gen) continue;
    lock.cls.visitGen = gen;
    visited?.push(lock.cls);
    // Step 2: is the path into this node strong?
    if (strong && lock.parent) {
      let dep = lock.dep;
      if (lock.parent.onlyXr) dep &= ~(DEP_SR | DEP_SN);
      if (!dep) continue;
      lock.onlyXr = !(dep & (DEP_SN | DEP_EN));
    }
    // Step 3: skip / match.
    if (skip && skip(lock)) continue;
    if (match(lock)) return lock;
    // Step 4: expand (visit_lock_entry sets the parent of every entry).
    const list = dir === 'forwards' ? lock.cls.after : lock.cls.before;
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      e.parent = lock;
      queue.push(e);
    }
    if (queue.length - qi > g.maxQueue) g.maxQueue = queue.length - qi;
  }
  return null;
}

/**
 * mirrors the 5.1 __bfs(): the root is tested first (and not marked), then every entry is tested
 * when it is discovered; classes are marked on discovery; there is no strong-path filter.
 */
export function bfsDiscover(g: DepGraph, root: DepEntry, dir: Direction, match: (e: DepEntry) => boolean, visited?: LockClass[]): DepEntry | null {
  const gen = g.nextGen();
  root.parent = null;
  visited?.push(root.cls);
  if (match(root)) return root;
  const queue: DepEntry[] = [root];
  for (let qi = 0; qi < queue.length; qi++) {
    const lock = queue[qi]!;
    const list = dir === 'forwards' ? lock.cls.after : lock.cls.before;
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (e.cls.visitGen === gen) continue;
      e.cls.visitGen = gen;
      e.parent = lock;
      visited?.push(e.cls);
      if (match(e)) return e;
      queue.push(e);
    }
  }
  return null;
}

/** Path from the root to `target` following parents: [root, ..., target]. */
export function pathTo(target: DepEntry): DepEntry[] {
  const path: DepEntry[] = [];
  for (let e: DepEntry | null = target; e; e = e.parent) path.push(e);
  return path.reverse();
}

/** mirrors lockdep_count_forward_deps() / lockdep_count_backward_deps() (strong BFS, counting the root). */
export function countDeps(g: DepGraph, cls: LockClass, dir: Direction, strong: boolean): number {
  let n = 0;
  const root = rootEntry(cls, false);
  if (strong) {
    bfs(g, root, dir, true, () => {
      n++;
      return false;
    });
  } else {
    bfsDiscover(g, root, dir, () => {
      n++;
      return false;
    });
  }
  return n;
}
