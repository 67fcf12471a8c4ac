import { describe, expect, it } from 'vitest';
import { canonicalRotation, components, findCycles } from '../../src/check/cycles.js';
import { GraphView, isStrong, shortestPath } from '../../src/check/strong.js';
import { g } from './graph-builder.js';

describe('every cycle', () => {
  it('finds the components with cycles, in name order, ignoring acyclic parts', () => {
    const graph = g('A>B', 'B>A', 'C>D', 'X>Y', 'Y>Z', 'Z>X', 'B>C');
    expect(components(graph)).toEqual([
      ['A', 'B'],
      ['X', 'Y', 'Z'],
    ]);
  });

  it('lists every cycle, not only the first: two cycles sharing a class are both reported', () => {
    const comps = findCycles(g('A>B', 'B>A', 'B>C', 'C>A'));
    expect(comps).toHaveLength(1);
    expect(comps[0]!.cycles.map((c) => c.id)).toEqual(['A -> B -> A', 'A -> B -> C -> A']);
  });

  it('dedupes rotations: one cycle found from each of its dependencies is listed once', () => {
    const comps = findCycles(g('C>A', 'A>B', 'B>C'));
    expect(comps[0]!.cycles.map((c) => c.id)).toEqual(['A -> B -> C -> A']);
    expect(comps[0]!.cycles[0]!.classes).toEqual(['A', 'B', 'C']);
    expect(comps[0]!.cycles[0]!.steps.map((s) => `${s.edge.from}>${s.edge.to}`)).toEqual(['A>B', 'B>C', 'C>A']);
  });

  it('lists the shortest cycle through each dependency, shortest first', () => {
    // A -> B -> C -> D -> A, plus a shortcut C -> A: the long edge D -> A only lies on the 4-cycle.
    const comps = findCycles(g('A>B', 'B>C', 'C>D', 'D>A', 'C>A'));
    expect(comps[0]!.cycles.map((c) => c.id)).toEqual(['A -> B -> C -> A', 'A -> B -> C -> D -> A']);
  });

  it('is deterministic whatever the order the dependencies were observed in', () => {
    const a = findCycles(g('A>B', 'B>A', 'B>C', 'C>A', 'C>B'));
    const b = findCycles(g('C>B', 'C>A', 'B>C', 'B>A', 'A>B'));
    expect(a.map((c) => c.cycles.map((x) => x.id))).toEqual(b.map((c) => c.cycles.map((x) => x.id)));
  });

  it('marks a cycle through recursive reads only as not strong, and prefers a strong one when there is', () => {
    const weak = findCycles(g('A>B:SR', 'B>A:SR'));
    expect(weak[0]!.cycles[0]!.strong).toBe(false);
    const strong = findCycles(g('A>B:SR,EN', 'B>A:SR'));
    expect(strong[0]!.cycles[0]!.strong).toBe(true);
    expect(strong[0]!.cycles[0]!.steps.map((s) => s.kind)).toEqual(['EN', 'SR']);
  });

  it('caps the listing of a huge component and says so', () => {
    // A complete digraph on 12 classes: 132 dependencies.
    const names = Array.from({ length: 12 }, (_, i) => `L${String(i).padStart(2, '0')}`);
    const specs = names.flatMap((a) => names.filter((b) => b !== a).map((b) => `${a}>${b}`));
    const comps = findCycles(g(...specs), { maxCycles: 10 });
    expect(comps[0]!.cycles).toHaveLength(10);
    expect(comps[0]!.truncated).toMatch(/component of 12 classes and 132 dependencies: listing stopped at 10 cycles/);
  });

  it('rotates a closed walk to its smallest rotation', () => {
    expect(canonicalRotation(['B', 'C', 'A'], [1, 2, 3])).toEqual({ names: ['A', 'B', 'C'], items: [3, 1, 2] });
    expect(canonicalRotation(['B', 'A', 'B', 'A'], [1, 2, 3, 4]).names).toEqual(['A', 'B', 'A', 'B']);
  });
});

describe('strong paths (reference §2.3)', () => {
  it('a recursive read followed by a shared holder breaks a path', () => {
    expect(isStrong([['SR'], ['SR']])).toBe(false);
    expect(isStrong([['ER'], ['SN']])).toBe(false);
    expect(isStrong([['ER'], ['EN']])).toBe(true);
    expect(isStrong([['SN'], ['SN']])).toBe(true);
    expect(isStrong([['ER', 'EN'], ['SN']])).toBe(true);
  });

  it('a cycle is strong only when the closing step is allowed too (cases 015 and 031 of the oracle)', () => {
    // 015: A -(ER)-> B, B -(SN)-> A: no report.
    expect(isStrong([['ER'], ['SN']], true)).toBe(false);
    // 031: A -(ER)-> B -(EN)-> C -(EN)-> A: report.
    expect(isStrong([['ER'], ['EN'], ['EN']], true)).toBe(true);
    // 056: SR, SN, SN: the R at B is followed by S out of B.
    expect(isStrong([['SR'], ['SN'], ['SN']], true)).toBe(false);
  });

  it('the strong shortest path avoids an -(*R)-> -(S*)-> step even when it is longer', () => {
    const view = new GraphView(g('A>B:ER', 'B>D:SN', 'A>C:EN', 'C>D:EN').edges);
    expect(shortestPath(view, 'A', 'D', { strong: true })!.map((s) => s.edge.to)).toEqual(['C', 'D']);
    expect(shortestPath(view, 'A', 'D', { strong: false })!.map((s) => s.edge.to)).toEqual(['B', 'D']);
  });
});
