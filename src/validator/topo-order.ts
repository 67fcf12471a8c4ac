import type { LockClass } from './lock-class.js';

/**
 * An incremental topological order of the dependency graph (Pearce & Kelly, "A dynamic topological
 * sort algorithm for directed acyclic graphs", 2006). Not part of lockdep: it lets the validator
 * skip the cycle search for a new dependency prev → next when next already comes after prev in the
 * order (then no path next → … → prev can exist). The kernel's BFS still runs whenever the order has
 * to change, and always once the graph holds a cycle (possible in the modern era, where non-strong
 * cycles such as recursive-read ones are recorded), so results are identical.
 */
export class TopoOrder {
  /** false once an added dependency closed a cycle: the order is then no longer maintained. */
  acyclic = true;
  private mark = 0;

  /**
   * Proves that no path from → … → to exists: either `to` comes before `from` in the order, or a
   * search bounded to the classes between them in the order (usually a small region) misses `to`.
   * False when the order is not maintained (the caller then runs the kernel's BFS).
   */
  provesNoPath(from: LockClass, to: LockClass): boolean {
    if (!this.acyclic) return false;
    if (from.ord > to.ord) return true;
    if (from === to) return false;
    return !this.reachesWithin(from, to);
  }

  /** Depth-first search from `from` over classes ordered before `to`; true when `to` is reached. */
  private reachesWithin(from: LockClass, to: LockClass): boolean {
    const ub = to.ord;
    const gen = ++this.mark;
    const stack: LockClass[] = [from];
    from.topoMark = gen;
    while (stack.length) {
      const n = stack.pop()!;
      for (const e of n.after) {
        const w = e.cls;
        if (w === to) return true;
        if (w.ord < ub && w.topoMark !== gen) {
          w.topoMark = gen;
          stack.push(w);
        }
      }
    }
    return false;
  }

  /** Records dependency x → y (mirrors nothing in lockdep; PK's add-edge). */
  add(x: LockClass, y: LockClass): void {
    if (!this.acyclic) return;
    if (x === y) {
      this.acyclic = false;
      return;
    }
    if (x.ord < y.ord) return;
    const lb = y.ord;
    const ub = x.ord;
    const gen = ++this.mark;
    // Forward from y, within ord < ub; reaching x means a cycle.
    const deltaF: LockClass[] = [];
    const stack: LockClass[] = [y];
    y.topoMark = gen;
    while (stack.length) {
      const n = stack.pop()!;
      deltaF.push(n);
      for (const e of n.after) {
        const w = e.cls;
        if (w === x) {
          this.acyclic = false;
          return;
        }
        if (w.ord < ub && w.topoMark !== gen) {
          w.topoMark = gen;
          stack.push(w);
        }
      }
    }
    // Backward from x, within ord > lb.
    const deltaB: LockClass[] = [];
    stack.push(x);
    x.topoMark = gen;
    while (stack.length) {
      const n = stack.pop()!;
      deltaB.push(n);
      for (const e of n.before) {
        const w = e.cls;
        if (w.ord > lb && w.topoMark !== gen) {
          w.topoMark = gen;
          stack.push(w);
        }
      }
    }
    // Reorder: the backward set first, then the forward set, into the pooled positions.
    deltaB.sort((a, b) => a.ord - b.ord);
    deltaF.sort((a, b) => a.ord - b.ord);
    const nodes = [...deltaB, ...deltaF];
    const slots = nodes.map((n) => n.ord).sort((a, b) => a - b);
    for (let i = 0; i < nodes.length; i++) nodes[i]!.ord = slots[i]!;
  }
}
