/**
 * Lays out the dependency graph of a whole replay once, with dagre, at page generation time: the
 * page then shows the nodes and edges that exist at the cursor, so nothing moves while the graph
 * grows. Sizes assume the page's monospace font (see styles.ts: node names 15px, edge labels 13px).
 */
import dagre from '@dagrejs/dagre';

/** Width of one character of the node font (15px monospace: about 0.6em). */
export const NODE_CHAR_W = 9.2;
/** Width of one character of the edge-label font (13px monospace). */
export const LABEL_CHAR_W = 8;
const NODE_PAD_X = 14;
export const NODE_H = 28;
const LABEL_H = 19;
/** How far a self-dependency loop reaches to the right of its node. */
export const SELF_LOOP_W = 56;

export interface LayoutNodeIn {
  /** The node's text (class name and usage string, on one line). */
  text: string;
}

export interface LayoutEdgeIn {
  from: number;
  to: number;
  /** The longest label the edge will show. */
  label: string;
}

export interface LayoutOut {
  width: number;
  height: number;
  nodes: { x: number; y: number; width: number; height: number }[];
  /** `self`: a loop from the first point to the second around the node's right side. */
  edges: { points: [number, number][]; labelX: number; labelY: number; self?: boolean }[];
}

const round = (n: number) => Math.round(n * 10) / 10;

export function layoutGraph(nodes: readonly LayoutNodeIn[], edges: readonly LayoutEdgeIn[]): LayoutOut {
  const g = new dagre.graphlib.Graph({ multigraph: true, directed: true });
  g.setGraph({ rankdir: 'TB', nodesep: 26, ranksep: 22, edgesep: 14, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  nodes.forEach((n, i) => g.setNode(String(i), { width: Math.max(8, n.text.length) * NODE_CHAR_W + 2 * NODE_PAD_X, height: NODE_H }));
  edges.forEach((e, i) => {
    if (e.from !== e.to) g.setEdge(String(e.from), String(e.to), { width: e.label.length * LABEL_CHAR_W + 12, height: LABEL_H, labelpos: 'c' }, `e${i}`);
  });
  dagre.layout(g);
  const graph = g.graph() as { width?: number; height?: number };
  let width = graph.width ?? 0;
  const laidNodes = nodes.map((_, i) => {
    const n = g.node(String(i)) as { x: number; y: number; width: number; height: number };
    return { x: round(n.x), y: round(n.y), width: round(n.width), height: round(n.height) };
  });
  const laidEdges = edges.map((e, i): LayoutOut['edges'][number] => {
    if (e.from === e.to) {
      // A self-dependency (recursive locking): a loop on the node's right side, label beside it.
      const n = laidNodes[e.from]!;
      const right = n.x + n.width / 2;
      const labelW = e.label.length * LABEL_CHAR_W + 12;
      const labelX = right + SELF_LOOP_W + 8 + labelW / 2;
      width = Math.max(width, labelX + labelW / 2 + 8);
      return {
        points: [
          [round(right - 16), round(n.y - n.height / 2)],
          [round(right - 16), round(n.y + n.height / 2)],
        ],
        labelX: round(labelX),
        labelY: n.y,
        self: true,
      };
    }
    const l = g.edge(String(e.from), String(e.to), `e${i}`) as { points?: { x: number; y: number }[]; x?: number; y?: number };
    const points = (l.points ?? []).map((p) => [round(p.x), round(p.y)] as [number, number]);
    const mid = points[Math.floor(points.length / 2)] ?? [0, 0];
    return { points, labelX: round(l.x ?? mid[0]), labelY: round(l.y ?? mid[1]) };
  });
  return { width: Math.ceil(width), height: Math.ceil(graph.height ?? 0), nodes: laidNodes, edges: laidEdges };
}
