/**
 * What to change when the observed orderings are inconsistent (have cycles): a minimum feedback arc
 * set, i.e. the fewest observed dependencies whose removal (reversal in the code) leaves an acyclic
 * graph, and a ranking of the rest (a consistent lock order, ready to paste as policy `levels`).
 *
 *  - Per strongly connected component with at most `exactLimit` dependencies (default 20): exact,
 *    by trying every set of 1, 2, ... dependencies (candidates ordered rejected-first, then latest
 *    observed first, so ties favour the dependencies that closed a cycle).
 *  - Larger components: the Eades–Lin–Smyth heuristic (1993): peel sinks to the back and sources
 *    to the front, otherwise move the class with the largest out-degree minus in-degree to the
 *    front; the dependencies pointing backwards in that sequence are the set. A final pass puts back
 *    every removed dependency that does not close a cycle, so the set is minimal (not necessarily
 *    minimum).
 *  - Ranking: longest-path layering of the graph minus the set (a class's level is one more than its
 *    deepest predecessor's), so every remaining dependency goes from a lower level to a higher one.
 */
import { components } from './cycles.js';
import type { ObservedEdge, ObservedGraph } from './observe.js';
import { cmp } from './strong.js';

export const DEFAULT_EXACT_LIMIT = 20;

export interface ComponentAdvice {
  classes: string[];
  dependencies: number;
  method: 'exact' | 'heuristic';
  removed: ObservedEdge[];
}

export interface OrderingAdvice {
  /** True when the observed graph has no cycle (nothing to remove). */
  consistent: boolean;
  /** All removed dependencies, by component. */
  feedback: ObservedEdge[];
  components: ComponentAdvice[];
  /** Levels (outermost first), class names sorted within a level. */
  levels: string[][];
}

/** Kahn's algorithm on `nodes` with `edges` minus `skip`: true when acyclic. */
function acyclic(nodes: readonly string[], edges: readonly ObservedEdge[], skip: ReadonlySet<ObservedEdge>): boolean {
  const indeg = new Map<string, number>(nodes.map((n) => [n, 0]));
  const out = new Map<string, string[]>();
  for (const e of edges) {
    if (skip.has(e)) continue;
    indeg.set(e.to, (indeg.get(e.to) ?? 0) + 1);
    const l = out.get(e.from);
    if (l) l.push(e.to);
    else out.set(e.from, [e.to]);
  }
  const queue = [...indeg].filter(([, d]) => d === 0).map(([n]) => n);
  let seen = 0;
  for (let i = 0; i < queue.length; i++) {
    seen++;
    for (const m of out.get(queue[i]!) ?? []) {
      const d = indeg.get(m)! - 1;
      indeg.set(m, d);
      if (d === 0) queue.push(m);
    }
  }
  return seen === indeg.size;
}

/** Smallest set by exhaustive search over k-subsets, k = 1, 2, ... (lexicographic in `edges` order). */
function exactFas(nodes: readonly string[], edges: readonly ObservedEdge[]): ObservedEdge[] {
  const n = edges.length;
  for (let k = 1; k <= n; k++) {
    const idx = Array.from({ length: k }, (_, i) => i);
    for (;;) {
      const skip = new Set(idx.map((i) => edges[i]!));
      if (acyclic(nodes, edges, skip)) return idx.map((i) => edges[i]!);
      let i = k - 1;
      while (i >= 0 && idx[i] === n - k + i) i--;
      if (i < 0) break;
      idx[i]!++;
      for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1]! + 1;
    }
  }
  return [...edges];
}

/** Eades–Lin–Smyth ordering; the backward edges are the set (then made minimal). */
function elsFas(nodes: readonly string[], edges: readonly ObservedEdge[]): ObservedEdge[] {
  const live = new Set(nodes);
  const outE = new Map<string, ObservedEdge[]>();
  const inE = new Map<string, ObservedEdge[]>();
  for (const e of edges) {
    (outE.get(e.from) ?? outE.set(e.from, []).get(e.from)!).push(e);
    (inE.get(e.to) ?? inE.set(e.to, []).get(e.to)!).push(e);
  }
  const deg = (n: string, m: Map<string, ObservedEdge[]>, end: 'from' | 'to') => (m.get(n) ?? []).filter((e) => live.has(e[end])).length;
  const s1: string[] = [];
  const s2: string[] = [];
  while (live.size) {
    let changed = true;
    while (changed) {
      changed = false;
      for (const n of [...live].sort(cmp)) {
        if (deg(n, outE, 'to') === 0) {
          s2.unshift(n);
          live.delete(n);
          changed = true;
        }
      }
      for (const n of [...live].sort(cmp)) {
        if (live.has(n) && deg(n, inE, 'from') === 0) {
          s1.push(n);
          live.delete(n);
          changed = true;
        }
      }
    }
    if (!live.size) break;
    let best: string | undefined;
    let bestDelta = -Infinity;
    for (const n of [...live].sort(cmp)) {
      const d = deg(n, outE, 'to') - deg(n, inE, 'from');
      if (d > bestDelta) {
        best = n;
        bestDelta = d;
      }
    }
    s1.push(best!);
    live.delete(best!);
  }
  const pos = new Map([...s1, ...s2].map((n, i) => [n, i]));
  const removed = new Set(edges.filter((e) => pos.get(e.from)! > pos.get(e.to)!));
  // Minimality: put back what does not close a cycle.
  for (const e of [...removed]) {
    removed.delete(e);
    if (!acyclic(nodes, edges, removed)) removed.add(e);
  }
  return edges.filter((e) => removed.has(e));
}

/** Longest-path layering of an acyclic graph. */
export function layering(nodes: readonly string[], edges: readonly ObservedEdge[]): string[][] {
  const indeg = new Map<string, number>(nodes.map((n) => [n, 0]));
  const out = new Map<string, string[]>();
  for (const e of edges) {
    indeg.set(e.to, (indeg.get(e.to) ?? 0) + 1);
    if (!indeg.has(e.from)) indeg.set(e.from, 0);
    const l = out.get(e.from);
    if (l) l.push(e.to);
    else out.set(e.from, [e.to]);
  }
  const level = new Map<string, number>();
  const queue = [...indeg].filter(([, d]) => d === 0).map(([n]) => n).sort(cmp);
  for (const n of queue) level.set(n, 0);
  for (let i = 0; i < queue.length; i++) {
    const u = queue[i]!;
    for (const v of out.get(u) ?? []) {
      level.set(v, Math.max(level.get(v) ?? 0, level.get(u)! + 1));
      const d = indeg.get(v)! - 1;
      indeg.set(v, d);
      if (d === 0) queue.push(v);
    }
  }
  // Only classes that left the queue are ranked (a cycle would never let its classes in).
  const levels: string[][] = [];
  for (const n of queue) (levels[level.get(n)!] ??= []).push(n);
  return levels.filter(Boolean).map((l) => l.sort(cmp));
}

/** The feedback arc set and the ranking of an observed graph. */
export function adviseOrdering(graph: ObservedGraph, opts: { exactLimit?: number } = {}): OrderingAdvice {
  const limit = opts.exactLimit ?? DEFAULT_EXACT_LIMIT;
  const comps: ComponentAdvice[] = [];
  const removed = new Set<ObservedEdge>();
  for (const classes of components(graph)) {
    const inside = new Set(classes);
    const edges = graph.edges
      .filter((e) => inside.has(e.from) && inside.has(e.to))
      .sort((a, b) => Number(Boolean(b.rejected)) - Number(Boolean(a.rejected)) || b.order - a.order);
    const method = edges.length <= limit ? 'exact' : 'heuristic';
    const set = method === 'exact' ? exactFas(classes, edges) : elsFas(classes, edges);
    for (const e of set) removed.add(e);
    comps.push({ classes, dependencies: edges.length, method, removed: set });
  }
  const nodes = [...new Set(graph.edges.flatMap((e) => [e.from, e.to]))].sort(cmp);
  const kept = graph.edges.filter((e) => !removed.has(e) && e.from !== e.to);
  return {
    consistent: comps.length === 0,
    feedback: comps.flatMap((c) => c.removed),
    components: comps,
    levels: layering(nodes, kept),
  };
}
