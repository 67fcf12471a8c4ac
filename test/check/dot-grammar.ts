/**
 * A checker for the DOT subset renderDot() emits (docs/check.md), so the DOT tests mean something
 * on machines without Graphviz. Grammar (a subset of https://graphviz.org/doc/info/lang.html):
 *
 *   graph     : 'digraph' ID '{' stmt* '}'
 *   stmt      : ('graph' | 'node' | 'edge') attrs ';'
 *             | ID attrs? ';'                      node statement
 *             | ID '->' ID attrs? ';'              edge statement
 *             | 'subgraph' ID '{' stmt* '}'        (no nested subgraphs)
 *   attrs     : '[' (attr (',' attr)*)? ']'
 *   attr      : NAME '=' ID
 *   ID        : '"' ( [^"\\\n] | '\' any-but-newline )* '"'   (quoted strings only)
 *   NAME      : [A-Za-z_][A-Za-z0-9_]*
 *
 * Returns the node and edge statements (for assertions), or throws with the offending position.
 */
export interface DotParse {
  nodes: string[];
  edges: [string, string][];
  clusters: string[];
}

export function parseDotSubset(text: string): DotParse {
  let i = 0;
  const fail = (what: string): never => {
    const line = text.slice(0, i).split('\n').length;
    throw new Error(`DOT subset: expected ${what} at line ${line}: ${JSON.stringify(text.slice(i, i + 30))}`);
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const lit = (s: string) => {
    ws();
    if (!text.startsWith(s, i)) fail(`"${s}"`);
    i += s.length;
  };
  const peek = (s: string) => {
    ws();
    return text.startsWith(s, i);
  };
  const id = (): string => {
    ws();
    if (text[i] !== '"') fail('a quoted ID');
    i++;
    let out = '';
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\n') fail('no raw newline inside a string');
      if (text[i] === '\\') {
        i++;
        if (i >= text.length || text[i] === '\n') fail('an escaped character');
      }
      out += text[i];
      i++;
    }
    if (text[i] !== '"') fail('a closing quote');
    i++;
    return out;
  };
  const name = (): string => {
    ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (!m) fail('an attribute name');
    i += m![0].length;
    return m![0];
  };
  const attrs = () => {
    lit('[');
    if (peek(']')) return void lit(']');
    for (;;) {
      name();
      lit('=');
      id();
      if (peek(',')) lit(',');
      else break;
    }
    lit(']');
  };
  const out: DotParse = { nodes: [], edges: [], clusters: [] };
  const stmts = (inSub: boolean) => {
    while (!peek('}')) {
      if (i >= text.length) fail('"}"');
      const kw = /^(graph|node|edge|subgraph)\b/.exec(text.slice(i));
      if (kw) {
        i += kw[0].length;
        if (kw[1] === 'subgraph') {
          if (inSub) fail('no nested subgraph');
          out.clusters.push(id());
          lit('{');
          stmts(true);
          lit('}');
          continue;
        }
        attrs();
        lit(';');
        continue;
      }
      const a = id();
      if (peek('->')) {
        lit('->');
        const b = id();
        out.edges.push([a, b]);
      } else out.nodes.push(a);
      if (peek('[')) attrs();
      lit(';');
    }
  };
  lit('digraph');
  id();
  lit('{');
  stmts(false);
  lit('}');
  ws();
  if (i !== text.length) fail('end of input');
  return out;
}
