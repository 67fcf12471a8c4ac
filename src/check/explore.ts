/**
 * `check --explore`: the interleaving explorer (src/explore/, docs/explore.md) run on every input,
 * its verdicts attached to the cycle findings, and the deadlocks lockdep did not report turned
 * into findings of their own (docs/check.md, "Real or false positive: --explore").
 *
 *   lockdep/circular, lockdep/recursive   the explorer's verdict on that very report (basis `report`)
 *   lockdep-sim/cycle, lockdep-sim/new-cycle
 *       the verdict on a reported cycle of the same classes in an input holding the whole cycle
 *       (`report`); else confirmed by a deadlock the search found on some of its classes
 *       (`deadlock`); else refuted when the complete search shows no deadlock can be on its classes
 *       only (`search`); else unknown. A cycle no single input holds is not searched (`none`).
 *   lockdep-sim/unreported-deadlock   a deadlock no reported cycle and no cycle finding covers
 *
 * Pure (no clock: the state budget is the only bound), deterministic for a given seed.
 */
import { DEFAULT_MAX_STATES, exploreAll, MAX_UNREPORTED, type Exploration, type ExploreResult, type Schedule, type SearchSummary, type UnreportedDeadlock } from '../explore/explore.js';
import { classNames, type ClassNames } from '../explore/names.js';
import { formatFrame } from '../model/frame.js';
import type { LockRef, Scenario, Step } from '../model/scenario.js';
import type { SourceSpan } from '../model/span.js';
import type { Cycle } from './cycles.js';
import type { Observation } from './observe.js';
import type { CheckFinding, ExploreBlocked, ExploreRef, ExploreSchedule, ExploreSummary, RelatedLocation } from './result.js';
import { cmp } from './strong.js';

export interface CheckExploreOptions {
  /** Distinct states the search visits at most, per input (default 1000000). */
  maxStates?: number;
  /** Tie-breaking seed of the search (changes which schedule is shown, never a complete verdict). */
  seed?: number;
  /** Lower refuted cycle findings to `note` (they then never fail the check). */
  refutedPass?: boolean;
}

/** Rules whose findings get a verdict, and may be lowered to `note` when refuted. */
export const EXPLORED_RULES: readonly string[] = ['lockdep/circular', 'lockdep/recursive', 'lockdep-sim/cycle', 'lockdep-sim/new-cycle'];

export const UNREPORTED_RULE = 'lockdep-sim/unreported-deadlock';

const q = (s: string) => `\`${s}\``;

function list(xs: readonly string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

const sameRef = (a: LockRef, b: LockRef) => a.lock === b.lock && a.instance === b.instance;

/** The explorer's schedule as check's plain data, each blocked task with the step it waits at. */
function scheduleOf(s: Schedule, scenario: Scenario): { schedule: ExploreSchedule; waitSteps: (Step | undefined)[] } {
  const waitSteps: (Step | undefined)[] = [];
  const blocked = s.blocked.map((b): ExploreBlocked => {
    const out: ExploreBlocked = {
      column: b.column,
      waitsFor: b.waitsFor,
      ref: { lock: b.ref.lock, instance: b.ref.instance },
      mode: b.mode,
      queued: b.queued,
      spinning: b.spinning,
      heldBy: b.heldBy.map((h) => ({ task: h.task, mode: h.mode })),
      behind: [...b.behind],
    };
    const st = waitStep(s, b.column, b.ref, scenario);
    waitSteps.push(st);
    if (st) {
      out.at = st.span;
      const fn = st.path?.[st.path.length - 1];
      if (fn) out.fn = fn;
    }
    return out;
  });
  return {
    schedule: {
      tasks: s.tasks.map((t) => ({ index: t.index, name: t.name, deadlocked: t.deadlocked })),
      rows: s.rows.map((r) => ({
        column: r.column,
        op: r.op,
        lock: r.lock,
        ref: { lock: r.ref.lock, instance: r.ref.instance },
        ...(r.outcome ? { outcome: r.outcome } : {}),
        text: r.text,
        at: r.at,
        ...(r.fn ? { fn: r.fn } : {}),
        step: r.step,
        round: r.round,
      })),
      blocked,
    },
    waitSteps,
  };
}

/**
 * The acquisition a blocked task waits at: its last row when that row is the wait itself (a
 * writer that queued, a trylock that spins), else the task's next step taking that object after
 * its last row (from the top after a restart, or when it has none), wrapping round for `repeat`.
 */
function waitStep(s: Schedule, column: number, ref: LockRef, scenario: Scenario): Step | undefined {
  const steps = scenario.tasks[s.tasks[column]!.index]?.steps ?? [];
  const last = s.rows.filter((r) => r.column === column).pop();
  if (last && sameRef(last.ref, ref) && (last.outcome === 'queued' || last.outcome === 'failed')) return steps[last.step];
  const restart = last?.outcome === 'released by restart' || last?.outcome === 'failed, restarts';
  const start = last && !restart ? last.step + 1 : 0;
  for (let n = 0; n < steps.length; n++) {
    const st = steps[(start + n) % steps.length]!;
    if (st.op === 'acquire' && sameRef(st.ref, ref)) return st;
  }
  return undefined;
}

function who(s: ExploreSchedule): string {
  const names = s.tasks.filter((t) => t.deadlocked).map((t) => t.name);
  return names.length === 1 ? `${names[0]} waits for itself` : `${list(names)} wait for each other`;
}

function confirmedSummary(s: ExploreSchedule, classes: readonly string[], cycleClasses?: number): string {
  const shortcut = cycleClasses !== undefined && classes.length < cycleClasses ? `a shortcut through ${classes.length} of the cycle's ${cycleClasses} classes; ` : '';
  return `confirmed: ${who(s)} on ${classes.map(q).join(', ')} (${shortcut}${s.rows.length}-step schedule)`;
}

function coverage(s: SearchSummary): string {
  if (s.stoppedBy === 'goal') return `the search stopped after ${s.states} states, once every reported cycle was confirmed`;
  if (s.stoppedBy === 'time') return `time budget exhausted after ${s.states} states`;
  return `state budget of ${s.maxStates} exhausted after ${s.states} states (${s.pending ?? 0} branches still open); raise --explore-states`;
}

/** A verdict of the explorer as an ExploreRef. */
function fromResult(r: ExploreResult, input: number, scenario: Scenario, cycleClasses: number): ExploreRef {
  const base = { input, basis: 'report' as const };
  const reason = r.reason
    ? {
        kind: r.reason.kind,
        text: r.reason.text,
        ...(r.reason.lock ? { lock: r.reason.lock } : {}),
        ...(r.reason.locks ? { locks: [...r.reason.locks] } : {}),
        ...(r.reason.tasks ? { tasks: [...r.reason.tasks] } : {}),
        proof: r.reason.proof,
      }
    : undefined;
  switch (r.verdict) {
    case 'confirmed': {
      const { schedule } = scheduleOf(r.schedule!, scenario);
      const deadlockClasses = [...r.deadlockClasses!];
      return { verdict: 'confirmed', ...base, summary: confirmedSummary(schedule, deadlockClasses, cycleClasses), deadlockClasses, schedule };
    }
    case 'refuted': {
      const tag = reason ? `${reason.kind}${reason.lock ? `: ${q(reason.lock)}` : reason.locks?.length ? `: ${reason.locks.map(q).join(', ')}` : ''}` : '';
      const summary = reason?.proof
        ? `refuted for every interleaving (${tag})`
        : `refuted within bounds (${tag ? `${tag}; ` : ''}all ${r.search.states} states searched)`;
      return { verdict: 'refuted', ...base, summary, ...(reason ? { reason } : {}) };
    }
    case 'unknown':
      return { verdict: 'unknown', ...base, summary: `unknown (${r.note ?? coverage(r.search)})`, ...(reason ? { reason } : {}), ...(r.note ? { note: r.note } : {}) };
  }
}

interface Explored {
  input: number;
  scenario: Scenario;
  x: Exploration;
  names: ClassNames;
  edges: Set<string>;
  /** Unreported deadlocks a cycle finding was confirmed by (they are not findings of their own). */
  used: Set<UnreportedDeadlock>;
}

const pairKey = (a: string, b: string) => `${a}\u0000${b}`;

/** The verdict on a cycle of the observed graph in one input that holds all its dependencies. */
function cycleVerdict(c: Cycle, e: Explored): ExploreRef {
  const decls = (names: readonly string[]) => new Set(names.map((n) => e.names.declOf(n) ?? `\u0000${n}`));
  const mine = decls(c.classes);
  const within = (names: readonly string[]) => [...decls(names)].every((d) => mine.has(d));
  const size = mine.size;
  const { results, unreported, search } = e.x;
  const same = results.find((r) => r.kind === 'circular' && decls(r.cycle).size === size && within(r.cycle));
  if (same) return fromResult(same, e.input, e.scenario, size);

  // A deadlock on (some of) its classes confirms it, as the explorer confirms a reported cycle.
  let best: { tasks: number; classes: string[]; schedule: Schedule } | undefined;
  const consider = (classes: string[], schedule: Schedule) => {
    const tasks = schedule.tasks.filter((t) => t.deadlocked).length;
    if (!best || tasks < best.tasks || (tasks === best.tasks && classes.length > best.classes.length)) best = { tasks, classes, schedule };
  };
  for (const r of results) if (r.verdict === 'confirmed' && within(r.deadlockClasses!)) consider(r.deadlockClasses!, r.schedule!);
  for (const u of unreported) {
    if (!within(u.classes)) continue;
    e.used.add(u);
    consider(u.classes, u.schedule);
  }
  if (best) {
    const { schedule } = scheduleOf(best.schedule, e.scenario);
    return { verdict: 'confirmed', input: e.input, basis: 'deadlock', summary: confirmedSummary(schedule, best.classes, size), deadlockClasses: [...best.classes], schedule };
  }
  // Every deadlock the search saw is either listed as unreported (all of them, below the cap) or
  // is within the classes of a reported cycle it confirmed. None within this cycle's classes
  // exists when no such reported cycle shares a class with it.
  const absorbed = results.some((r) => r.verdict === 'confirmed' && [...decls(r.cycle)].some((d) => mine.has(d)));
  if (search.complete && unreported.length < MAX_UNREPORTED && !absorbed) {
    return {
      verdict: 'refuted',
      input: e.input,
      basis: 'search',
      summary: `refuted within bounds (all ${search.states} states searched)`,
    };
  }
  const note = search.complete
    ? 'a deadlock was found on classes this cycle shares with a reported cycle, but not within this cycle\'s classes; the search does not record whether another one is'
    : coverage(search);
  return { verdict: 'unknown', input: e.input, basis: 'search', summary: `unknown (${note})`, note };
}

const RANK = { confirmed: 0, unknown: 1, refuted: 2 } as const;

/** The deadlocking schedule's step of the deadlocked task that moved last: where the circle closed. */
function closingWait(s: ExploreSchedule): number {
  for (let i = s.rows.length - 1; i >= 0; i--) {
    const j = s.blocked.findIndex((b) => b.column === s.rows[i]!.column && b.at);
    if (j >= 0) return j;
  }
  const j = s.blocked.findIndex((b) => b.at);
  return j >= 0 ? j : 0;
}

function blockedText(s: ExploreSchedule, b: ExploreBlocked): string {
  const held = b.heldBy.map((h) => `${h.task} (${h.mode})`);
  return `${s.tasks[b.column]!.name} waits for ${b.waitsFor} (${b.mode})${held.length ? `, held by ${held.join(', ')}` : ''}${b.behind.length ? `, behind writer ${b.behind.join(', ')}` : ''}`;
}

function unreportedFinding(e: Explored, u: UnreportedDeadlock, suppress: (f: CheckFinding, pairs: [string, string][]) => void): CheckFinding {
  const { schedule, waitSteps } = scheduleOf(u.schedule, e.scenario);
  const j = closingWait(schedule);
  const b = schedule.blocked[j];
  const st = waitSteps[j];
  const task = b ? schedule.tasks[b.column]! : schedule.tasks[0];
  const location: SourceSpan = st?.span ?? schedule.rows[schedule.rows.length - 1]?.at ?? e.scenario.tasks[task?.index ?? 0]?.span ?? { file: e.scenario.file, line: 1, col: 1 };
  const related: RelatedLocation[] = schedule.blocked.filter((x) => x.at).map((x) => ({ message: blockedText(schedule, x), location: x.at! }));
  const path = st?.path;
  const classes = [...u.classes];
  const f: CheckFinding = {
    ruleId: UNREPORTED_RULE,
    level: 'error',
    message: `deadlock lockdep did not report: ${who(schedule)} on ${classes.map(q).join(', ')} (${schedule.rows.length}-step schedule; through trylocks, check = 0 locks or dependencies lockdep never recorded)`,
    location,
    ...(task ? { task: task.name } : {}),
    stack: st ? st.stack.map(formatFrame) : [],
    ...(path?.length ? { path } : {}),
    dependencies: [],
    ...(related.length ? { related } : {}),
    explore: { verdict: 'confirmed', input: e.input, basis: 'deadlock', summary: confirmedSummary(schedule, classes), deadlockClasses: classes, schedule },
    fingerprint: `${UNREPORTED_RULE}|${[...new Set(classes)].sort(cmp).join(',')}`,
  };
  // A policy exception `from: A, to: B` matches a task of the circle holding A while it waits for B.
  const cls = schedule.blocked.map((x) => e.names.printed(x.ref.lock));
  suppress(
    f,
    cls.map((c, i) => [c, cls[(i + 1) % cls.length]!]),
  );
  return f;
}

/**
 * Explores every input and attaches the verdicts to `findings` (in place: `explore`, and with
 * refutedPass the level; the message stays as it is, the reporters add the verdict). `cycleOf` maps each cycle finding (not the validator's) to its
 * cycle. Returns the summary and the new `lockdep-sim/unreported-deadlock` findings.
 */
export function exploreFindings(
  observations: readonly Observation[],
  findings: readonly CheckFinding[],
  cycleOf: ReadonlyMap<CheckFinding, Cycle>,
  opts: CheckExploreOptions & { kernel?: string },
  suppress: (f: CheckFinding, pairs: [string, string][]) => void,
): { summary: ExploreSummary; unreported: CheckFinding[] } {
  const maxStates = opts.maxStates ?? DEFAULT_MAX_STATES;
  const seed = opts.seed ?? 0;
  const kernel = opts.kernel ? { kernel: opts.kernel } : {};
  const explored: Explored[] = observations.map((o, input) => ({
    input,
    scenario: o.scenario,
    x: exploreAll(o.scenario, o.report, { maxStates, seed, ...kernel }),
    names: classNames(o.scenario, opts.kernel),
    edges: new Set(o.graph.edges.map((d) => pairKey(d.from, d.to))),
    used: new Set(),
  }));

  for (const f of findings) {
    if (f.validator && (f.validator.kind === 'circular' || f.validator.kind === 'recursive')) {
      const e = explored[f.validator.input]!;
      const r = e.x.results.find((x) => x.finding === f.validator!.index);
      if (r) f.explore = fromResult(r, e.input, e.scenario, new Set(r.cycle).size);
      continue;
    }
    const c = cycleOf.get(f);
    if (!c) continue;
    const holders = explored.filter((e) => c.steps.every((s) => e.edges.has(pairKey(s.edge.from, s.edge.to))));
    if (!holders.length) {
      const note = 'its dependencies come from several inputs and the explorer searches one scenario at a time';
      f.explore = { verdict: 'unknown', basis: 'none', summary: `unknown (${note})`, note };
      continue;
    }
    // Deterministic: the first input that confirms it, else the first that leaves it unknown, else refuted.
    f.explore = holders.map((e) => cycleVerdict(c, e)).reduce((a, b) => (RANK[b.verdict] < RANK[a.verdict] ? b : a));
  }

  const unreported: CheckFinding[] = [];
  for (const e of explored) {
    for (const u of e.x.unreported) if (!e.used.has(u)) unreported.push(unreportedFinding(e, u, suppress));
  }

  const counts = { confirmed: 0, refuted: 0, unknown: 0 };
  for (const f of findings) {
    const x = f.explore;
    if (!x) continue;
    counts[x.verdict]++;
    if (opts.refutedPass && x.verdict === 'refuted' && EXPLORED_RULES.includes(f.ruleId) && f.level !== 'note') {
      x.demotedFrom = f.level;
      f.level = 'note';
    }
  }

  const summary: ExploreSummary = {
    maxStates,
    seed,
    refutedPass: opts.refutedPass === true,
    inputs: explored.map((e) => {
      const s = e.x.search;
      return {
        input: e.input,
        states: s.states,
        transitions: s.transitions,
        maxDepth: s.maxDepth,
        complete: s.complete,
        ...(s.stoppedBy ? { stoppedBy: s.stoppedBy } : {}),
        ...(s.pending !== undefined ? { pending: s.pending } : {}),
        cycles: e.x.results.length,
        unreported: e.x.unreported.length,
      };
    }),
    ...counts,
    unreported: unreported.length,
  };
  return { summary, unreported };
}
