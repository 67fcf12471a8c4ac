/**
 * Mermaid flowchart for `lockdep-sim graph --format mermaid` (pastes into GitHub Markdown inside a
 * ```mermaid block). The subset emitted (docs/check.md; checked by test/check/mermaid-grammar.ts):
 * `flowchart LR`, node definitions `nK["label"]`, `subgraph levelN ["label"]` ... `end` for policy
 * levels, edges `nK -->|"label"| nM` (`-.->` for dependencies the validator refused), `linkStyle`
 * lines colouring cycle edges and `style` lines for focus classes. Labels escape `"`, `#`, `<`,
 * `>`, `&`, `|`, `[` and `]` with Mermaid entity codes (`#quot;`, `#35;`, `#lt;`, `#gt;`, `#amp;`,
 * `#124;`, `#91;`, `#93;`).
 */
import type { GraphModel } from '../../check/graph-model.js';

export function mermaidText(s: string): string {
  return s.replace(/[#"<>&|[\]\n]/g, (c) => ({ '#': '#35;', '"': '#quot;', '<': '#lt;', '>': '#gt;', '&': '#amp;', '|': '#124;', '[': '#91;', ']': '#93;', '\n': ' ' })[c]!);
}

export function renderMermaid(m: GraphModel): string {
  const id = new Map(m.nodes.map((n, i) => [n.name, `n${i}`]));
  const out: string[] = ['flowchart LR'];
  const def = (name: string, modes: readonly string[]) => `${id.get(name)}["${mermaidText(name)}${modes.length ? `<br/>(${modes.join(' ')})` : ''}"]`;
  const levels = [...new Set(m.nodes.flatMap((n) => (n.level === undefined ? [] : [n.level])))].sort((a, b) => a - b);
  for (const l of levels) {
    out.push(`  subgraph level${l} ["${mermaidText(m.levels[l] ?? `level ${l}`)}"]`);
    for (const n of m.nodes) if (n.level === l) out.push(`    ${def(n.name, n.modes)}`);
    out.push('  end');
  }
  for (const n of m.nodes) if (n.level === undefined) out.push(`  ${def(n.name, n.modes)}`);
  const styles: string[] = [];
  m.edges.forEach((e, i) => {
    const label = `${e.kinds.join(',')}${e.rejected ? ` (${e.rejected})` : ''}`;
    out.push(`  ${id.get(e.from)} ${e.rejected ? '-.->' : '-->'}|"${mermaidText(label)}"| ${id.get(e.to)}`);
    if (e.cycle === 'strong') styles.push(`  linkStyle ${i} stroke:#d00000,stroke-width:3px,color:#d00000`);
    else if (e.cycle === 'weak') styles.push(`  linkStyle ${i} stroke:#f08c00,stroke-width:2px,color:#f08c00`);
  });
  out.push(...styles);
  for (const n of m.nodes) if (n.focus) out.push(`  style ${id.get(n.name)} fill:#fff3c4,stroke-width:3px`);
  return `${out.join('\n')}\n`;
}
