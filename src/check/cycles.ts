/**
 * Every cycle of an observed graph, not only the first one lockdep reports: the strongly connected
 * components (graphlib's Tarjan), then, per component, for every dependency in it the shortest
 * cycle through that dependency (strong when one exists, reference §2.3). Rotations of one cycle
 * are the same cycle; cycles are listed shortest first, then by their canonical class sequence.
 * A component with more dependencies than the cap lists the first cycles only and says so.
 */
import { alg, Graph } from '@dagrejs/graphlib';
import type { ObservedEdge, ObservedGraph } from './observe.js';
import { cmp, GraphView, shortestCycleThrough, type PathStep } from './strong.js';

/** One cycle: `classes[i] -> classes[i+1]` (wrapping) through `steps[i]`. */
export interface Cycle {
  /** Canonical id: the class sequence rotated to start at its smallest rotation, ` -> `-joined. */
  id: string;
  classes: string[];
  steps: PathStep[];
  /** A strong cycle (modern semantics): a possible deadlock. False: only through recursive reads. */
  strong: boolean;
  /** Index into the components list. */
  component: number;
}

export interface Component {
  index: number;
  /** Class names, sorted. */
  classes: string[];
  /** Dependencies between classes of the component. */
  dependencies: number;
  cycles: Cycle[];
  /** Set when the enumeration was capped. */
  truncated?: string;
}

export interface CycleOptions {
  /** Cycles listed per component at most (default 100). */
  maxCycles?: number;
}

export const DEFAULT_MAX_CYCLES = 100;

/** Rotates a closed walk to its lexicographically smallest rotation (by class name). */
export function canonicalRotation<T>(names: readonly string[], items: readonly T[]): { names: string[]; items: T[] } {
  let best = 0;
  for (let i = 1; i < names.length; i++) {
    for (let j = 0; j < names.length; j++) {
      const a = names[(i + j) % names.length]!;
      const b = names[(best + j) % names.length]!;
      if (a !== b) {
        if (a < b) best = i;
        break;
      }
    }
  }
  const rot = <U>(xs: readonly U[]) => [...xs.slice(best), ...xs.slice(0, best)];
  return { names: rot(names), items: rot(items) };
}

/** A cycle from the steps of a closed walk. */
export function cycleOf(steps: PathStep[], strong: boolean, component: number): Cycle {
  const r = canonicalRotation(
    steps.map((s) => s.edge.from),
    steps,
  );
  return { id: [...r.names, r.names[0]!].join(' -> '), classes: r.names, steps: r.items, strong, component };
}

/** Strongly connected components with at least two classes, in a deterministic order. */
export function components(graph: ObservedGraph): string[][] {
  const g = new Graph({ directed: true });
  const names = [...new Set(graph.edges.flatMap((e) => [e.from, e.to]))].sort(cmp);
  for (const n of names) g.setNode(n);
  for (const e of [...graph.edges].sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to))) g.setEdge(e.from, e.to);
  return alg
    .tarjan(g)
    .filter((c) => c.length > 1)
    .map((c) => [...c].sort(cmp))
    .sort((a, b) => cmp(a[0]!, b[0]!));
}

/** Every component and, per component, the shortest cycle through each of its dependencies. */
export function findCycles(graph: ObservedGraph, opts: CycleOptions = {}): Component[] {
  const max = opts.maxCycles ?? DEFAULT_MAX_CYCLES;
  const view = new GraphView(graph.edges);
  return components(graph).map((classes, index) => {
    const within = new Set(classes);
    const inner: ObservedEdge[] = [];
    for (const c of classes) for (const e of view.succ(c)) if (within.has(e.to)) inner.push(e);
    const found = new Map<string, Cycle>();
    let truncated: string | undefined;
    for (let i = 0; i < inner.length; i++) {
      const e = inner[i]!;
      const hit = shortestCycleThrough(view, e, true, within);
      if (!hit) continue;
      const c = cycleOf(hit.steps, hit.strong, index);
      if (!found.has(c.id)) found.set(c.id, c);
      if (found.size >= max && i < inner.length - 1) {
        truncated =
          `component of ${classes.length} classes and ${inner.length} dependencies: listing stopped at ${max} cycles ` +
          `(${i + 1} of ${inner.length} dependencies searched); raise --max-cycles or narrow it with \`lockdep-sim graph --focus\``;
        break;
      }
    }
    const cycles = [...found.values()].sort((a, b) => a.steps.length - b.steps.length || cmp(a.id, b.id));
    const comp: Component = { index, classes, dependencies: inner.length, cycles };
    if (truncated) comp.truncated = truncated;
    return comp;
  });
}
