/**
 * Baseline diff: the observed graph against a saved graph JSON. Dependencies are identified by
 * (from, to) class names. A cycle is new when it could not exist in the baseline: one of its
 * dependencies is new, or it is strong only thanks to kinds the baseline did not have. The new
 * dependency that closes it is the one observed last (the step that completed the cycle).
 */
import type { DepKind } from '../model/findings.js';
import type { Cycle } from './cycles.js';
import type { GraphJson } from './graph-json.js';
import type { ObservedEdge, ObservedGraph } from './observe.js';
import { cmp, isStrong } from './strong.js';

export interface BaselineDiff {
  /** Observed now, absent from the baseline (observation order). */
  added: ObservedEdge[];
  /** In the baseline, not observed now (sorted by from, to). */
  removed: { from: string; to: string; kinds: DepKind[] }[];
  /** Both, with kinds the baseline did not have. */
  widened: { edge: ObservedEdge; added: DepKind[] }[];
  newCycles: NewCycle[];
  /** Cycles that existed in the baseline already (their ids). */
  knownCycles: Set<string>;
}

export interface NewCycle {
  cycle: Cycle;
  /** Dependencies of the cycle that are new or widened. */
  newEdges: ObservedEdge[];
  /** The one observed last: it closed the cycle. */
  closing: ObservedEdge;
}

const key = (from: string, to: string) => `${from}\u0000${to}`;

export function diffBaseline(graph: ObservedGraph, baseline: GraphJson, cycles: readonly Cycle[]): BaselineDiff {
  const base = new Map<string, DepKind[]>();
  for (const d of baseline.dependencies) base.set(key(d.from, d.to), d.kinds);
  const now = new Set(graph.edges.map((e) => key(e.from, e.to)));
  const added = graph.edges.filter((e) => !base.has(key(e.from, e.to))).sort((a, b) => a.order - b.order);
  const removed = baseline.dependencies
    .filter((d) => !now.has(key(d.from, d.to)))
    .map((d) => ({ from: d.from, to: d.to, kinds: d.kinds }))
    .sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to));
  const widened: BaselineDiff['widened'] = [];
  for (const e of graph.edges) {
    const k = base.get(key(e.from, e.to));
    if (!k) continue;
    const extra = e.kinds.filter((x) => !k.includes(x));
    if (extra.length) widened.push({ edge: e, added: extra });
  }
  const newCycles: NewCycle[] = [];
  const knownCycles = new Set<string>();
  for (const c of cycles) {
    const edges = c.steps.map((s) => s.edge);
    const missing = edges.filter((e) => !base.has(key(e.from, e.to)));
    let fresh = missing;
    if (!missing.length && c.strong && !isStrong(edges.map((e) => base.get(key(e.from, e.to))!), true)) {
      // Every dependency existed, but the cycle was not strong with the baseline's kinds.
      fresh = edges.filter((e) => e.kinds.some((k) => !base.get(key(e.from, e.to))!.includes(k)));
    }
    if (!fresh.length) {
      knownCycles.add(c.id);
      continue;
    }
    const closing = fresh.reduce((a, b) => (b.order > a.order ? b : a));
    newCycles.push({ cycle: c, newEdges: fresh, closing });
  }
  return { added, removed, widened, newCycles, knownCycles };
}
