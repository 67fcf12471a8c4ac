import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findCycles } from '../../src/check/cycles.js';
import { graphModel } from '../../src/check/graph-model.js';
import { mergeGraphs, observe } from '../../src/check/observe.js';
import { compilePolicy, parsePolicy } from '../../src/check/policy.js';
import { renderDot } from '../../src/reporters/check/dot.js';
import { renderMermaid } from '../../src/reporters/check/mermaid.js';
import { scenario, task } from '../helpers/build.js';
import { parseDotSubset } from './dot-grammar.js';
import { parseMermaidSubset } from './mermaid-grammar.js';

const GOLDEN = new URL('../fixtures/check/golden/', import.meta.url);
/** Golden cases with graph outputs (the --explore ones only have check outputs). */
const graphCases = () => readdirSync(GOLDEN).filter((c) => existsSync(new URL(`${c}/graph.dot`, GOLDEN)));
const HAVE_DOT = spawnSync('dot', ['-V'], { encoding: 'utf8' }).status === 0;

/** Renders with Graphviz when it is installed (CI machines may not have it). */
function graphviz(text: string): string | undefined {
  if (!HAVE_DOT) return undefined;
  const r = spawnSync('dot', ['-Tsvg'], { input: text, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

/** Class names that break naive quoting in DOT and Mermaid. */
const HOSTILE = ['a"quoted"', 'back\\slash', 'kn->count#424', '<tag>&amp', 'pipe|[br]acket', '&ei->i_data_sem/2'];

function hostileModel() {
  const ids = HOSTILE.map((_, i) => `L${i}`);
  const s = scenario(
    ids.map((id, i) => task(`T${i}`, [id, ids[(i + 1) % ids.length]!, `-${ids[(i + 1) % ids.length]!}`, `-${id}`], 100 + i)),
  );
  s.classes = s.classes.map((c) => ({ ...c, name: HOSTILE[Number(c.id.slice(1))]! }));
  const graph = mergeGraphs([observe(s).graph]);
  const policy = compilePolicy(parsePolicy(`levels:\n  - ${JSON.stringify(HOSTILE[0])}\n  - [${JSON.stringify(HOSTILE[1])}, ${JSON.stringify(HOSTILE[2])}]\n`, 'p.yaml'));
  return graphModel(graph, findCycles(graph), { policy, focus: ['kn->count'], depth: 2 });
}

describe('DOT output', () => {
  for (const c of graphCases()) {
    it(`${c}: is in the documented DOT subset${HAVE_DOT ? ' and renders with Graphviz' : ''}`, () => {
      const text = readFileSync(new URL(`${c}/graph.dot`, GOLDEN), 'utf8');
      const p = parseDotSubset(text);
      const svg = graphviz(text);
      if (svg) expect((svg.match(/<g id="node\d+" class="node">/g) ?? []).length).toBe(p.nodes.length);
    });
  }

  it('quotes hostile class names, highlights the cycle and clusters by policy level', () => {
    const text = renderDot(hostileModel());
    const p = parseDotSubset(text);
    expect(p.nodes).toContain('a"quoted"');
    expect(p.nodes).toContain('back\\slash');
    expect(p.clusters).toEqual(['cluster_0', 'cluster_1']);
    expect(text).toContain('"a\\"quoted\\"" -> "back\\\\slash" [label="EN", color="red"');
    const svg = graphviz(text);
    if (svg) expect(svg).toContain('a&quot;quoted&quot;');
  });

  it('the checker rejects what is outside the subset', () => {
    expect(() => parseDotSubset('digraph "g" { a -> b; }\n')).toThrow(/quoted ID/);
    expect(() => parseDotSubset('digraph "g" { "a" -> "b" [label=x]; }\n')).toThrow(/quoted ID/);
    expect(() => parseDotSubset('digraph "g" { "a\n" }\n')).toThrow(/raw newline/);
  });
});

describe('Mermaid output', () => {
  for (const c of graphCases()) {
    it(`${c}: is in the documented Mermaid flowchart subset`, () => {
      const text = readFileSync(new URL(`${c}/graph.mmd`, GOLDEN), 'utf8');
      const dot = parseDotSubset(readFileSync(new URL(`${c}/graph.dot`, GOLDEN), 'utf8'));
      const m = parseMermaidSubset(text);
      expect(m.nodes.size).toBe(dot.nodes.length);
      expect(m.edges.length).toBe(dot.edges.length);
    });
  }

  it('escapes hostile class names with entity codes', () => {
    const text = renderMermaid(hostileModel());
    const m = parseMermaidSubset(text);
    expect([...m.nodes.values()]).toContain('a#quot;quoted#quot;<br/>(W)');
    expect([...m.nodes.values()]).toContain('pipe#124;#91;br#93;acket<br/>(W)');
    expect(text).toMatch(/ {2}subgraph level0 \["level 0: a#quot;quoted#quot;"\]/);
    expect(text).toMatch(/linkStyle \d+ stroke:#d00000/);
  });

  it('the checker rejects what is outside the subset', () => {
    expect(() => parseMermaidSubset('graph TD\n')).toThrow(/flowchart LR/);
    expect(() => parseMermaidSubset('flowchart LR\n  n0["a"b"]\n')).toThrow(/bad character/);
    expect(() => parseMermaidSubset('flowchart LR\n  n0["a#b"]\n')).toThrow(/unescaped/);
    expect(() => parseMermaidSubset('flowchart LR\n  n0["a"]\n  n0 -->|"EN"| n1\n')).toThrow(/undefined node/);
  });
});
