import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adviseOrdering, layering } from '../../src/check/ordering.js';
import type { ObservedEdge } from '../../src/check/observe.js';
import { g } from './graph-builder.js';

function isAcyclic(edges: readonly ObservedEdge[]): boolean {
  const levels = layering([...new Set(edges.flatMap((e) => [e.from, e.to]))], edges);
  return levels.flat().length === new Set(edges.flatMap((e) => [e.from, e.to])).size;
}

/** Brute force: the size of a minimum feedback arc set. */
function minFas(edges: readonly ObservedEdge[]): number {
  for (let k = 0; k <= edges.length; k++) {
    const pick = (start: number, left: number, chosen: Set<ObservedEdge>): boolean => {
      if (left === 0) return isAcyclic(edges.filter((e) => !chosen.has(e)));
      for (let i = start; i < edges.length; i++) {
        chosen.add(edges[i]!);
        if (pick(i + 1, left - 1, chosen)) return true;
        chosen.delete(edges[i]!);
      }
      return false;
    };
    if (pick(0, k, new Set())) return k;
  }
  return edges.length;
}

describe('feedback arc set and ranking', () => {
  it('an acyclic graph is consistent: nothing to remove, and a longest-path layering', () => {
    const a = adviseOrdering(g('A>B', 'B>C', 'A>C', 'D>C'));
    expect(a.consistent).toBe(true);
    expect(a.feedback).toEqual([]);
    expect(a.levels).toEqual([['A', 'D'], ['B'], ['C']]);
  });

  it('ABBA: removes one dependency, preferring the one the validator refused (it closed the cycle)', () => {
    const graph = g('A>B', 'B>A');
    graph.edges[1]!.rejected = 'circular';
    const a = adviseOrdering(graph);
    expect(a.consistent).toBe(false);
    expect(a.feedback.map((e) => `${e.from}>${e.to}`)).toEqual(['B>A']);
    expect(a.levels).toEqual([['A'], ['B']]);
    expect(a.components[0]!.method).toBe('exact');
  });

  it('removes the one dependency shared by two cycles rather than one per cycle', () => {
    const a = adviseOrdering(g('A>B', 'B>C', 'C>A', 'C>D', 'D>B'));
    expect(a.feedback.map((e) => `${e.from}>${e.to}`)).toEqual(['B>C']);
  });

  it('exact search matches brute force on small graphs', () => {
    const arb = fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })), { maxLength: 12, selector: ([a, b]) => `${a},${b}` });
    fc.assert(
      fc.property(arb, (pairs) => {
        const specs = pairs.filter(([a, b]) => a !== b).map(([a, b]) => `N${a}>N${b}`);
        const graph = g(...specs);
        const a = adviseOrdering(graph);
        expect(a.feedback.length).toBe(minFas(graph.edges));
        const rest = graph.edges.filter((e) => !a.feedback.includes(e));
        expect(isAcyclic(rest)).toBe(true);
        // every remaining dependency goes to a strictly higher level
        const level = new Map(a.levels.flatMap((l, i) => l.map((n) => [n, i] as const)));
        for (const e of rest) expect(level.get(e.from)!).toBeLessThan(level.get(e.to)!);
      }),
      { numRuns: 150 },
    );
  });

  it('uses the Eades-Lin-Smyth heuristic beyond the exact limit, and the result is a minimal acyclic cut', () => {
    const names = Array.from({ length: 8 }, (_, i) => `L${i}`);
    const specs = names.flatMap((a, i) => names.filter((_, j) => j !== i && (j - i + 8) % 8 <= 3).map((b) => `${a}>${b}`));
    const graph = g(...specs);
    const a = adviseOrdering(graph, { exactLimit: 20 });
    expect(a.components[0]!.method).toBe('heuristic');
    const rest = graph.edges.filter((e) => !a.feedback.includes(e));
    expect(isAcyclic(rest)).toBe(true);
    for (const e of a.feedback) expect(isAcyclic([...rest, e])).toBe(false);
  });
});
