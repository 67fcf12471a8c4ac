/**
 * The observed-dependency graph of a scenario: every ordering prev -> next that lockdep's
 * check_prevs_add() tried to record, including the ones it refused to store because they closed a
 * cycle or joined an irq-safe lock to an irq-unsafe one (the validator reports those and leaves the
 * edge out, as check_prev_add() does). It is the validator's own dependency list plus, for every
 * circular / irq-safe-unsafe finding, its `prev -> next` put back with the finding's step as witness.
 * Besides the graph, the replay's timeline gives which classes were ever held together in one task
 * (for `never-nested`) and in which modes (W / r / R) each class was taken.
 */
import type { DepKind, Finding, Report } from '../model/findings.js';
import type { Frame } from '../model/frame.js';
import type { Scenario } from '../model/scenario.js';
import type { SourceSpan } from '../model/span.js';
import { calcDep, depKinds } from '../validator/dep-graph.js';
import type { Limits, Lockdep } from '../validator/lockdep.js';
import { profileFor, ReplaySession, runScenario } from '../validator/replay.js';

/** Where and how a dependency (or a held-together pair) was first seen. */
export interface Witness {
  /** The scenario step (its file is the input file). */
  at: SourceSpan;
  /** The stack at that step, innermost first (the trace lockdep stores with the dependency). */
  stack: Frame[];
  /** `comm/pid` of the task. */
  task: string;
  /** Call-path labels of the step (outermost first) when the scenario has them. */
  path?: string[];
}

/** Why the validator did not store a dependency it observed. */
export type RejectedBy = 'circular' | 'irq-safe-unsafe';

/** One observed dependency prev -> next between two lock classes (printed names). */
export interface ObservedEdge {
  from: string;
  to: string;
  /** Dependency kinds (reference §2.3); `EN` only in the 5.1 era, whose graph has no kinds. */
  kinds: DepKind[];
  /** The first observation (the trace lockdep keeps, and the step that produced it). */
  witness: Witness;
  /** The validator refused to store it (the report that named it is a finding of its own). */
  rejected?: RejectedBy;
  /** Observation order over all inputs (first file first, then recording order). */
  order: number;
}

/** Two classes held at once by one task: `held` was on the stack when `next` was acquired. */
export interface HeldPair {
  held: string;
  next: string;
  witness: Witness;
  count: number;
}

/** What the graph knows about a class. */
export interface ObservedClass {
  name: string;
  /** Scenario class id (the lock key) and subclass: the class identity behind the printed name. */
  decl: string;
  subclass: number;
  /** Acquisition modes seen: `W` exclusive, `r` shared, `R` recursive read. */
  modes: ('W' | 'r' | 'R')[];
}

export interface ObservedGraph {
  /** Classes in first-seen order. */
  classes: ObservedClass[];
  edges: ObservedEdge[];
  heldPairs: HeldPair[];
}

/** One replayed input: the validator's report and what the checks need from it. */
export interface Observation {
  scenario: Scenario;
  report: Report;
  graph: ObservedGraph;
  /** Call-path labels of the step with this span and stack (undefined when the input has none). */
  pathOf(at: SourceSpan, stack: readonly Frame[]): string[] | undefined;
}

export interface ObserveOptions {
  kernel?: string;
  limits?: Partial<Limits>;
}

const MODE: Record<0 | 1 | 2, 'W' | 'r' | 'R'> = { 0: 'W', 1: 'r', 2: 'R' };

function spanKey(s: SourceSpan): string {
  return `${s.file}:${s.line}:${s.col}`;
}

function stackKey(stack: readonly Frame[]): string {
  return stack.map((f) => `${f.symbol}+${f.offset}/${f.size}${f.module ? `[${f.module}]` : ''}`).join(' ');
}

/** Call-path labels by (step span, stack): the stored trace identifies the step that recorded it. */
function pathIndex(scenario: Scenario): Map<string, string[]> {
  const idx = new Map<string, string[]>();
  for (const t of scenario.tasks) {
    for (const s of t.steps) {
      if (!s.path || !s.path.length) continue;
      const k = `${spanKey(s.span)}|${stackKey(s.stack)}`;
      if (!idx.has(k)) idx.set(k, s.path);
    }
  }
  return idx;
}

/**
 * Replays a scenario exactly as replay() does (schedule slices repeated while they make progress,
 * then the rest of each task in order), keeping the engine for class identities and the timeline.
 */
function replayKeepingEngine(scenario: Scenario, opts: ObserveOptions): { report: Report; engine: Lockdep } {
  const session = new ReplaySession(scenario.file, profileFor(scenario, opts.kernel), scenario.classes, {
    timeline: true,
    ...(opts.kernel ? { kernel: opts.kernel } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
  });
  runScenario(session, scenario);
  return { report: session.finish(), engine: session.engine };
}

/** The dependency a circular / irq-safe-unsafe finding refused to record: its prev -> next. */
function rejectedEdge(f: Finding, modern: boolean): { from: string; to: string; kinds: DepKind[]; by: RejectedBy } | undefined {
  if (f.kind !== 'circular' && f.kind !== 'irq-safe-unsafe') return undefined;
  const from = f.prev.cls.name;
  const to = f.next.cls.name;
  if (from === to) return undefined;
  return { from, to, kinds: modern ? depKinds(calcDep(f.prev.read, f.next.read)) : ['EN'], by: f.kind };
}

/** Replays one scenario and builds its observed-dependency graph. */
export function observe(scenario: Scenario, opts: ObserveOptions = {}): Observation {
  const { report, engine } = replayKeepingEngine(scenario, opts);
  const paths = pathIndex(scenario);
  const witness = (at: SourceSpan, stack: Frame[], task: string): Witness => {
    const w: Witness = { at, stack, task };
    const p = paths.get(`${spanKey(at)}|${stackKey(stack)}`);
    if (p) w.path = p;
    return w;
  };

  // Classes: identity from the engine, modes from the held stacks after each acquisition.
  const classes = new Map<string, ObservedClass>();
  for (const c of engine.classes) classes.set(c.printedName, { name: c.printedName, decl: c.decl.id, subclass: c.subclass, modes: [] });
  const modes = new Map<string, Set<0 | 1 | 2>>();
  const pairs = new Map<string, HeldPair>();
  const heldLen = new Map<number, number>();
  let current: { task: number; step: number; span: SourceSpan } | undefined;
  for (const e of report.timeline ?? []) {
    if (e.type === 'step') current = e;
    else if (e.type === 'held') {
      const before = heldLen.get(e.task) ?? 0;
      heldLen.set(e.task, e.held.length);
      if (!current || current.task !== e.task) continue;
      const step = scenario.tasks[e.task]?.steps[current.step];
      if (!step || step.op !== 'acquire' || e.held.length <= before) continue;
      const top = e.held[e.held.length - 1]!;
      let m = modes.get(top.cls.name);
      if (!m) modes.set(top.cls.name, (m = new Set()));
      m.add(top.read);
      const t = scenario.tasks[e.task]!;
      for (let i = 0; i < e.held.length - 1; i++) {
        const h = e.held[i]!;
        if (h.cls.name === top.cls.name) continue;
        const k = `${h.cls.name}\u0000${top.cls.name}`;
        const p = pairs.get(k);
        if (p) p.count++;
        else pairs.set(k, { held: h.cls.name, next: top.cls.name, witness: witness(step.span, step.stack, `${t.name}/${t.pid}`), count: 1 });
      }
    }
  }
  for (const [name, m] of modes) {
    const c = classes.get(name);
    if (c) c.modes = ([0, 1, 2] as const).filter((r) => m.has(r)).map((r) => MODE[r]);
  }
  // When each dependency was first seen: stored ones when recorded, refused ones at their report.
  const when = new Map<string, number>();
  (report.timeline ?? []).forEach((e, i) => {
    if (e.type === 'dependency' && e.added && !when.has(`${e.from}\u0000${e.to}`)) when.set(`${e.from}\u0000${e.to}`, i);
    if (e.type === 'finding') {
      const r = rejectedEdge(report.findings[e.index]!, engine.modern);
      if (r && !when.has(`${r.from}\u0000${r.to}`)) when.set(`${r.from}\u0000${r.to}`, i);
    }
  });
  // Report timelines can be large: the observation keeps what it needs only.
  delete report.timeline;

  const edges: ObservedEdge[] = [];
  const byPair = new Map<string, ObservedEdge>();
  for (const d of report.dependencies) {
    if (!d.recordedAt) continue;
    const e: ObservedEdge = { from: d.from, to: d.to, kinds: [...d.kinds], witness: witness(d.recordedAt, d.trace, d.recordedBy ?? '?'), order: edges.length };
    edges.push(e);
    byPair.set(`${d.from}\u0000${d.to}`, e);
  }
  const modern = engine.modern;
  for (const f of report.findings) {
    const r = rejectedEdge(f, modern);
    if (!r) continue;
    const k = `${r.from}\u0000${r.to}`;
    const have = byPair.get(k);
    if (have) {
      have.kinds = mergeKinds(have.kinds, r.kinds);
      continue;
    }
    const e: ObservedEdge = { from: r.from, to: r.to, kinds: r.kinds, witness: witness(f.at, f.stack, `${f.task.comm}/${f.task.pid}`), rejected: r.by, order: edges.length };
    edges.push(e);
    byPair.set(k, e);
  }
  // Observation order = chronological order (recording order for stored dependencies).
  edges.sort((a, b) => (when.get(`${a.from}\u0000${a.to}`) ?? a.order) - (when.get(`${b.from}\u0000${b.to}`) ?? b.order) || a.order - b.order);
  edges.forEach((e, i) => (e.order = i));
  return {
    scenario,
    report,
    graph: { classes: [...classes.values()], edges, heldPairs: [...pairs.values()] },
    pathOf: (at, stack) => paths.get(`${spanKey(at)}|${stackKey(stack)}`),
  };
}

const KIND_ORDER: DepKind[] = ['SR', 'ER', 'SN', 'EN'];

export function mergeKinds(a: readonly DepKind[], b: readonly DepKind[]): DepKind[] {
  const s = new Set([...a, ...b]);
  return KIND_ORDER.filter((k) => s.has(k));
}

/**
 * The union of several inputs' graphs. Class names are the identity across files (as the kernel's
 * printed names are what a policy or a baseline can refer to); an edge seen in several inputs keeps
 * the kinds of all of them and the witness of its first observation.
 */
export function mergeGraphs(graphs: readonly ObservedGraph[]): ObservedGraph {
  const classes = new Map<string, ObservedClass>();
  const edges: ObservedEdge[] = [];
  const byPair = new Map<string, ObservedEdge>();
  const pairs = new Map<string, HeldPair>();
  for (const g of graphs) {
    for (const c of g.classes) {
      const have = classes.get(c.name);
      if (!have) classes.set(c.name, { ...c, modes: [...c.modes] });
      else have.modes = (['W', 'r', 'R'] as const).filter((m) => have.modes.includes(m) || c.modes.includes(m));
    }
    for (const e of g.edges) {
      const k = `${e.from}\u0000${e.to}`;
      const have = byPair.get(k);
      if (have) {
        have.kinds = mergeKinds(have.kinds, e.kinds);
        continue;
      }
      const copy: ObservedEdge = { ...e, kinds: [...e.kinds], order: edges.length };
      edges.push(copy);
      byPair.set(k, copy);
    }
    for (const p of g.heldPairs) {
      const k = `${p.held}\u0000${p.next}`;
      const have = pairs.get(k);
      if (have) have.count += p.count;
      else pairs.set(k, { ...p });
    }
  }
  return { classes: [...classes.values()], edges, heldPairs: [...pairs.values()] };
}
