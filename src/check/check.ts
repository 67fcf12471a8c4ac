/**
 * `lockdep-sim check` as a pure function: replay every input, build the observed-dependency graph
 * (their union), and collect findings with stable rule ids:
 *   lockdep/<kind>            the validator's own reports (the kernel splats)
 *   lockdep-sim/cycle         every strong cycle of the graph (shortest per dependency)
 *   lockdep-sim/weak-cycle    cycles that are not strong (recursive reads only: no deadlock)
 *   lockdep-sim/policy-order  dependencies (or paths) against the policy's declared order
 *   lockdep-sim/never-nested  a never-nested pair held together
 *   lockdep-sim/policy-unknown-lock  a policy name that matches no class
 *   lockdep-sim/new-dependency, lockdep-sim/new-cycle   against a baseline
 *   lockdep-sim/unreported-deadlock  with --explore: a deadlock no reported cycle covers
 * plus, for every cycle, whether it holds between lock instances, and the smallest set of
 * dependencies whose removal makes the observed order consistent with a ranking of the rest, and
 * with --explore the interleaving explorer's verdict on each cycle (explore.ts).
 */
import type { Finding } from '../model/findings.js';
import type { Scenario } from '../model/scenario.js';
import { formatFrame } from '../model/frame.js';
import { formatSpan } from '../model/span.js';
import { closest } from '../scenario/closest.js';
import { profileFor } from '../validator/replay.js';
import { diffBaseline, type BaselineDiff } from './baseline.js';
import { findCycles, type Component, type Cycle } from './cycles.js';
import { exploreFindings, type CheckExploreOptions } from './explore.js';
import type { GraphJson } from './graph-json.js';
import { instanceVerdict, mergeInstanceGraphs, observeInstances, type InstanceGraph } from './instances.js';
import { mergeGraphs, observe, type Observation, type ObservedEdge, type ObservedGraph, type ObserveOptions, type Witness } from './observe.js';
import { adviseOrdering, type OrderingAdvice } from './ordering.js';
import { checkNeverNested, checkOrder, exceptionFor, unknownNames } from './policy-check.js';
import { compilePolicy, type CompiledPolicy, type OrderReason, type Policy } from './policy.js';
import { CHECK_RESULT_VERSION, type CheckFinding, type CheckResult, type CycleReport, type DependencyRef } from './result.js';
import { levelOf } from './rules.js';
import { cmp } from './strong.js';

export { CHECK_RULES, levelOf, VALIDATOR_KINDS } from './rules.js';

export interface CheckOptions extends ObserveOptions {
  policy?: Policy;
  baseline?: { file: string; graph: GraphJson };
  /** Cycles listed per component (default 100). */
  maxCycles?: number;
  /** Exact minimum feedback arc set up to this many dependencies per component (default 20). */
  exactLimit?: number;
  /** Skip the instance-level replay (faster; every cycle's instance verdict is then unknown). */
  instances?: boolean;
  /** Printed in the result (tests pin it). */
  toolVersion?: string;
  /** Run the interleaving explorer on every input and attach its verdicts (docs/check.md). */
  explore?: CheckExploreOptions;
}

export interface CheckRun {
  result: CheckResult;
  observations: Observation[];
  graph: ObservedGraph;
  components: Component[];
  ordering: OrderingAdvice;
}

export function depRef(e: ObservedEdge): DependencyRef {
  const d: DependencyRef = { from: e.from, to: e.to, kinds: [...e.kinds], at: e.witness.at, task: e.witness.task, stack: e.witness.stack.map(formatFrame) };
  if (e.witness.path) d.path = e.witness.path;
  if (e.rejected) d.rejected = e.rejected;
  return d;
}

function located(w: Witness): Pick<CheckFinding, 'location' | 'task' | 'stack' | 'path'> {
  const o: Pick<CheckFinding, 'location' | 'task' | 'stack' | 'path'> = { location: w.at, task: w.task, stack: w.stack.map(formatFrame) };
  if (w.path) o.path = w.path;
  return o;
}

const q = (s: string) => `\`${s}\``;

/** A one-line description of a validator finding (the splat's title and the locks involved). */
export function validatorMessage(f: Finding): string {
  const who = `${f.task.comm}/${f.task.pid}`;
  switch (f.kind) {
    case 'circular':
      return `possible circular locking dependency detected: ${who} is trying to acquire ${q(f.next.cls.name)} while holding ${q(f.prev.cls.name)}`;
    case 'recursive':
      return `possible recursive locking detected: ${who} is trying to acquire ${q(f.next.cls.name)} while holding ${q(f.prev.cls.name)}`;
    case 'bad-unlock':
      return `bad unlock balance detected: ${who} is trying to release ${q(f.mapName)}, which it does not hold`;
    case 'inconsistent':
      return `inconsistent lock state: {${f.oldUsage}} -> {${f.newUsage}} usage of ${q(f.lock.cls.name)}`;
    case 'irq-inversion':
      return `possible irq lock inversion dependency detected: ${q(f.lock.cls.name)} and ${q(f.other.name)} (${f.stateWord})`;
    case 'irq-safe-unsafe':
      return `${f.stateWord}-safe -> ${f.stateWord}-unsafe lock order detected: ${q(f.safe.name)} -> ${q(f.unsafe.name)} (${q(f.prev.cls.name)} held, ${q(f.next.cls.name)} taken)`;
    case 'wait-context':
      return `Invalid wait context: ${who} is trying to acquire ${q(f.next.cls.name)}`;
    case 'held-lock-freed':
      return `held lock freed: ${q(f.lock.cls.name)}`;
    case 'lock-held-user':
      return `lock held when returning to user space: ${who} holds ${f.held.map((h) => q(h.cls.name)).join(', ') || 'a lock'}`;
    case 'nested-not-taken':
      return `Nested lock was not taken: ${q(f.nestName)} (acquiring ${q(f.next.cls.name)})`;
    case 'limit':
      return `BUG: ${f.limit} too low! (lockdep turns itself off)`;
    case 'misuse':
      return `DEBUG_LOCKS_WARN_ON(${f.condition}): ${f.message}`;
  }
}

/** The classes of a circular finding's cycle, as dependencies: chain #k+1 -> #k, and prev -> next. */
function circularPairs(f: Extract<Finding, { kind: 'circular' }>): [string, string][] {
  const out: [string, string][] = [];
  for (let k = f.chain.length - 1; k > 0; k--) out.push([f.chain[k]!.cls.name, f.chain[k - 1]!.cls.name]);
  out.push([f.prev.cls.name, f.next.cls.name]);
  return out;
}

/** The declarations behind an order, runs of consecutive levels merged: `levels 2 -> 6 at p.yaml:15:6`. */
export function reasonText(r: readonly OrderReason[]): string {
  const out: { why: string; span: OrderReason['span']; from?: number; to?: number }[] = [];
  for (const x of r) {
    const m = /^levels (\d+) -> (\d+)$/.exec(x.why);
    const last = out[out.length - 1];
    if (m && last?.to !== undefined && last.to === Number(m[1])) {
      last.to = Number(m[2]);
      last.why = `levels ${last.from} -> ${last.to}`;
      last.span = x.span;
    } else if (m) out.push({ why: x.why, span: x.span, from: Number(m[1]), to: Number(m[2]) });
    else out.push({ why: x.why, span: x.span });
  }
  return out.map((x) => `${x.why} at ${formatSpan(x.span)}`).join(', ');
}

function plural(n: number, w: string): string {
  return `${n} ${w}${n === 1 ? '' : 's'}`;
}

/** Replays the inputs and runs every check. Throws LockdepSimError for a bad policy. */
export function runCheck(scenarios: readonly Scenario[], opts: CheckOptions = {}): CheckRun {
  const obsOpts: ObserveOptions = { ...(opts.kernel ? { kernel: opts.kernel } : {}), ...(opts.limits ? { limits: opts.limits } : {}) };
  const cp: CompiledPolicy | undefined = opts.policy ? compilePolicy(opts.policy) : undefined;
  const observations = scenarios.map((s) => observe(s, obsOpts));
  const graph = mergeGraphs(observations.map((o) => o.graph));
  const edgeByPair = new Map(graph.edges.map((e) => [`${e.from}\u0000${e.to}`, e]));
  const comps = findCycles(graph, opts.maxCycles !== undefined ? { maxCycles: opts.maxCycles } : {});
  const cycles = comps.flatMap((c) => c.cycles);
  const ordering = adviseOrdering(graph, opts.exactLimit !== undefined ? { exactLimit: opts.exactLimit } : {});
  let inst: InstanceGraph | undefined;
  if (opts.instances !== false && cycles.length) {
    inst = mergeInstanceGraphs(
      observations.map((o) => observeInstances(o.scenario, o.graph, obsOpts)),
      mergeGraphs,
    );
  }
  const diff: BaselineDiff | undefined = opts.baseline ? diffBaseline(graph, opts.baseline.graph, cycles) : undefined;
  const addedSet = new Set(diff?.added ?? []);
  const widenedSet = new Set(diff?.widened.map((w) => w.edge) ?? []);
  const ref = (e: ObservedEdge): DependencyRef => {
    const d = depRef(e);
    if (addedSet.has(e)) d.baseline = 'new';
    else if (widenedSet.has(e)) d.baseline = 'widened';
    return d;
  };

  const findings: CheckFinding[] = [];
  const suppress = (f: CheckFinding, pairs: [string, string][]): void => {
    if (!cp) return;
    for (const [a, b] of pairs) {
      const x = exceptionFor(cp, f.ruleId, a, b);
      if (x) {
        f.suppressed = { reason: x.reason, at: x.span };
        return;
      }
    }
  };

  // 1. The validator's reports, input by input (circular ones by their set of dependencies).
  const circularBySet = new Map<string, CheckFinding>();
  const pairSet = (pairs: readonly (readonly [string, string])[]) => pairs.map(([a, b]) => `${a}->${b}`).sort(cmp).join('|');
  observations.forEach((o, input) => {
    o.report.findings.forEach((f, index) => {
      const cf: CheckFinding = {
        ruleId: f.ruleId,
        level: levelOf(f.ruleId),
        message: validatorMessage(f),
        location: f.at,
        task: `${f.task.comm}/${f.task.pid}`,
        stack: f.stack.map(formatFrame),
        dependencies: [],
        validator: { input, index, kind: f.kind, count: f.count },
        ...(o.pathOf(f.at, f.stack) ? { path: o.pathOf(f.at, f.stack)! } : {}),
        fingerprint: `${f.ruleId}|${validatorMessage(f)}`,
      };
      let pairs: [string, string][] = [];
      if (f.kind === 'circular') pairs = circularPairs(f);
      else if (f.kind === 'irq-safe-unsafe') pairs = [[f.prev.cls.name, f.next.cls.name]];
      const deps = pairs.map(([a, b]) => edgeByPair.get(`${a}\u0000${b}`)).filter((e): e is ObservedEdge => e !== undefined);
      cf.dependencies = deps.map(ref);
      if (f.kind === 'circular') {
        if (!circularBySet.has(pairSet(pairs))) circularBySet.set(pairSet(pairs), cf);
        cf.fingerprint = `${f.ruleId}|${[...new Set(pairs.flat())].sort(cmp).join(',')}`;
        if (diff) cf.baselineState = deps.length === pairs.length && deps.every((e) => !addedSet.has(e) && !widenedSet.has(e)) ? 'unchanged' : 'new';
      }
      suppress(cf, pairs);
      findings.push(cf);
    });
  });

  // 2. Every cycle of the graph.
  const newById = new Map(diff?.newCycles.map((n) => [n.cycle.id, n]) ?? []);
  const cycleReports: CycleReport[] = cycles.map((c) => {
    const r: CycleReport = {
      id: c.id,
      classes: c.classes,
      strong: c.strong,
      component: c.component,
      dependencies: c.steps.map((s) => ref(s.edge)),
    };
    if (inst) {
      const v = instanceVerdict(c, inst);
      r.instance = { survives: v.survives, ...(v.witness ? { witness: v.witness, windings: v.windings! } : {}) };
    }
    const nc = newById.get(c.id);
    if (diff) r.baselineState = nc ? 'new' : 'unchanged';
    if (nc) r.closedBy = ref(nc.closing);
    return r;
  });
  const cycleOf = new Map<CheckFinding, Cycle>();
  // A cycle the validator reported is that report (it gets the cycle id and the instance verdict);
  // the others, and new cycles against a baseline, are findings of their own.
  for (const [i, c] of cycles.entries()) {
    const r = cycleReports[i]!;
    const closing = newById.get(c.id)?.closing;
    const reported = circularBySet.get(pairSet(c.steps.map((st) => [st.edge.from, st.edge.to] as const)));
    if (reported && !closing) {
      reported.cycle = c.id;
      reported.message += instanceText(r);
      continue;
    }
    const f = cycleFinding(c, r, comps, closing, suppress);
    if (c.strong) cycleOf.set(f, c);
    findings.push(f);
  }

  // 2b. The interleaving explorer: verdicts on the cycles, and the deadlocks lockdep did not report.
  let explored: ReturnType<typeof exploreFindings> | undefined;
  if (opts.explore) {
    explored = exploreFindings(observations, findings, cycleOf, { ...opts.explore, ...(opts.kernel ? { kernel: opts.kernel } : {}) }, suppress);
    findings.push(...explored.unreported);
  }

  // 3. The policy.
  if (cp) {
    for (const v of checkOrder(cp, graph)) {
      const last = v.edges.reduce((a, b) => (b.order > a.order ? b : a));
      const first = v.edges[0]!;
      const lastE = v.edges[v.edges.length - 1]!;
      let message: string;
      if (v.kind === 'same-level') {
        message = `${q(first.to)} taken while holding ${q(first.from)}: both are in level ${v.prev.level} (${q(v.prev.pattern)}, ${q(v.next.pattern)}), and a level's locks are not nested unless a rule orders them`;
      } else if (v.kind === 'reverse') {
        message = `${q(first.to)} taken while holding ${q(first.from)}, but the policy puts ${q(v.next.pattern)} before ${q(v.prev.pattern)} (${reasonText(v.declared)})`;
      } else {
        message = `${q(first.from)} is held before ${q(lastE.to)} through ${v.edges.map((e) => e.from).concat(lastE.to).join(' -> ')}, but the policy puts ${q(v.next.pattern)} before ${q(v.prev.pattern)} (${reasonText(v.declared)}); no single dependency breaks it: give the locks in between a level`;
      }
      const f: CheckFinding = {
        ruleId: 'lockdep-sim/policy-order',
        level: 'error',
        message,
        ...located(last.witness),
        dependencies: v.edges.map(ref),
        related: v.declared.map((r) => ({ message: `declared: ${r.before} before ${r.after} (${r.why})`, location: r.span })),
        fingerprint: `lockdep-sim/policy-order|${v.edges.map((e) => `${e.from}->${e.to}`).join('|')}`,
      };
      suppress(f, v.edges.map((e) => [e.from, e.to]));
      findings.push(f);
    }
    for (const v of checkNeverNested(cp, graph)) {
      const f: CheckFinding = {
        ruleId: 'lockdep-sim/never-nested',
        level: 'error',
        message: `${q(v.pair.next)} taken while holding ${q(v.pair.held)}${v.pair.count > 1 ? ` (${plural(v.pair.count, 'time')})` : ''}, but the policy says ${q(v.rule.a)} and ${q(v.rule.b)} are never nested`,
        ...located(v.pair.witness),
        dependencies: [],
        related: [{ message: `never-nested: [${v.rule.a}, ${v.rule.b}]`, location: v.rule.span }],
        fingerprint: `lockdep-sim/never-nested|${v.pair.held}->${v.pair.next}`,
      };
      const e = edgeByPair.get(`${v.pair.held}\u0000${v.pair.next}`);
      if (e) f.dependencies = [ref(e)];
      suppress(f, [[v.pair.held, v.pair.next]]);
      findings.push(f);
    }
    const names = graph.classes.map((c) => c.name);
    for (const l of unknownNames(cp, names)) {
      const near = closest(l.pattern, names);
      findings.push({
        ruleId: 'lockdep-sim/policy-unknown-lock',
        level: 'note',
        message: `${q(l.pattern)} in the policy matches no lock class of the inputs${near ? ` (did you mean ${q(near)}?)` : ''}`,
        location: l.span,
        stack: [],
        dependencies: [],
        fingerprint: `lockdep-sim/policy-unknown-lock|${l.pattern}`,
      });
    }
  }

  // 4. The baseline.
  if (diff) {
    for (const e of diff.added) {
      const f: CheckFinding = {
        ruleId: 'lockdep-sim/new-dependency',
        level: 'warning',
        message: `new dependency ${q(e.from)} -> ${q(e.to)} (${e.kinds.join(',')}): not in the baseline`,
        ...located(e.witness),
        dependencies: [ref(e)],
        baselineState: 'new',
        fingerprint: `lockdep-sim/new-dependency|${e.from}->${e.to}`,
      };
      suppress(f, [[e.from, e.to]]);
      findings.push(f);
    }
  }

  const summary = { error: 0, warning: 0, note: 0, suppressed: 0, unchanged: 0 };
  for (const f of findings) {
    if (f.suppressed) summary.suppressed++;
    else if (f.baselineState === 'unchanged') summary.unchanged++;
    else summary[f.level]++;
  }

  const result: CheckResult = {
    version: CHECK_RESULT_VERSION,
    tool: { name: 'lockdep-sim', version: opts.toolVersion ?? '0.0.0' },
    inputs: observations.map((o) => ({
      file: o.scenario.file,
      kernel: o.report.kernel,
      era: profileFor(o.scenario, opts.kernel).era,
      classes: o.report.classes.length,
      dependencies: o.graph.edges.length,
      findings: o.report.findings.length,
    })),
    graph: {
      classes: graph.classes.length,
      dependencies: graph.edges.length,
      rejected: graph.edges.filter((e) => e.rejected).length,
      components: comps.map((c) => ({ index: c.index, classes: c.classes, dependencies: c.dependencies, cycles: c.cycles.length, ...(c.truncated ? { truncated: c.truncated } : {}) })),
    },
    cycles: cycleReports,
    ordering: {
      consistent: ordering.consistent,
      feedback: ordering.feedback.map(ref),
      components: ordering.components.map((c) => ({ classes: c.classes, dependencies: c.dependencies, method: c.method, removed: c.removed.length })),
      levels: ordering.levels,
    },
    findings,
    summary,
  };
  if (opts.policy) {
    result.policy = {
      file: opts.policy.file,
      levels: opts.policy.levels.map((l) => l.names.map((n) => n.text)),
      rules: opts.policy.rules.length,
      neverNested: opts.policy.neverNested.length,
      exceptions: opts.policy.exceptions.length,
    };
  }
  if (diff && opts.baseline) {
    result.baseline = {
      file: opts.baseline.file,
      dependencies: opts.baseline.graph.dependencies.length,
      added: diff.added.map(ref),
      removed: diff.removed,
      widened: diff.widened.map((w) => ({ from: w.edge.from, to: w.edge.to, added: w.added })),
      newCycles: diff.newCycles.map((n) => n.cycle.id),
    };
  }
  if (explored) result.explore = explored.summary;
  return { result, observations, graph, components: comps, ordering };
}

/** `; it holds for lock instances too: ...` (empty without the instance replay). */
function instanceText(r: CycleReport): string {
  if (!r.instance) return '';
  return r.instance.survives
    ? `; it holds for lock instances too: ${r.instance.witness!.join(' -> ')} -> ${r.instance.witness![0]}`
    : '; it does not hold for lock instances: different instances of one class close it (is that the same lock? lockdep cannot tell; a false positive if the code orders those instances)';
}

function cycleFinding(
  c: Cycle,
  r: CycleReport,
  comps: readonly Component[],
  closing: ObservedEdge | undefined,
  suppress: (f: CheckFinding, pairs: [string, string][]) => void,
): CheckFinding {
  const edges = c.steps.map((s) => s.edge);
  const last = closing ?? edges.reduce((a, b) => (b.order > a.order ? b : a));
  const walk = `${c.classes.map(q).join(' -> ')} -> ${q(c.classes[0]!)}`;
  const comp = comps[c.component]!;
  const where = comp.classes.length > c.classes.length ? ` (component #${comp.index} of ${plural(comp.classes.length, 'class')})` : '';
  const instance = instanceText(r);
  const ruleId = closing ? 'lockdep-sim/new-cycle' : c.strong ? 'lockdep-sim/cycle' : 'lockdep-sim/weak-cycle';
  const what = c.strong ? 'lock order cycle' : 'cycle through recursive reads only (not a deadlock)';
  const message = closing
    ? `new ${what} ${walk}${where}, closed by the new dependency ${q(closing.from)} -> ${q(closing.to)}${instance}`
    : `${what} ${walk}${where}${instance}`;
  const f: CheckFinding = {
    ruleId,
    level: levelOf(ruleId, c.strong),
    message,
    ...located(last.witness),
    dependencies: r.dependencies,
    cycle: c.id,
    fingerprint: `lockdep-sim/cycle|${c.id}`,
  };
  if (r.baselineState) f.baselineState = r.baselineState;
  suppress(
    f,
    edges.map((e) => [e.from, e.to]),
  );
  return f;
}

