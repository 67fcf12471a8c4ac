/**
 * What `lockdep-sim graph` draws: the observed classes (with the modes they were taken in), the
 * dependencies (kinds, rejected by the validator or not), which dependencies lie on a cycle (strong
 * or not), optional clusters from a policy's levels, and an optional focus (the classes within N
 * dependencies of some classes, either direction). Plain data for the DOT / Mermaid reporters.
 */
import { inputError } from '../diag/error.js';
import type { DepKind } from '../model/findings.js';
import { closest } from '../scenario/closest.js';
import type { Component } from './cycles.js';
import type { ObservedGraph, RejectedBy } from './observe.js';
import { policyLockOf, type CompiledPolicy } from './policy.js';
import { resolvePattern } from './names.js';
import { cmp } from './strong.js';

export interface GraphNode {
  name: string;
  modes: ('W' | 'r' | 'R')[];
  /** Policy level (cluster), when a policy is given and names the class. */
  level?: number;
  /** A focus class. */
  focus?: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
  kinds: DepKind[];
  rejected?: RejectedBy;
  /** On a strong cycle (`strong`), only on cycles through recursive reads (`weak`), or on none. */
  cycle?: 'strong' | 'weak';
}

export interface GraphModel {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Level names for clusters (index = level). */
  levels: string[];
}

export interface GraphModelOptions {
  policy?: CompiledPolicy;
  /** Class names or patterns (`name` matches every `name#N/S`). */
  focus?: string[];
  /** Dependencies away from the focus (default 1). */
  depth?: number;
}

/** Restricts a graph to the classes within `depth` dependencies (either direction) of the focus. */
export function focusGraph(graph: ObservedGraph, focus: readonly string[], depth: number): { graph: ObservedGraph; focus: Set<string> } {
  const names = [...new Set([...graph.classes.map((c) => c.name), ...graph.edges.flatMap((e) => [e.from, e.to])])].sort(cmp);
  const start = new Set<string>();
  for (const f of focus) {
    const hit = resolvePattern(f, names);
    if (!hit.length) {
      const near = closest(f, names);
      throw inputError('usage', `--focus ${f}: no lock class of that name`, undefined, near ? `did you mean \`${near}\`?` : 'class names are printed names, e.g. `kn->count#424` or `&ei->i_data_sem/2`');
    }
    for (const h of hit) start.add(h);
  }
  const dist = new Map<string, number>([...start].map((n) => [n, 0]));
  let frontier = [...start];
  for (let d = 1; d <= depth && frontier.length; d++) {
    const next: string[] = [];
    for (const e of graph.edges) {
      for (const [a, b] of [
        [e.from, e.to],
        [e.to, e.from],
      ] as const) {
        if (frontier.includes(a) && !dist.has(b)) {
          dist.set(b, d);
          next.push(b);
        }
      }
    }
    frontier = next;
  }
  return {
    graph: {
      classes: graph.classes.filter((c) => dist.has(c.name)),
      edges: graph.edges.filter((e) => dist.has(e.from) && dist.has(e.to)),
      heldPairs: graph.heldPairs.filter((p) => dist.has(p.held) && dist.has(p.next)),
    },
    focus: start,
  };
}

/** The drawing model of a graph and its cycles (computed on the whole graph, before any focus). */
export function graphModel(graph: ObservedGraph, comps: readonly Component[], opts: GraphModelOptions = {}): GraphModel {
  const onCycle = new Map<string, 'strong' | 'weak'>();
  const sccOf = new Map<string, number>();
  for (const c of comps) {
    for (const n of c.classes) sccOf.set(n, c.index);
    for (const cy of c.cycles) {
      for (const s of cy.steps) {
        const k = `${s.edge.from}\u0000${s.edge.to}`;
        if (cy.strong) onCycle.set(k, 'strong');
        else if (!onCycle.has(k)) onCycle.set(k, 'weak');
      }
    }
  }
  let g = graph;
  let focus = new Set<string>();
  if (opts.focus?.length) ({ graph: g, focus } = focusGraph(graph, opts.focus, opts.depth ?? 1));
  const names = new Set<string>([...g.edges.flatMap((e) => [e.from, e.to]), ...focus]);
  const modes = new Map(graph.classes.map((c) => [c.name, c.modes]));
  const nodes: GraphNode[] = [...names].sort(cmp).map((name) => {
    const n: GraphNode = { name, modes: modes.get(name) ?? [] };
    const l = opts.policy ? policyLockOf(opts.policy, name) : undefined;
    if (l?.level !== undefined) n.level = l.level;
    if (focus.has(name)) n.focus = true;
    return n;
  });
  const edges: GraphEdge[] = [...g.edges]
    .sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to))
    .map((e) => {
      const ge: GraphEdge = { from: e.from, to: e.to, kinds: [...e.kinds] };
      if (e.rejected) ge.rejected = e.rejected;
      const k = `${e.from}\u0000${e.to}`;
      const c = onCycle.get(k) ?? (sccOf.has(e.from) && sccOf.get(e.from) === sccOf.get(e.to) ? 'strong' : undefined);
      if (c) ge.cycle = c;
      return ge;
    });
  const levels = opts.policy ? opts.policy.policy.levels.map((l, i) => `level ${i}: ${l.names.map((n) => n.text).join(', ')}`) : [];
  return { nodes, edges, levels };
}
