/**
 * A checker for the Mermaid flowchart subset renderMermaid() emits (docs/check.md); the mermaid
 * package itself needs a browser DOM. Line grammar:
 *
 *   first line : 'flowchart LR'
 *   node       : INDENT NID '["' LABEL '"]'
 *   subgraph   : '  subgraph level' N ' ["' LABEL '"]'   ...   '  end'     (no nesting)
 *   edge       : '  ' NID (' -->' | ' -.->') '|"' LABEL '"| ' NID
 *   linkStyle  : '  linkStyle ' N ' ' STYLE
 *   style      : '  style ' NID ' ' STYLE
 *   NID        : 'n' digits (defined by a node line before use)
 *   LABEL      : no '"', no '|', no '[' ']'; '#' only in entity codes '#name;' / '#123;';
 *                '<' only in '<br/>'
 *   STYLE      : [a-z-]+ ':' [#A-Za-z0-9]+ (',' same)*
 */
export interface MermaidParse {
  nodes: Map<string, string>;
  edges: [string, string, string][];
}

function label(s: string, where: number): string {
  if (/["|[\]]/.test(s)) throw new Error(`Mermaid subset: bad character in label on line ${where}: ${s}`);
  const rest = s.replace(/#(?:[a-z]+|\d+);/g, '').replace(/<br\/>/g, '');
  if (/[#<>]/.test(rest)) throw new Error(`Mermaid subset: unescaped # < > in label on line ${where}: ${s}`);
  return s;
}

export function parseMermaidSubset(text: string): MermaidParse {
  const lines = text.split('\n');
  if (lines[lines.length - 1] !== '') throw new Error('Mermaid subset: no final newline');
  lines.pop();
  if (lines[0] !== 'flowchart LR') throw new Error('Mermaid subset: first line must be `flowchart LR`');
  const out: MermaidParse = { nodes: new Map(), edges: [] };
  let edgeCount = 0;
  let inSub = false;
  lines.slice(1).forEach((l, k) => {
    const n = k + 2;
    let m: RegExpExecArray | null;
    if ((m = /^ {2}subgraph level\d+ \["(.*)"\]$/.exec(l))) {
      if (inSub) throw new Error(`Mermaid subset: nested subgraph on line ${n}`);
      label(m[1]!, n);
      inSub = true;
    } else if (l === '  end') {
      if (!inSub) throw new Error(`Mermaid subset: \`end\` without subgraph on line ${n}`);
      inSub = false;
    } else if ((m = /^( {2}| {4})(n\d+)\["(.*)"\]$/.exec(l))) {
      if ((m[1]!.length === 4) !== inSub) throw new Error(`Mermaid subset: bad indentation on line ${n}`);
      out.nodes.set(m[2]!, label(m[3]!, n));
    } else if ((m = /^ {2}(n\d+) (-->|-\.->)\|"(.*)"\| (n\d+)$/.exec(l))) {
      if (!out.nodes.has(m[1]!) || !out.nodes.has(m[4]!)) throw new Error(`Mermaid subset: edge to an undefined node on line ${n}`);
      out.edges.push([m[1]!, m[4]!, label(m[3]!, n)]);
      edgeCount++;
    } else if ((m = /^ {2}linkStyle (\d+) [a-z-]+:[#A-Za-z0-9]+(,[a-z-]+:[#A-Za-z0-9]+)*$/.exec(l))) {
      if (Number(m[1]) >= edgeCount) throw new Error(`Mermaid subset: linkStyle of a missing edge on line ${n}`);
    } else if ((m = /^ {2}style (n\d+) [a-z-]+:[#A-Za-z0-9]+(,[a-z-]+:[#A-Za-z0-9]+)*$/.exec(l))) {
      if (!out.nodes.has(m[1]!)) throw new Error(`Mermaid subset: style of an undefined node on line ${n}`);
    } else throw new Error(`Mermaid subset: unexpected line ${n}: ${l}`);
  });
  if (inSub) throw new Error('Mermaid subset: unterminated subgraph');
  return out;
}
