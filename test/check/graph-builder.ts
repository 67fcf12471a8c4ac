/** In-memory observed graphs for the graph algorithms (no replay): `g('A>B', 'B>A:SR,EN')`. */
import type { DepKind } from '../../src/model/findings.js';
import type { ObservedEdge, ObservedGraph } from '../../src/check/observe.js';

export function edge(spec: string, order: number): ObservedEdge {
  const [pair, kinds = 'EN'] = spec.split(':') as [string, string?];
  const [from, to] = pair.split('>') as [string, string];
  return {
    from,
    to,
    kinds: kinds.split(',') as DepKind[],
    witness: { at: { file: 'g.yaml', line: order + 1, col: 1 }, stack: [{ symbol: `f_${from}_${to}`, offset: 0x10, size: 0x40 }], task: 'T/1' },
    order,
  };
}

export function g(...specs: string[]): ObservedGraph {
  const edges = specs.map(edge);
  const names = [...new Set(edges.flatMap((e) => [e.from, e.to]))];
  return { classes: names.map((name) => ({ name, decl: name, subclass: 0, modes: ['W'] })), edges, heldPairs: [] };
}
