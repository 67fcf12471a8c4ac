import type { ClassSnapshot, DependencyDesc, Report } from '../model/findings.js';
import { kernelProfile, parseKernelVersion, type KernelProfile } from '../model/kernel.js';
import type { Scenario } from '../model/scenario.js';
import { inputError } from '../diag/error.js';
import { countDeps, depKinds } from './dep-graph.js';
import { Lockdep, defaultLimits, type Limits } from './lockdep.js';
import { TaskState } from './task-state.js';
import { usageString } from './usage.js';

export interface ReplayOptions {
  /** Overrides scenario.kernel (version string, e.g. `6.1.192`). */
  kernel?: string;
  /** Behave like the kernel: stop validating after the first report (debug_locks = 0). */
  stopAfterFirst?: boolean;
  /** Capacity limits (defaults: the kernel's). */
  limits?: Partial<Limits>;
}

/** The kernel profile a scenario runs under (scenario version unless overridden). */
export function profileFor(scenario: Scenario, kernel?: string): KernelProfile {
  const text = kernel ?? scenario.kernel;
  const v = parseKernelVersion(text);
  if (!v) throw inputError('usage', `not a kernel version: "${text}"`, scenario.span, 'write it as the kernel prints it, e.g. "6.1.192" or "5.1.0-rc7+ #13"');
  if (kernel && !/#\S+/.test(kernel)) {
    const own = parseKernelVersion(scenario.kernel);
    if (own && own.release === v.release) v.build = own.build;
  }
  return kernelProfile(v, scenario.config ?? {});
}

/** Task order: the schedule's slices (repeated while they make progress), then the rest in order. */
function runSchedule(ld: Lockdep, scenario: Scenario, tasks: TaskState[]): void {
  const runSteps = (t: TaskState, n: number): number => {
    let ran = 0;
    while (ran < n && !t.done) {
      ld.step(t, t.def.steps[t.pc]!);
      t.pc++;
      ran++;
    }
    return ran;
  };
  const slices = scenario.schedule ?? [];
  let progress = slices.length > 0;
  while (progress) {
    progress = false;
    for (const s of slices) {
      const t = tasks[s.task];
      if (t && runSteps(t, s.steps) > 0) progress = true;
    }
  }
  for (const t of tasks) runSteps(t, Infinity);
}

/** Replays a scenario through the lockdep model and returns every finding plus the final graph. */
export function replay(scenario: Scenario, opts: ReplayOptions = {}): Report {
  const profile = profileFor(scenario, opts.kernel);
  const ld = new Lockdep(scenario, profile, {
    stopAfterFirst: opts.stopAfterFirst ?? false,
    limits: { ...defaultLimits(profile), ...opts.limits },
  });
  const tasks = scenario.tasks.map((d) => new TaskState(d, ld.chains.root));
  runSchedule(ld, scenario, tasks);
  return buildReport(ld, scenario, profile);
}

function buildReport(ld: Lockdep, scenario: Scenario, profile: KernelProfile): Report {
  const strong = ld.modern;
  const dependencies: DependencyDesc[] = ld.graph.all().map(({ fwd }) => {
    const d: DependencyDesc = {
      from: fwd.owner.printedName,
      to: fwd.cls.printedName,
      kinds: strong ? depKinds(fwd.dep) : ['EN'],
      distance: fwd.distance,
      trace: fwd.trace,
      recordedAt: fwd.recordedAt,
      recordedBy: fwd.recordedBy,
    };
    return d;
  });
  const classes: ClassSnapshot[] = ld.classes.map((c) => ({
    name: c.printedName,
    key: c.key,
    ops: c.ops,
    usage: usageString(c.usageMask),
    fd: countDeps(ld.graph, c, 'forwards', strong),
    bd: countDeps(ld.graph, c, 'backwards', strong),
    after: c.after.filter((e) => e.distance === 1).map((e) => e.cls.printedName),
  }));
  return {
    file: scenario.file,
    kernel: `${profile.version.release} ${profile.version.build}`,
    findings: ld.findings,
    dependencies,
    classes,
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
