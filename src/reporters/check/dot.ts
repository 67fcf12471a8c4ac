/**
 * Graphviz DOT for `lockdep-sim graph --format dot`. Emits a small, fixed subset of the DOT
 * language (docs/check.md lists it; test/check/dot-grammar.ts checks it): one `digraph`, quoted IDs
 * only, `graph`/`node`/`edge` attribute statements, node and edge statements with attribute lists,
 * and `subgraph "cluster_N"` blocks for policy levels. Cycle edges are red (strong) or orange
 * (recursive reads only), dependencies the validator refused are dashed, node labels carry the
 * modes each class was taken in (W write, r read, R recursive read).
 */
import type { GraphEdge, GraphModel, GraphNode } from '../../check/graph-model.js';

/** A DOT double-quoted string: `"` and `\` escaped, newlines as `\n`. */
export function dotId(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

function attrs(a: Record<string, string>): string {
  const parts = Object.entries(a).map(([k, v]) => `${k}=${dotId(v)}`);
  return parts.length ? ` [${parts.join(', ')}]` : '';
}

function nodeStmt(n: GraphNode): string {
  const a: Record<string, string> = { label: n.modes.length ? `${n.name}\n(${n.modes.join(' ')})` : n.name };
  if (n.focus) {
    a.style = 'bold,filled';
    a.fillcolor = '#fff3c4';
  }
  return `${dotId(n.name)}${attrs(a)};`;
}

function edgeStmt(e: GraphEdge): string {
  const a: Record<string, string> = { label: `${e.kinds.join(',')}${e.rejected ? ` (${e.rejected})` : ''}` };
  if (e.cycle === 'strong') {
    a.color = 'red';
    a.fontcolor = 'red';
    a.penwidth = '2';
  } else if (e.cycle === 'weak') {
    a.color = 'orange';
    a.fontcolor = 'orange';
  }
  if (e.rejected) a.style = 'dashed';
  return `${dotId(e.from)} -> ${dotId(e.to)}${attrs(a)};`;
}

export function renderDot(m: GraphModel, title = 'lockdep'): string {
  const out: string[] = [`digraph ${dotId(title)} {`];
  out.push(`  graph${attrs({ rankdir: 'LR', fontname: 'Helvetica' })};`);
  out.push(`  node${attrs({ shape: 'box', fontname: 'Helvetica' })};`);
  out.push(`  edge${attrs({ fontname: 'Helvetica', fontsize: '10' })};`);
  const byLevel = new Map<number, GraphNode[]>();
  const loose: GraphNode[] = [];
  for (const n of m.nodes) {
    if (n.level === undefined) loose.push(n);
    else {
      const l = byLevel.get(n.level);
      if (l) l.push(n);
      else byLevel.set(n.level, [n]);
    }
  }
  for (const [level, nodes] of [...byLevel].sort((a, b) => a[0] - b[0])) {
    out.push(`  subgraph ${dotId(`cluster_${level}`)} {`);
    out.push(`    graph${attrs({ label: m.levels[level] ?? `level ${level}`, style: 'rounded', color: 'gray' })};`);
    for (const n of nodes) out.push(`    ${nodeStmt(n)}`);
    out.push('  }');
  }
  for (const n of loose) out.push(`  ${nodeStmt(n)}`);
  for (const e of m.edges) out.push(`  ${edgeStmt(e)}`);
  out.push('}');
  return `${out.join('\n')}\n`;
}
