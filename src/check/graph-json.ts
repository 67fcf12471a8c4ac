/**
 * The graph JSON format (docs/graph-json.md): the observed-dependency graph as data, written by
 * `lockdep-sim graph --format json` and read back as a `check --baseline`. Version 1:
 * `{"version":1, "classes":[...], "dependencies":[{from,to,kinds,...}]}`; classes and dependencies
 * are sorted by name so that a baseline kept in git diffs line by line.
 */
import { inputError } from '../diag/error.js';
import type { DepKind } from '../model/findings.js';
import { formatFrame } from '../model/frame.js';
import type { SourceSpan } from '../model/span.js';
import type { Component } from './cycles.js';
import type { ObservedGraph, RejectedBy } from './observe.js';
import { cmp } from './strong.js';

export const GRAPH_JSON_VERSION = 1;

export interface GraphJsonClass {
  name: string;
  /** Acquisition modes seen: `W`, `r`, `R`. */
  modes?: ('W' | 'r' | 'R')[];
}

export interface GraphJsonDependency {
  from: string;
  to: string;
  kinds: DepKind[];
  /** The step that first created it. */
  recordedAt?: SourceSpan;
  /** `comm/pid`. */
  recordedBy?: string;
  /** Call-path labels of that step, outermost first. */
  path?: string[];
  /** The stack at that step, innermost first, as `symbol+0xoff/0xsize`. */
  trace?: string[];
  /** The validator refused to store it (it closed a cycle / joined irq-safe to irq-unsafe). */
  rejected?: RejectedBy;
  /** It lies on a cycle (inside a strongly connected component). */
  cycle?: boolean;
}

export interface GraphJson {
  version: 1;
  classes: GraphJsonClass[];
  dependencies: GraphJsonDependency[];
}

/** The graph as graph JSON (`components` marks the dependencies that lie on a cycle). */
export function toGraphJson(graph: ObservedGraph, comps: readonly Component[] = []): GraphJson {
  const inComp = new Map<string, number>();
  for (const c of comps) for (const n of c.classes) inComp.set(n, c.index);
  const classes = [...graph.classes]
    .filter((c) => graph.edges.some((e) => e.from === c.name || e.to === c.name) || c.modes.length)
    .sort((a, b) => cmp(a.name, b.name))
    .map((c) => ({ name: c.name, modes: [...c.modes] }));
  const dependencies = [...graph.edges]
    .sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to))
    .map((e) => {
      const d: GraphJsonDependency = { from: e.from, to: e.to, kinds: [...e.kinds], recordedAt: e.witness.at, recordedBy: e.witness.task };
      if (e.witness.path) d.path = e.witness.path;
      d.trace = e.witness.stack.map(formatFrame);
      if (e.rejected) d.rejected = e.rejected;
      const c = inComp.get(e.from);
      if (c !== undefined && c === inComp.get(e.to)) d.cycle = true;
      return d;
    });
  return { version: GRAPH_JSON_VERSION, classes, dependencies };
}

const KINDS: readonly DepKind[] = ['SR', 'ER', 'SN', 'EN'];

/**
 * Reads graph JSON (a baseline). Only `version`, `dependencies[].from/to` are required; `kinds`
 * defaults to `["EN"]`, everything else is ignored. Mistakes are input errors (exit 2).
 */
export function parseGraphJson(text: string, file: string): GraphJson {
  const at: SourceSpan = { file, line: 1, col: 1 };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const span = m ? spanAtOffset(text, Number(m[1]), file) : at;
    throw inputError('schema', `not JSON: ${(e as Error).message}`, span, 'a baseline is the output of `lockdep-sim graph --format json`');
  }
  const fail = (msg: string): never => {
    throw inputError('schema', msg, at, 'a baseline is the output of `lockdep-sim graph --format json` (docs/graph-json.md)');
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail('a graph JSON file must hold an object');
  const o = data as Record<string, unknown>;
  if (o.version !== GRAPH_JSON_VERSION) fail(`unsupported graph JSON version ${JSON.stringify(o.version)} (this lockdep-sim reads version 1)`);
  if (!Array.isArray(o.dependencies)) fail('`dependencies` must be a list');
  const deps: GraphJsonDependency[] = (o.dependencies as unknown[]).map((d, i) => {
    if (typeof d !== 'object' || d === null) fail(`dependencies[${i}] must be an object`);
    const r = d as Record<string, unknown>;
    if (typeof r.from !== 'string' || typeof r.to !== 'string') fail(`dependencies[${i}] needs string \`from\` and \`to\``);
    let kinds: DepKind[] = ['EN'];
    if (r.kinds !== undefined) {
      if (!Array.isArray(r.kinds) || !r.kinds.every((k) => KINDS.includes(k as DepKind))) fail(`dependencies[${i}].kinds must list SR, ER, SN, EN`);
      kinds = KINDS.filter((k) => (r.kinds as string[]).includes(k));
    }
    return { from: r.from as string, to: r.to as string, kinds };
  });
  const classes: GraphJsonClass[] = Array.isArray(o.classes)
    ? (o.classes as unknown[]).flatMap((c) => (typeof c === 'object' && c !== null && typeof (c as { name?: unknown }).name === 'string' ? [{ name: (c as { name: string }).name }] : []))
    : [];
  return { version: GRAPH_JSON_VERSION, classes, dependencies: deps };
}

function spanAtOffset(text: string, offset: number, file: string): SourceSpan {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { file, line, col: offset - before.lastIndexOf('\n') };
}
