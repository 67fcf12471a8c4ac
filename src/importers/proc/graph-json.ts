/**
 * Graph JSON (docs/graph-json.md) from the importers: the dependency graph of a validated trace or
 * event log (a Report), or of the kernel's own /proc/lockdep (+ /proc/lockdep_chains). It is the
 * format `lockdep-sim graph --format json` writes and `check --baseline` reads (version 1), with
 * optional extra fields the importers know: `source`, class keys/usage/ops/FD/BD, dependency
 * distance, and chains. Classes and dependencies are sorted by name so that files diff line by line.
 */
import type { DepKind, Report } from '../../model/findings.js';
import { formatFrame } from '../../model/frame.js';
import type { SourceSpan } from '../../model/span.js';
import type { ProcChain, ProcClass } from './parse.js';

export const GRAPH_JSON_VERSION = 1;

export interface GraphSource {
  /** What the graph was derived from. */
  format: 'trace' | 'proc' | 'events';
  file: string;
  /** The kernel whose lockdep was imitated (trace, events). */
  kernel?: string;
  /** What the input could not tell and what was assumed. */
  notes?: string[];
}

export interface GraphClass {
  /** Printed class name (`name#N/S`); unique in a graph. */
  name: string;
  /** The lockdep_map name: `name` without `#N` and `/N`. */
  mapName: string;
  /** Subkey address, 16 hex digits (from /proc/lockdep; made up by the simulator otherwise). */
  key?: string;
  /** Usage characters, e.g. `+.+.`. */
  usage?: string;
  /** Acquisitions (OPS:). */
  ops?: number;
  /** Classes reachable forwards / backwards, counting itself (FD:/BD:). */
  fd?: number;
  bd?: number;
}

export interface GraphDependency {
  from: string;
  to: string;
  /** Dependency kinds; absent when the input does not show them (/proc/lockdep): readers take `EN`. */
  kinds?: DepKind[];
  /** 1 when `to` was taken directly on top of `from` (the only ones /proc/lockdep lists). */
  distance?: number;
  recordedAt?: SourceSpan;
  recordedBy?: string;
  trace?: string[];
}

export interface GraphChain {
  irqContext: ProcChain['irqContext'];
  /** Class names, bottom first. */
  classes: string[];
}

export interface GraphJson {
  version: 1;
  source?: GraphSource;
  classes: GraphClass[];
  dependencies: GraphDependency[];
  chains?: GraphChain[];
}

/** The lockdep_map name of a printed class name: without the `#N` version and the `/N` subclass. */
export function mapNameOf(name: string): string {
  return name.replace(/#\d+(?=(?:\/\d+)?$)/, '').replace(/\/\d+$/, '');
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortGraph(g: GraphJson): GraphJson {
  g.classes.sort((a, b) => byName(a.name, b.name));
  g.dependencies.sort((a, b) => byName(a.from, b.from) || byName(a.to, b.to));
  return g;
}

/** The graph of a replay (trace or event-log import): every recorded dependency. */
export function graphFromReport(report: Report, source: GraphSource): GraphJson {
  const classes: GraphClass[] = report.classes.map((c) => ({ name: c.name, mapName: mapNameOf(c.name), key: c.key, usage: c.usage, ops: c.ops, fd: c.fd, bd: c.bd }));
  const dependencies: GraphDependency[] = report.dependencies.map((d) => {
    const g: GraphDependency = { from: d.from, to: d.to, kinds: [...d.kinds], distance: d.distance };
    if (d.recordedAt) g.recordedAt = { ...d.recordedAt };
    if (d.recordedBy) g.recordedBy = d.recordedBy;
    if (d.trace.length) g.trace = d.trace.map(formatFrame);
    return g;
  });
  return sortGraph({ version: GRAPH_JSON_VERSION, source, classes, dependencies });
}

/** The kernel's graph from /proc/lockdep (distance-1 dependencies only) and optionally its chains. */
export function graphFromProc(classes: readonly ProcClass[], chains: readonly ProcChain[] | undefined, source: GraphSource): GraphJson {
  const g: GraphJson = {
    version: GRAPH_JSON_VERSION,
    source,
    classes: classes.map((c) => {
      const out: GraphClass = { name: c.name, mapName: mapNameOf(c.name), key: c.key, usage: c.usage, fd: c.fd, bd: c.bd };
      if (c.ops !== undefined) out.ops = c.ops;
      return out;
    }),
    dependencies: classes.flatMap((c) => c.after.map((d) => ({ from: c.name, to: d.name, distance: 1 }))),
  };
  if (chains) g.chains = chains.map((c) => ({ irqContext: c.irqContext, classes: c.classes.map((x) => x.name) }));
  return sortGraph(g);
}

/** Stable text: two-space JSON with a final newline. */
export function serializeGraph(g: GraphJson): string {
  return `${JSON.stringify(g, null, 2)}\n`;
}

export interface GraphComparison {
  /** Map-name pairs of `derived` also in `reference`. */
  matched: [string, string][];
  /** Pairs of `derived` that `reference` lacks (false positives). */
  extra: [string, string][];
  /** Pairs of `reference` that `derived` lacks. */
  missing: [string, string][];
  /** Pairs of `derived` left out because a class is not in `reference` at all (zapped, or never seen). */
  excluded: [string, string][];
  /** matched / (matched + extra); 1 when there is nothing to compare. */
  precision: number;
  /** matched / (matched + missing). */
  recall: number;
}

export interface CompareOptions {
  /** Compare only distance-1 dependencies of `derived` (what /proc/lockdep lists). Default true. */
  distanceOne?: boolean;
  /** Leave out pairs whose class names do not occur in `reference` (classes it zapped). Default true. */
  excludeUnknownClasses?: boolean;
}

/**
 * Compares two graphs by map name (`#N` and `/N` dropped on both sides: a trace cannot tell classes
 * of the same name apart). Self pairs (`A -> A/1`) count like any other.
 */
export function compareGraphs(derived: GraphJson, reference: GraphJson, o: CompareOptions = {}): GraphComparison {
  const distanceOne = o.distanceOne ?? true;
  const exclude = o.excludeUnknownClasses ?? true;
  const key = (a: string, b: string) => `${a}\u0000${b}`;
  const refPairs = new Map<string, [string, string]>();
  for (const d of reference.dependencies) refPairs.set(key(mapNameOf(d.from), mapNameOf(d.to)), [mapNameOf(d.from), mapNameOf(d.to)]);
  const refClasses = new Set(reference.classes.map((c) => mapNameOf(c.name)));
  for (const d of reference.dependencies) {
    refClasses.add(mapNameOf(d.from));
    refClasses.add(mapNameOf(d.to));
  }
  const seen = new Set<string>();
  const matched: [string, string][] = [];
  const extra: [string, string][] = [];
  const excluded: [string, string][] = [];
  for (const d of derived.dependencies) {
    if (distanceOne && d.distance !== undefined && d.distance !== 1) continue;
    const a = mapNameOf(d.from);
    const b = mapNameOf(d.to);
    const k = key(a, b);
    if (seen.has(k)) continue;
    seen.add(k);
    if (refPairs.has(k)) matched.push([a, b]);
    else if (exclude && (!refClasses.has(a) || !refClasses.has(b))) excluded.push([a, b]);
    else extra.push([a, b]);
  }
  const missing = [...refPairs].filter(([k]) => !seen.has(k)).map(([, p]) => p);
  const sortPairs = (ps: [string, string][]) => ps.sort((x, y) => byName(x[0], y[0]) || byName(x[1], y[1]));
  return {
    matched: sortPairs(matched),
    extra: sortPairs(extra),
    missing: sortPairs(missing),
    excluded: sortPairs(excluded),
    precision: matched.length + extra.length ? matched.length / (matched.length + extra.length) : 1,
    recall: matched.length + missing.length ? matched.length / (matched.length + missing.length) : 1,
  };
}
