import type { ClassSnapshot, DependencyDesc, LockdepCounters, Report } from '../model/findings.js';
import type { ChainNode } from './chain-cache.js';
import { kernelProfile, parseKernelVersion, type KernelConfig, type KernelProfile } from '../model/kernel.js';
import type { Frame } from '../model/frame.js';
import type { LockClassDecl, LockRef, Scenario, Step, TaskDef } from '../model/scenario.js';
import type { SourceSpan } from '../model/span.js';
import type { TimelineEvent } from '../model/timeline.js';
import { inputError } from '../diag/error.js';
import { countDeps, depKinds } from './dep-graph.js';
import { Lockdep, defaultLimits, type Limits } from './lockdep.js';
import type { LockInstance } from './held-lock.js';
import { TaskState } from './task-state.js';
import { usageString } from './usage.js';

export interface ReplayOptions {
  /** Overrides scenario.kernel (version string, e.g. `6.1.192`). */
  kernel?: string;
  /** Behave like the kernel: stop validating after the first report (debug_locks = 0). */
  stopAfterFirst?: boolean;
  /** Capacity limits (defaults: the kernel's). */
  limits?: Partial<Limits>;
  /** Record a step-by-step timeline in Report.timeline (teaching views). */
  timeline?: boolean;
}

/** The kernel profile for a version string (a missing `#build` is taken from `fallback`). */
export function profileOf(kernel: string, config: Partial<KernelConfig> = {}, span?: SourceSpan, fallback?: string): KernelProfile {
  const v = parseKernelVersion(kernel);
  if (!v) throw inputError('usage', `not a kernel version: "${kernel}"`, span, 'write it as the kernel prints it, e.g. "6.1.192" or "5.1.0-rc7+ #13"');
  if (fallback && !/#\S+/.test(kernel)) {
    const own = parseKernelVersion(fallback);
    if (own && own.release === v.release) v.build = own.build;
  }
  return kernelProfile(v, config);
}

/** The kernel profile a scenario runs under (its own version unless overridden). */
export function profileFor(scenario: Scenario, kernel?: string): KernelProfile {
  return profileOf(kernel ?? scenario.kernel, scenario.config ?? {}, scenario.span, scenario.kernel);
}

/**
 * An incremental replay: declare classes and tasks, feed steps one at a time (in any interleaving),
 * then take the report. Streaming importers use it directly; replay() drives it from a Scenario.
 */
export class ReplaySession {
  readonly engine: Lockdep;
  private readonly tasks: TaskState[] = [];
  private readonly timeline: TimelineEvent[] | undefined;
  private readonly file: string;

  constructor(file: string, profile: KernelProfile, classes: readonly LockClassDecl[] = [], opts: ReplayOptions = {}) {
    this.file = file;
    this.engine = new Lockdep(classes, profile, {
      stopAfterFirst: opts.stopAfterFirst ?? false,
      limits: { ...defaultLimits(profile), ...opts.limits },
    });
    if (opts.timeline) {
      const tl: TimelineEvent[] = (this.timeline = []);
      this.engine.obs = (e) => tl.push(e);
    }
  }

  declareClass(d: LockClassDecl): void {
    this.engine.declareClass(d);
  }

  /** Adds a task (its steps may be empty when they are fed with step()); returns its index. */
  addTask(def: TaskDef): number {
    this.tasks.push(new TaskState(def, this.engine.chains.root, this.tasks.length));
    return this.tasks.length - 1;
  }

  /** Runs one step on a task (a step not from def.steps: streaming). */
  step(task: number, s: Step): void {
    const t = this.tasks[task]!;
    this.engine.step(t, s);
    t.pc++;
  }

  /**
   * The lock instance of a reference, for acquire() and release(). Resolve it when the reference is
   * first used (its class declared): the instance gets its address then, as step() would give it.
   */
  instance(ref: LockRef): LockInstance {
    return this.engine.instance(ref);
  }

  /**
   * Streaming fast path: the same as step(task, { op: 'acquire', ref, read, trylock, subclass,
   * check, qrwlockRead, ip, stack, span }) for the instance of `ref`, without a Step object or a
   * lookup by name. `span` is kept (a fresh object per call).
   */
  acquire(task: number, inst: LockInstance, read: 0 | 1 | 2, trylock: boolean, subclass: number, check: boolean, qrwlockRead: boolean, ip: Frame, stack: Frame[], span: SourceSpan): void {
    const t = this.tasks[task]!;
    this.engine.acquireInstance(t, inst, read, trylock, subclass, check, qrwlockRead, ip, stack, span);
    t.pc++;
  }

  /** Streaming fast path: step(task, { op: 'release', ... }) for a resolved instance; `span` may be reused by the caller. */
  release(task: number, inst: LockInstance, ip: Frame, stack: Frame[], span: SourceSpan): void {
    const t = this.tasks[task]!;
    this.engine.releaseInstance(t, inst, ip, stack, span);
    t.pc++;
  }

  /** Runs up to n of the task's own steps; returns how many ran. */
  runOwn(task: number, n: number): number {
    const t = this.tasks[task]!;
    let ran = 0;
    while (ran < n && !t.done) {
      this.engine.step(t, t.current);
      t.pc++;
      ran++;
    }
    return ran;
  }

  get taskCount(): number {
    return this.tasks.length;
  }

  /** Held locks of a task right now (e.g. for importers that must balance a stream). */
  heldCount(task: number): number {
    return this.tasks[task]!.held.length;
  }

  /**
   * The report. `countDeps: false` skips the FD/BD counts of /proc/lockdep (one BFS per class and
   * direction: quadratic on graphs with thousands of classes); they are then 0.
   */
  finish(kernelLabel?: string, opts: { countDeps?: boolean } = {}): Report {
    const r = buildReport(this.engine, this.file, kernelLabel ?? `${this.engine.profile.version.release} ${this.engine.profile.version.build}`, opts.countDeps ?? true);
    if (this.timeline) r.timeline = this.timeline;
    return r;
  }
}

/**
 * Adds the scenario's tasks to a session and runs them: the schedule's slices (repeated while they
 * make progress), then the rest of each task in task order.
 */
export function runScenario(session: ReplaySession, scenario: Scenario): void {
  for (const d of scenario.tasks) session.addTask(d);
  const slices = scenario.schedule ?? [];
  let progress = slices.length > 0;
  while (progress) {
    progress = false;
    for (const s of slices) if (s.task < session.taskCount && session.runOwn(s.task, s.steps) > 0) progress = true;
  }
  for (let i = 0; i < session.taskCount; i++) session.runOwn(i, Infinity);
}

/** Replays a scenario through the lockdep model and returns every finding plus the final graph. */
export function replay(scenario: Scenario, opts: ReplayOptions = {}): Report {
  const session = new ReplaySession(scenario.file, profileFor(scenario, opts.kernel), scenario.classes, opts);
  runScenario(session, scenario);
  return session.finish();
}

function buildReport(ld: Lockdep, file: string, kernel: string, withCounts: boolean): Report {
  const strong = ld.modern;
  const dependencies: DependencyDesc[] = ld.graph.all().map(({ fwd }) => ({
    from: fwd.owner.printedName,
    to: fwd.cls.printedName,
    kinds: strong ? depKinds(fwd.dep) : ['EN'],
    distance: fwd.distance,
    trace: fwd.trace,
    recordedAt: fwd.recordedAt,
    recordedBy: fwd.recordedBy,
  }));
  const classes: ClassSnapshot[] = ld.classes.map((c) => ({
    name: c.printedName,
    key: c.key,
    ops: c.ops,
    usage: usageString(c.usageMask),
    fd: withCounts ? countDeps(ld.graph, c, 'forwards', strong) : 0,
    bd: withCounts ? countDeps(ld.graph, c, 'backwards', strong) : 0,
    after: c.after.filter((e) => e.distance === 1).map((e) => e.cls.printedName),
  }));
  const chains = ld.chains.list.map((n) => {
    const cls: { name: string; key: string }[] = [];
    for (let c: ChainNode | null = n; c && c.parent; c = c.parent) {
      const k = ld.classes[(c.id >> 2) - 1];
      if (k) cls.push({ name: k.printedName, key: k.key });
    }
    return { irqContext: n.irqContext, classes: cls.reverse() };
  });
  const traces = new Set<unknown>();
  let traceEntries = 0;
  const saw = (t: unknown[] | undefined) => {
    if (t && !traces.has(t)) {
      traces.add(t);
      traceEntries += t.length;
    }
  };
  for (const { fwd } of ld.graph.all()) saw(fwd.trace);
  for (const c of ld.classes) for (const t of c.usageTraces) saw(t);
  const counters: LockdepCounters = {
    ...ld.counters,
    chainHlocks: ld.chainHlocks,
    hardirqChains: chains.filter((c) => c.irqContext & 2).length,
    softirqChains: chains.filter((c) => c.irqContext === 1).length,
    processChains: chains.filter((c) => c.irqContext === 0).length,
    stackTraceEntries: traceEntries,
    stackTraces: traces.size,
    maxBfsQueueDepth: ld.graph.maxQueue,
    debugLocks: ld.off || ld.findings.length ? 0 : 1,
    usageMasks: ld.classes.map((c) => c.usageMask),
  };
  return {
    file,
    kernel,
    findings: ld.findings,
    dependencies,
    classes,
    chains,
    counters,
    stats: {
      events: ld.events,
      classes: ld.classes.length,
      chains: ld.chains.chains,
      chainHits: ld.chains.hits,
      chainMisses: ld.chains.misses,
      dependencies: ld.graph.size,
    },
  };
}
