/**
 * Real or false positive? For each cycle the validator reported (circular findings, and recursive
 * ones as cycles of one class), look for a schedule of the scenario's tasks that actually
 * deadlocks on those locks, with real blocking semantics on lock *instances* (machine.ts).
 *
 *   confirmed  a reachable state where tasks wait for each other in a circle, on objects of the
 *              cycle's classes; the schedule is printed (witness.ts)
 *   refuted    no such state: a static argument proves it for every interleaving (reasons.ts),
 *              or the search visited every reachable state ("within bounds": the scenario's
 *              tasks, each run `repeat` times)
 *   unknown    the budget ran out first; the coverage reached is reported
 *
 * One search serves every cycle. Pure: the clock comes in as `deadline`, randomness as `seed`.
 */
import type { CircularFinding, Report, RecursiveFinding } from '../model/findings.js';
import type { AcquireStep, LockRef, Scenario } from '../model/scenario.js';
import type { SourceSpan } from '../model/span.js';
import { blockers, deadlocks, type Deadlock, type Event } from './machine.js';
import { classNames, instanceLabel, type ClassNames } from './names.js';
import { compile, type Compiled, type Mode } from './program.js';
import { dynamicReason, staticVerdict, waitPoints, type Naming, type Reason, type StaticVerdict } from './reasons.js';
import { search, type SearchStats } from './search.js';
import { simplify } from './witness.js';

export type { Reason, ReasonKind } from './reasons.js';

export interface ExploreOptions {
  /** Distinct states to visit at most (default DEFAULT_MAX_STATES). */
  maxStates?: number;
  /** 0 (default): tasks tried in scenario order; otherwise a seeded shuffle at every state. */
  seed?: number;
  /** Wall-clock budget, checked now and then; returning true stops the search (verdicts may become `unknown`). */
  deadline?: () => boolean;
  /** The kernel version the report was made for (class names are looked up with it). */
  kernel?: string;
}

export const DEFAULT_MAX_STATES = 1_000_000;

export type Verdict = 'confirmed' | 'refuted' | 'unknown';

/** A column of the schedule table. */
export interface ScheduleTask {
  /** Index in Scenario.tasks. */
  index: number;
  /** `comm/pid` */
  name: string;
  /** One of the tasks that end up waiting for each other. */
  deadlocked: boolean;
}

/** One lock operation of the schedule. */
export interface ScheduleRow {
  /** Index into Schedule.tasks. */
  column: number;
  /** The YAML operation: lock, read, recursive_read, trylock, read_trylock, unlock, downgrade. */
  op: string;
  /** The object, as printed (`&of->mutex@2`). */
  lock: string;
  ref: LockRef;
  /** Set when the operation did not simply succeed. */
  outcome?: 'queued' | 'failed, gives up' | 'failed, restarts' | 'failed' | 'released by restart' | 'released at irq exit';
  /** The table cell, e.g. `read(cpu_hotplug_lock.rw_sem)`. */
  text: string;
  /** The scenario step (its line in the YAML). */
  at: SourceSpan;
  /** Innermost function of the step, if it is inside one. */
  fn?: string;
  /** Index into TaskDef.steps, and the round of `repeat`. */
  step: number;
  round: number;
}

/** How a deadlocked task ends. */
export interface BlockedTask {
  column: number;
  /** The object it waits for, as printed. */
  waitsFor: string;
  ref: LockRef;
  mode: 'write' | 'read' | 'recursive read';
  /** A writer that has queued; a trylock spinning (on_fail: retry). */
  queued: boolean;
  spinning: boolean;
  /** Who holds it in a conflicting mode (`comm/pid`, and how). */
  heldBy: { task: string; mode: 'write' | 'read' | 'recursive read' }[];
  /** Writers queued ahead of this reader. */
  behind: string[];
}

export interface Schedule {
  tasks: ScheduleTask[];
  rows: ScheduleRow[];
  blocked: BlockedTask[];
}

export interface SearchSummary extends SearchStats {
  /** The state budget it ran with, and the seed. */
  maxStates: number;
  seed: number;
}

export interface ExploreResult {
  /** Index into report.findings. */
  finding: number;
  kind: 'circular' | 'recursive';
  /** The cycle's classes as printed, in dependency order (`cycle[i] -> cycle[i + 1] -> … -> cycle[0]`). */
  cycle: string[];
  verdict: Verdict;
  /** confirmed: a schedule that ends in deadlock. */
  schedule?: Schedule;
  /** confirmed: the classes the deadlock waits on (the whole cycle, or a shortcut through part of it). */
  deadlockClasses?: string[];
  /** refuted: why, when a rule applies; unknown: a static hint may still be given. */
  reason?: Reason;
  /** What the search did (shared by all results of one scenario). */
  search: SearchSummary;
  /** A problem mapping the finding to the scenario (then the verdict is `unknown`). */
  note?: string;
}

interface Target {
  finding: number;
  kind: 'circular' | 'recursive';
  cycle: string[];
  decls: Set<string>;
  unmapped: string[];
  sv?: StaticVerdict;
  /** The best deadlock so far: fewest tasks, then most classes of the cycle. */
  best?: { tasks: number; classes: number; moves: number[]; deadlock: Deadlock };
  masks: Set<number>;
}

function targetsOf(report: Report, names: ClassNames): Target[] {
  const out: Target[] = [];
  report.findings.forEach((f, i) => {
    if (f.kind !== 'circular' && f.kind !== 'recursive') return;
    const cycle = f.kind === 'circular' ? (f as CircularFinding).chain.map((e) => e.cls.name).reverse() : [(f as RecursiveFinding).next.cls.name];
    const decls = new Set<string>();
    const unmapped: string[] = [];
    for (const n of cycle) {
      const d = names.declOf(n);
      if (d) decls.add(d);
      else unmapped.push(n);
    }
    out.push({ finding: i, kind: f.kind, cycle, decls, unmapped, masks: new Set() });
  });
  return out;
}

const MODE_WORD: Record<Mode, 'write' | 'read' | 'recursive read'> = { 0: 'write', 1: 'read', 2: 'recursive read' };

function opName(s: AcquireStep): string {
  if (s.read === 0) return s.trylock ? 'trylock' : 'lock';
  if (s.trylock) return 'read_trylock';
  return s.read === 2 && !s.qrwlockRead ? 'recursive_read' : 'read';
}

/** Builds the printable schedule from a simplified replay. */
function scheduleOf(c: Compiled, names: ClassNames, naming: Naming, events: Event[][], moves: number[], d: Deadlock, final: Parameters<typeof blockers>[1]): Schedule {
  const involved = new Set<number>([...moves, ...d.tasks]);
  const order = [...involved].sort((a, b) => a - b);
  const column = new Map(order.map((t, i) => [t, i]));
  const tasks: ScheduleTask[] = order.map((t) => ({ index: t, name: naming.task(t), deadlocked: d.tasks.includes(t) }));
  const label = (inst: number) => instanceLabel(names, c.instances, inst);
  const rows: ScheduleRow[] = [];
  for (const e of events.flat()) {
    if (!involved.has(e.task)) continue;
    const st = c.programs[e.task]!.def.steps[e.step]!;
    const lock = label(e.inst);
    let op: string;
    let outcome: ScheduleRow['outcome'];
    let text: string;
    switch (e.kind) {
      case 'acquire':
        op = opName(st as AcquireStep);
        text = `${op}(${lock})`;
        break;
      case 'wait':
        op = opName(st as AcquireStep);
        outcome = 'queued';
        text = `${op}(${lock}): waits`;
        break;
      case 'trylock-failed':
        op = opName(st as AcquireStep);
        outcome = e.onFail === 'restart' ? 'failed, restarts' : e.onFail === 'give-up' ? 'failed, gives up' : 'failed';
        text = `${op}(${lock}) fails: ${e.onFail === 'restart' ? 'restart' : 'give up'}`;
        break;
      case 'release':
        op = 'unlock';
        if (e.irqExit) outcome = 'released at irq exit';
        else if (st.op === 'acquire') outcome = 'released by restart';
        text = `unlock(${lock})${outcome === 'released by restart' ? ' (restart)' : outcome ? ' (irq exit)' : ''}`;
        break;
      case 'downgrade':
        op = 'downgrade';
        text = `downgrade(${lock})`;
        break;
    }
    const row: ScheduleRow = { column: column.get(e.task)!, op, lock, ref: c.instances[e.inst]!.ref, text, at: st.span, step: e.step, round: e.round };
    if (outcome) row.outcome = outcome;
    const fn = st.path?.[st.path.length - 1];
    if (fn) row.fn = fn;
    rows.push(row);
  }
  const blocked: BlockedTask[] = d.waits.map((w) => {
    const b = blockers(c, final, w);
    return {
      column: column.get(w.task)!,
      waitsFor: label(w.inst),
      ref: c.instances[w.inst]!.ref,
      mode: MODE_WORD[w.mode],
      queued: w.queued,
      spinning: w.spinning,
      heldBy: b.holders.map((t) => ({ task: naming.task(t), mode: MODE_WORD[final[t]!.held.find((h) => h.inst === w.inst)!.mode] })),
      behind: b.queued.map((t) => naming.task(t)),
    };
  });
  return { tasks, rows, blocked };
}

/** A deadlock the search found on locks no reported cycle covers (lockdep could not see it). */
export interface UnreportedDeadlock {
  /** The classes the deadlocked tasks wait on, as printed. */
  classes: string[];
  schedule: Schedule;
}

export interface Exploration {
  results: ExploreResult[];
  /** Only with `unreported: true`: at most MAX_UNREPORTED, fewest tasks first. */
  unreported: UnreportedDeadlock[];
  search: SearchSummary;
}

/** Unreported deadlocks listed at most. */
export const MAX_UNREPORTED = 10;

/**
 * Explores the interleavings of `scenario` for every cycle in `report` (the validator's report of
 * the same scenario) and returns one result per circular or recursive finding, in finding order.
 */
export function exploreReport(scenario: Scenario, report: Report, opts: ExploreOptions = {}): ExploreResult[] {
  return explore(scenario, report, opts, false).results;
}

/**
 * exploreReport() plus the deadlocks lockdep did not report (on trylocks it never validates,
 * on check = 0 locks, through classes of no reported cycle). Searches even when there is no
 * cycle; when every cycle is confirmed early, lists the other deadlocks seen until then.
 */
export function exploreAll(scenario: Scenario, report: Report, opts: ExploreOptions = {}): Exploration {
  return explore(scenario, report, opts, true);
}

function explore(scenario: Scenario, report: Report, opts: ExploreOptions, withUnreported: boolean): Exploration {
  const names = classNames(scenario, opts.kernel);
  const targets = targetsOf(report, names);
  const maxStates = opts.maxStates ?? DEFAULT_MAX_STATES;
  const seed = opts.seed ?? 0;
  if (targets.length === 0 && !withUnreported) {
    return { results: [], unreported: [], search: { states: 0, transitions: 0, maxDepth: 0, complete: false, maxStates, seed } };
  }
  const c = compile(scenario);
  const naming: Naming = {
    task: (t) => `${scenario.tasks[t]!.name}/${scenario.tasks[t]!.pid}`,
    inst: (i) => instanceLabel(names, c.instances, i),
    cls: (d) => names.printed(d),
  };
  const walk = waitPoints(c);
  for (const t of targets) {
    if (walk.complete && t.unmapped.length === 0) t.sv = staticVerdict(c, walk.points, t.decls, t.kind, naming);
  }
  const needMasks = targets.filter((t) => t.sv && !t.sv.reason);
  const declOf = (inst: number) => c.instances[inst]!.decl.id;
  const others = new Map<string, { tasks: number; moves: number[]; deadlock: Deadlock }>();

  const stats = search(c, { maxStates, seed, ...(opts.deadline ? { deadline: opts.deadline } : {}) }, (v) => {
    for (const t of needMasks) {
      let m = 0;
      v.state.forEach((ts, i) => {
        if (i < 31 && ts.held.some((h) => t.decls.has(declOf(h.inst)))) m |= 1 << i;
      });
      t.masks.add(m);
    }
    if (v.waiting.length === 0) return false;
    const found = deadlocks(c, v.state, v.waiting);
    if (found.length === 0) return false;
    let moves: number[] | undefined;
    const path = () => (moves ??= v.path().filter((m) => m.task >= 0).map((m) => m.task));
    for (const d of found) {
      const ds = new Set(d.waits.map((w) => declOf(w.inst)));
      let matched = false;
      for (const t of targets) {
        if (t.unmapped.length || ![...ds].every((x) => t.decls.has(x))) continue;
        matched = true;
        if (t.best && (t.best.tasks < d.tasks.length || (t.best.tasks === d.tasks.length && t.best.classes >= ds.size))) continue;
        t.best = { tasks: d.tasks.length, classes: ds.size, moves: path(), deadlock: d };
      }
      if (!matched && withUnreported) {
        const key = [...ds].sort().join('\0');
        const o = others.get(key);
        if (!o || o.tasks > d.tasks.length) others.set(key, { tasks: d.tasks.length, moves: path(), deadlock: d });
      }
    }
    // Good enough to stop: every cycle closed over all its classes, by at most one task per class.
    // (Unreported deadlocks are then only those seen so far: the scenario is known to deadlock.)
    return targets.length > 0 && targets.every((t) => t.best && t.best.classes === t.decls.size && t.best.tasks <= t.decls.size);
  });
  const summary: SearchSummary = { ...stats, maxStates, seed };
  const witness = (moves: number[], d: Deadlock) => {
    const { replayed, deadlock } = simplify(c, moves, d);
    return { schedule: scheduleOf(c, names, naming, replayed.events, replayed.tasks, deadlock, replayed.state), deadlock };
  };

  const results = targets.map((t): ExploreResult => {
    const base = { finding: t.finding, kind: t.kind, cycle: t.cycle, search: summary };
    if (t.unmapped.length) {
      return { ...base, verdict: 'unknown', note: `class ${t.unmapped.map((n) => `\`${n}\``).join(', ')} of the finding is not declared by the scenario` };
    }
    if (t.best) {
      const { schedule, deadlock } = witness(t.best.moves, t.best.deadlock);
      const deadlockClasses = [...new Set(deadlock.waits.map((w) => names.printed(declOf(w.inst))))];
      return { ...base, verdict: 'confirmed', schedule, deadlockClasses };
    }
    if (t.sv?.reason?.proof) return { ...base, verdict: 'refuted', reason: t.sv.reason };
    if (stats.complete) {
      const reason = t.sv ? dynamicReason(c, t.sv, t.decls, t.masks, stats.states, naming) : undefined;
      return { ...base, verdict: 'refuted', ...(reason ? { reason } : {}) };
    }
    return { ...base, verdict: 'unknown' };
  });
  const unreported = [...others.entries()]
    .sort((a, b) => a[1].tasks - b[1].tasks || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, MAX_UNREPORTED)
    .map(([, o]): UnreportedDeadlock => {
      const { schedule, deadlock } = witness(o.moves, o.deadlock);
      return { classes: [...new Set(deadlock.waits.map((w) => names.printed(declOf(w.inst))))], schedule };
    });
  return { results, unreported, search: summary };
}
