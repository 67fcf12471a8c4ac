/**
 * `lockdep-sim explain A B`: every recorded path between two classes, both ways (A ⇝ B and B ⇝ A),
 * each dependency with the step and call path that created it and its kinds, and whether the path
 * is strong (reference §2.3: no `-(*R)->` followed by `-(S*)->`; in the 5.1 era every recorded edge
 * is `EN`, so every path is). Paths are simple (no class twice), shortest first, capped.
 */
import { inputError } from '../diag/error.js';
import { closest } from '../scenario/closest.js';
import { depRef } from './check.js';
import { resolvePattern } from './names.js';
import type { ObservedEdge, ObservedGraph } from './observe.js';
import type { DependencyRef } from './result.js';
import { cmp, GraphView, isStrong } from './strong.js';

export interface ExplainedPath {
  classes: string[];
  dependencies: DependencyRef[];
  strong: boolean;
}

export interface ExplainDirection {
  from: string;
  to: string;
  paths: ExplainedPath[];
  /** More paths exist than were listed. */
  truncated: boolean;
}

export interface Explanation {
  a: string;
  b: string;
  forward: ExplainDirection;
  backward: ExplainDirection;
  /** Both directions have a path: A and B are on a cycle (strong when some pair of paths closes a strong cycle). */
  cycle?: { strong: boolean };
}

export const DEFAULT_MAX_PATHS = 20;

/** Resolves a class argument to exactly one class name (input error otherwise). */
export function resolveClass(arg: string, graph: ObservedGraph): string {
  const names = [...new Set([...graph.classes.map((c) => c.name), ...graph.edges.flatMap((e) => [e.from, e.to])])].sort(cmp);
  if (names.includes(arg)) return arg;
  const hits = resolvePattern(arg, names);
  if (hits.length === 1) return hits[0]!;
  if (hits.length > 1) throw inputError('usage', `\`${arg}\` names ${hits.length} classes: ${hits.map((h) => `\`${h}\``).join(', ')}`, undefined, 'write the full printed name, with its #N or /subclass');
  const near = closest(arg, names);
  throw inputError('usage', `no lock class \`${arg}\` in the inputs`, undefined, near ? `did you mean \`${near}\`?` : 'class names are printed names, e.g. `kn->count#424`');
}

/** Simple paths from `src` to `dst`, shortest first (then by class names), at most `max`. */
function simplePaths(view: GraphView, src: string, dst: string, max: number): { paths: ObservedEdge[][]; truncated: boolean } {
  const found: ObservedEdge[][] = [];
  const budget = 10_000 + max * 100;
  let work = 0;
  let truncated = false;
  // Iterative deepening keeps "shortest first" without holding every path.
  for (let len = 1; len <= view.nodes.length && !truncated; len++) {
    const onPath = new Set([src]);
    const trail: ObservedEdge[] = [];
    const dfs = (n: string): void => {
      if (truncated) return;
      if (++work > budget) {
        truncated = true;
        return;
      }
      if (trail.length === len) return;
      for (const e of view.succ(n)) {
        if (e.to === dst) {
          if (trail.length + 1 === len) {
            if (found.length >= max) {
              truncated = true;
              return;
            }
            found.push([...trail, e]);
          }
          continue;
        }
        if (onPath.has(e.to) || trail.length + 1 >= len) continue;
        onPath.add(e.to);
        trail.push(e);
        dfs(e.to);
        trail.pop();
        onPath.delete(e.to);
      }
    };
    dfs(src);
  }
  return { paths: found, truncated };
}

function direction(view: GraphView, from: string, to: string, max: number): ExplainDirection {
  const { paths, truncated } = simplePaths(view, from, to, max);
  return {
    from,
    to,
    truncated,
    paths: paths.map((p) => ({
      classes: [from, ...p.map((e) => e.to)],
      dependencies: p.map(depRef),
      strong: isStrong(p.map((e) => e.kinds)),
    })),
  };
}

export function explain(graph: ObservedGraph, argA: string, argB: string, opts: { maxPaths?: number } = {}): Explanation {
  const a = resolveClass(argA, graph);
  const b = resolveClass(argB, graph);
  if (a === b) throw inputError('usage', `both classes are \`${a}\``, undefined, 'name two different classes');
  const view = new GraphView(graph.edges);
  const max = opts.maxPaths ?? DEFAULT_MAX_PATHS;
  const forward = direction(view, a, b, max);
  const backward = direction(view, b, a, max);
  const ex: Explanation = { a, b, forward, backward };
  if (forward.paths.length && backward.paths.length) {
    let strong = false;
    for (const p of forward.paths) {
      for (const q of backward.paths) {
        if (isStrong([...p.dependencies, ...q.dependencies].map((d) => d.kinds), true)) strong = true;
      }
    }
    ex.cycle = { strong };
  }
  return ex;
}
