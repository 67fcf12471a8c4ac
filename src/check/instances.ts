/**
 * Class versus instance: lockdep merges every instance of a lock class into one node, so a cycle
 * may only exist because two *different* objects of one class were taken in opposite orders (a
 * false positive when the code orders instances, e.g. by address). To answer "is this the same
 * lock?", the scenario is replayed with every (lock, instance) as a class of its own (`X@0`, `X@1`;
 * subclasses are already distinct classes), and a class cycle survives when the instance graph has
 * a cycle that maps onto it (going round it once or several times, e.g. A@0 -> B@0 -> A@1 -> B@1 ->
 * A@0 winds twice round A -> B -> A).
 */
import type { LockClassDecl, LockRef, Scenario, Step } from '../model/scenario.js';
import type { Cycle } from './cycles.js';
import { observe, type ObservedEdge, type ObservedGraph, type ObserveOptions } from './observe.js';
import { GraphView, shortestCycleThrough } from './strong.js';

/** Separator of instance ids in the transformed scenario (`X@1` is not a valid class id). */
const SEP = '@';

/** The scenario with one class per (lock, instance); `origin` maps each new class id back. */
export function instanceScenario(s: Scenario): { scenario: Scenario; origin: Map<string, { decl: string; instance: number }> } {
  const used = new Map<string, Set<number>>();
  const note = (r: LockRef) => {
    let set = used.get(r.lock);
    if (!set) used.set(r.lock, (set = new Set()));
    set.add(r.instance);
  };
  for (const t of s.tasks) {
    for (const st of t.steps) {
      if ('ref' in st) note(st.ref);
      if (st.op === 'acquire' && st.nest) note(st.nest);
    }
  }
  const origin = new Map<string, { decl: string; instance: number }>();
  const classes: LockClassDecl[] = [];
  for (const d of s.classes) {
    for (const i of [...(used.get(d.id) ?? [])].sort((a, b) => a - b)) {
      const id = `${d.id}${SEP}${i}`;
      origin.set(id, { decl: d.id, instance: i });
      classes.push({ ...d, id, name: `${d.name}${SEP}${i}` });
    }
  }
  const ref = (r: LockRef): LockRef => ({ lock: `${r.lock}${SEP}${r.instance}`, instance: 0 });
  const step = (st: Step): Step => {
    if (st.op === 'acquire') return { ...st, ref: ref(st.ref), ...(st.nest ? { nest: ref(st.nest) } : {}) };
    if ('ref' in st) return { ...st, ref: ref(st.ref) };
    return st;
  };
  return { scenario: { ...s, classes, tasks: s.tasks.map((t) => ({ ...t, steps: t.steps.map(step) })) }, origin };
}

/** An instance-level graph whose nodes are named `<class as printed>@<instance>`, with each node's class. */
export interface InstanceGraph {
  graph: ObservedGraph;
  /** instance node -> class name (printed, as in the class-level graph) */
  classOf: Map<string, string>;
}

/**
 * Replays the instance version of a scenario and names its classes after the class-level ones:
 * instance class (X@i, subclass s) becomes `<printed name of (X, s)>@i`.
 */
export function observeInstances(s: Scenario, classLevel: ObservedGraph, opts: ObserveOptions = {}): InstanceGraph {
  const { scenario, origin } = instanceScenario(s);
  const obs = observe(scenario, opts);
  const printed = new Map<string, string>();
  for (const c of classLevel.classes) printed.set(`${c.decl}/${c.subclass}`, c.name);
  const rename = new Map<string, string>();
  const classOf = new Map<string, string>();
  for (const c of obs.graph.classes) {
    const o = origin.get(c.decl);
    const cls = o ? (printed.get(`${o.decl}/${c.subclass}`) ?? c.name) : c.name;
    const name = o ? `${cls}${SEP}${o.instance}` : c.name;
    rename.set(c.name, name);
    classOf.set(name, cls);
  }
  const r = (n: string) => rename.get(n) ?? n;
  const g = obs.graph;
  return {
    graph: {
      classes: g.classes.map((c) => ({ ...c, name: r(c.name) })),
      edges: g.edges.map((e) => ({ ...e, from: r(e.from), to: r(e.to) })),
      heldPairs: g.heldPairs.map((p) => ({ ...p, held: r(p.held), next: r(p.next) })),
    },
    classOf,
  };
}

/** Merges instance graphs of several inputs (instance names are global, like class names). */
export function mergeInstanceGraphs(parts: readonly InstanceGraph[], merge: (gs: ObservedGraph[]) => ObservedGraph): InstanceGraph {
  const classOf = new Map<string, string>();
  for (const p of parts) for (const [k, v] of p.classOf) classOf.set(k, v);
  return { graph: merge(parts.map((p) => p.graph)), classOf };
}

/** Whether a class-level cycle holds for instances, with an instance-level witness. */
export interface InstanceVerdict {
  survives: boolean;
  /** Instance nodes of the witness cycle, starting at an instance of `cycle.classes[0]`. */
  witness?: string[];
  /** Edges of the witness. */
  witnessEdges?: ObservedEdge[];
  /** How many times the witness goes round the class cycle. */
  windings?: number;
}

/**
 * Does the class cycle map to an instance-level cycle? Builds the product of the instance graph
 * with the cycle's positions (an instance of class c_j at position j may go to an instance of
 * c_{j+1}), then looks for a cycle through position 0 (strong when the class cycle is strong).
 */
export function instanceVerdict(cycle: Cycle, inst: InstanceGraph): InstanceVerdict {
  const n = cycle.classes.length;
  const positions = new Map<string, number[]>();
  cycle.classes.forEach((c, j) => {
    const l = positions.get(c);
    if (l) l.push(j);
    else positions.set(c, [j]);
  });
  const node = (name: string, j: number) => `${name}\u0000${j}`;
  const product: ObservedEdge[] = [];
  for (const e of inst.graph.edges) {
    const cf = inst.classOf.get(e.from);
    const ct = inst.classOf.get(e.to);
    if (cf === undefined || ct === undefined) continue;
    for (const j of positions.get(cf) ?? []) {
      if (cycle.classes[(j + 1) % n] !== ct) continue;
      product.push({ ...e, from: node(e.from, j), to: node(e.to, (j + 1) % n) });
    }
  }
  const view = new GraphView(product);
  let best: ObservedEdge[] | undefined;
  for (const e of product) {
    if (!e.from.endsWith('\u00000')) continue;
    const hit = shortestCycleThrough(view, e, true);
    if (!hit || (cycle.strong && !hit.strong)) continue;
    const edges = hit.steps.map((s) => s.edge);
    if (!best || edges.length < best.length) best = edges;
  }
  if (!best) return { survives: false };
  const strip = (s: string) => s.slice(0, s.lastIndexOf('\u0000'));
  const witnessEdges = best.map((e) => ({ ...e, from: strip(e.from), to: strip(e.to) }));
  return { survives: true, witness: witnessEdges.map((e) => e.from), witnessEdges, windings: best.length / n };
}
