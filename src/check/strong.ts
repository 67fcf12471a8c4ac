/**
 * Strong paths (reference §2.3) over an observed graph. A path is strong when some choice of one
 * dependency kind per edge never puts an edge ending in a recursive reader (`-(*R)->`) right before
 * an edge starting from a shared holder (`-(S*)->`); a strong cycle is what lockdep reports and what
 * can deadlock. The searches are breadth-first over (class, "last edge ends in R") states, the
 * state lockdep's __bfs() keeps as `only_xr`, so the first hit is a shortest strong path.
 */
import type { DepKind } from '../model/findings.js';
import type { ObservedEdge } from './observe.js';

/** `S*`: the holder (prev) was shared. */
export function startsShared(k: DepKind): boolean {
  return k === 'SR' || k === 'SN';
}

/** `*R`: the acquisition (next) was a recursive read. */
export function endsRecursive(k: DepKind): boolean {
  return k === 'SR' || k === 'ER';
}

/** An edge of a path with the kind that makes the path strong. */
export interface PathStep {
  edge: ObservedEdge;
  kind: DepKind;
}

/** Adjacency of an observed graph, neighbours in a fixed (name) order for deterministic searches. */
export class GraphView {
  readonly out = new Map<string, ObservedEdge[]>();
  readonly in = new Map<string, ObservedEdge[]>();
  readonly nodes: string[];

  constructor(edges: readonly ObservedEdge[], nodes?: readonly string[]) {
    const all = new Set<string>(nodes ?? []);
    for (const e of edges) {
      all.add(e.from);
      all.add(e.to);
      push(this.out, e.from, e);
      push(this.in, e.to, e);
    }
    for (const list of this.out.values()) list.sort((a, b) => cmp(a.to, b.to));
    for (const list of this.in.values()) list.sort((a, b) => cmp(a.from, b.from));
    this.nodes = [...all].sort(cmp);
  }

  succ(n: string): readonly ObservedEdge[] {
    return this.out.get(n) ?? [];
  }

  pred(n: string): readonly ObservedEdge[] {
    return this.in.get(n) ?? [];
  }

  edge(from: string, to: string): ObservedEdge | undefined {
    return this.succ(from).find((e) => e.to === to);
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** Code-point string order (locale independent, so output is byte-stable everywhere). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface SearchOptions {
  /** Follow only strong steps (modern semantics); false = plain reachability. */
  strong: boolean;
  /** Does the path start right after an edge ending in a recursive read (the root's only_xr)? */
  rootEndsR?: boolean;
  /** Restrict the search to these classes. */
  within?: ReadonlySet<string>;
  /** Accept the target only when the last edge's "ends in R" state allows it. */
  accept?: (endsR: boolean) => boolean;
}

/**
 * Shortest path from `src` to `dst` (at least one edge), strong when `opts.strong`. Each step
 * carries the kind chosen for it. Undefined when there is none.
 */
export function shortestPath(view: GraphView, src: string, dst: string, opts: SearchOptions): PathStep[] | undefined {
  interface State {
    node: string;
    endsR: boolean;
    parent: State | null;
    step: PathStep | null;
  }
  const seen = new Set<string>();
  const root: State = { node: src, endsR: opts.rootEndsR ?? false, parent: null, step: null };
  const queue: State[] = [root];
  seen.add(`${src}\u0000${root.endsR}`);
  for (let qi = 0; qi < queue.length; qi++) {
    const s = queue[qi]!;
    for (const e of view.succ(s.node)) {
      if (opts.within && !opts.within.has(e.to)) continue;
      const kinds: DepKind[] = opts.strong ? e.kinds : [e.kinds[e.kinds.length - 1] ?? 'EN'];
      // Prefer a kind ending in N: it leaves the next step unconstrained.
      const ordered = [...kinds].sort((a, b) => Number(endsRecursive(a)) - Number(endsRecursive(b)));
      for (const k of ordered) {
        if (opts.strong && s.endsR && startsShared(k)) continue;
        const endsR = opts.strong ? endsRecursive(k) : false;
        const ns: State = { node: e.to, endsR, parent: s, step: { edge: e, kind: k } };
        if (e.to === dst && (!opts.accept || opts.accept(endsR))) {
          const path: PathStep[] = [];
          for (let p: State | null = ns; p && p.step; p = p.parent) path.push(p.step);
          return path.reverse();
        }
        const key = `${e.to}\u0000${endsR}`;
        if (seen.has(key)) continue;
        seen.add(key);
        queue.push(ns);
        break;
      }
    }
  }
  return undefined;
}

/**
 * The shortest cycle that uses edge `e` (e, then a shortest path back from e.to to e.from),
 * strong if possible when `strong`; returns the steps starting with `e` and whether it is strong.
 */
export function shortestCycleThrough(view: GraphView, e: ObservedEdge, strong: boolean, within?: ReadonlySet<string>): { steps: PathStep[]; strong: boolean } | undefined {
  if (e.from === e.to) return { steps: [{ edge: e, kind: e.kinds[0] ?? 'EN' }], strong: true };
  if (strong) {
    let best: PathStep[] | undefined;
    for (const k of e.kinds) {
      const back = shortestPath(view, e.to, e.from, {
        strong: true,
        rootEndsR: endsRecursive(k),
        ...(within ? { within } : {}),
        accept: (endsR) => !(endsR && startsShared(k)),
      });
      if (back && (!best || back.length + 1 < best.length)) best = [{ edge: e, kind: k }, ...back];
    }
    if (best) return { steps: best, strong: true };
  }
  const back = shortestPath(view, e.to, e.from, { strong: false, ...(within ? { within } : {}) });
  if (!back) return undefined;
  return { steps: [{ edge: e, kind: e.kinds[e.kinds.length - 1] ?? 'EN' }, ...back], strong: !strong };
}

/**
 * Is the path (or, with `closed`, the cycle) through these edges strong? A DP over "the previous
 * edge ends in R", trying every kind of each edge.
 */
export function isStrong(kinds: readonly (readonly DepKind[])[], closed = false): boolean {
  if (!kinds.length) return true;
  const firsts = closed ? kinds[0]! : [undefined];
  for (const first of firsts) {
    // states: possible "ends in R" values after the edges so far
    let states = new Set<boolean>();
    const k0 = first !== undefined ? [first] : kinds[0]!;
    for (const k of k0) states.add(endsRecursive(k));
    for (let i = 1; i < kinds.length; i++) {
      const next = new Set<boolean>();
      for (const s of states) for (const k of kinds[i]!) if (!(s && startsShared(k))) next.add(endsRecursive(k));
      states = next;
      if (!states.size) break;
    }
    if (!closed && states.size) return true;
    if (closed && first !== undefined) for (const s of states) if (!(s && startsShared(first))) return true;
  }
  return false;
}
