/**
 * The interleaving explorer's verdicts (src/explore/) as page data: for each circular or recursive
 * report, confirmed / refuted / unknown in words, and for a confirmed one the deadlocking schedule
 * as a table of one column per task, each operation mapped back to the page frame of the scenario
 * step it is (so the page can move its cursor there). Pure: results in, plain data out; every
 * string is rendered by the client with textContent.
 */
import type { ExploreResult, Schedule, ScheduleRow, SearchSummary } from '../explore/explore.js';
import { formatExploreLine } from '../explore/format.js';
import type { Scenario } from '../model/scenario.js';

/** One lock operation of a schedule. */
export interface PageScheduleRow {
  /** Index into PageSchedule.tasks. */
  column: number;
  /** The operation as the explorer prints it, e.g. `read(cpu_hotplug_lock.rw_sem)`, `lock(X): waits`. */
  text: string;
  /** Where it is: `cpus_read_lock · line 97`. */
  where: string;
  /** Scenario line of the step. */
  line: number;
  /** Page frame where the validator ran this step (-1: the step could not be identified). */
  frame: number;
  /** The step as the page names it, e.g. `bash step 5` ('' when not identified). */
  step: string;
}

export interface PageSchedule {
  /** The columns, in the explorer's order. */
  tasks: {
    /** `comm/pid`, as the explorer prints it. */
    name: string;
    /** Index into PageData.tasks (-1: not found). */
    task: number;
    /** One of the tasks that end up waiting for each other. */
    deadlocked: boolean;
  }[];
  rows: PageScheduleRow[];
  /** The final row, per column: `BLOCKED`, `waits for X (write)`, `held by T (read)`, … */
  blocked: string[][];
}

export interface PageVerdict {
  verdict: 'confirmed' | 'refuted' | 'unknown';
  /** The verdict in a phrase: `Refuted for every interleaving`, `Confirmed: a real deadlock`. */
  title: string;
  /** Why, short: `gate: device_hotplug_lock`, `bash/22688 and daxctl/22950 wait for each other on …`. */
  summary: string;
  /** Sentences: the reason in full, what the search did. */
  detail: string[];
  /** Refuted: the rule that applies (`gate`, `instances`, …) and its lock. */
  reason?: { kind: string; lock?: string; proof: boolean };
  /** Confirmed: the schedule that deadlocks. */
  schedule?: PageSchedule;
  /** The one-line form (`lockdep-sim run --explore`). */
  line: string;
}

/** What the explorer did for the page as a whole. */
export interface PageExploreInfo {
  /** Cycles it was given (circular and recursive reports). */
  cycles: number;
  /** Its search (absent when there was no cycle, so nothing to search). */
  search?: { states: number; transitions: number; complete: boolean; maxStates: number; seed: number };
}

/** What the mapping needs of the page: its frames (task, step) and tasks' step lines. */
export interface FrameIndex {
  frames: readonly { task: number; step: number }[];
  tasks: readonly { label: string; steps: readonly { line: number }[] }[];
}

function plural(n: number, w: string): string {
  return `${n} ${w}${n === 1 ? '' : /(?:ch|sh|s|x)$/.test(w) ? 'es' : 's'}`;
}

function listWords(xs: readonly string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

function coverage(s: SearchSummary): string {
  const why = s.stoppedBy === 'time' ? 'the time budget' : `the state budget of ${s.maxStates}`;
  return `The search ran out of ${why} after ${plural(s.states, 'state')} (${plural(s.transitions, 'transition')}, schedules up to ${plural(s.maxDepth, 'move')}, ${plural(s.pending ?? 0, 'branch')} still open).`;
}

/** Page frame of the `round`-th run of step `step` of task `task`, or -1. */
function frameOf(ix: FrameIndex, task: number, step: number, round: number): number {
  let seen = 0;
  for (let f = 0; f < ix.frames.length; f++) {
    const fr = ix.frames[f]!;
    if (fr.task === task && fr.step === step && seen++ === round) return f;
  }
  return -1;
}

/**
 * The page task of a schedule column: the explorer's task index when its `comm/pid` matches the
 * scenario's task there, else the scenario task with that `comm/pid`.
 */
function pageTask(scenario: Scenario, index: number, name: string): number {
  const id = (i: number) => `${scenario.tasks[i]!.name}/${scenario.tasks[i]!.pid}`;
  if (index >= 0 && index < scenario.tasks.length && id(index) === name) return index;
  return scenario.tasks.findIndex((_, i) => id(i) === name);
}

/**
 * The scenario step of a schedule row, as a page frame: by step index (checked against the step's
 * line), else by line within the task; -1 when neither identifies it.
 */
function rowFrame(scenario: Scenario, ix: FrameIndex, task: number, row: ScheduleRow): { frame: number; step: number } {
  if (task < 0) return { frame: -1, step: -1 };
  const steps = ix.tasks[task]?.steps ?? [];
  const sameFile = row.at.file === scenario.file;
  if (sameFile && steps[row.step]?.line === row.at.line) return { frame: frameOf(ix, task, row.step, row.round), step: row.step };
  if (!sameFile) return { frame: -1, step: -1 };
  const byLine = steps.findIndex((s) => s.line === row.at.line);
  return byLine >= 0 ? { frame: frameOf(ix, task, byLine, row.round), step: byLine } : { frame: -1, step: -1 };
}

/** The schedule table with every row mapped to a page frame where possible. */
export function pageSchedule(scenario: Scenario, ix: FrameIndex, s: Schedule): PageSchedule {
  const tasks = s.tasks.map((t) => ({ name: t.name, task: pageTask(scenario, t.index, t.name), deadlocked: t.deadlocked }));
  const rows = s.rows.map((r): PageScheduleRow => {
    const task = tasks[r.column]?.task ?? -1;
    const { frame, step } = rowFrame(scenario, ix, task, r);
    return {
      column: r.column,
      text: r.text,
      where: `${r.fn ? `${r.fn} · ` : ''}line ${r.at.line}`,
      line: r.at.line,
      frame,
      step: frame >= 0 ? `${ix.tasks[task]!.label} step ${step + 1}${r.round ? ` (round ${r.round + 1})` : ''}` : '',
    };
  });
  const blocked = new Map(s.blocked.map((b) => [b.column, b]));
  const lines = s.tasks.map((t, i) => {
    const b = blocked.get(i);
    if (!b) return [t.deadlocked ? 'BLOCKED' : 'not blocked'];
    const out = [`BLOCKED${b.queued ? ' (queued)' : b.spinning ? ' (spinning)' : ''}`, `waits for ${b.waitsFor} (${b.mode})`];
    for (const h of b.heldBy) out.push(`held by ${h.task} (${h.mode})`);
    for (const q of b.behind) out.push(`behind writer ${q}`);
    return out;
  });
  return { tasks, rows, blocked: lines };
}

/** One explorer result as the page shows it. */
export function pageVerdict(scenario: Scenario, ix: FrameIndex, r: ExploreResult): PageVerdict {
  const line = formatExploreLine(r);
  const s = r.search;
  switch (r.verdict) {
    case 'confirmed': {
      const sch = r.schedule!;
      const who = sch.tasks.filter((t) => t.deadlocked).map((t) => t.name);
      const classes = r.deadlockClasses ?? [];
      const cycleSize = new Set(r.cycle).size;
      const summary = `${who.length === 1 ? `${who[0]} waits for itself` : `${listWords(who)} wait for each other`} on ${classes.join(', ')}`;
      const detail: string[] = [];
      if (classes.length < cycleSize) detail.push(`A shortcut through ${classes.length} of the cycle's ${cycleSize} classes: the deadlock needs only those.`);
      detail.push(
        `The schedule below reaches it in ${plural(sch.rows.length, 'lock operation')}; found among ${plural(s.states, 'state')} the explorer searched${s.complete ? ' (all of them)' : ''}.`,
      );
      return { verdict: 'confirmed', title: 'Confirmed: a real deadlock', summary, detail, schedule: pageSchedule(scenario, ix, sch), line };
    }
    case 'refuted': {
      const reason = r.reason;
      const title = reason?.proof ? 'Refuted for every interleaving' : 'Refuted within bounds';
      const summary = reason ? `${reason.kind}${reason.lock ? `: ${reason.lock}` : reason.locks?.length ? `: ${reason.locks.join(', ')}` : ''}` : 'no deadlocking schedule';
      const detail: string[] = [];
      if (reason) detail.push(reason.text);
      if (reason?.proof && s.complete) detail.push(`The search agrees: none of the ${s.states} reachable states has these locks' waiters in a circle.`);
      else if (reason?.proof) detail.push(`The search stopped after ${plural(s.states, 'state')}; the argument above does not depend on it.`);
      else detail.push(`No interleaving closes it: all ${plural(s.states, 'state')} of the scenario's tasks (each run its repeat count) were searched.`);
      return { verdict: 'refuted', title, summary, detail, ...(reason ? { reason: { kind: reason.kind, ...(reason.lock ? { lock: reason.lock } : {}), proof: reason.proof } } : {}), line };
    }
    case 'unknown': {
      const summary = r.note ?? 'the search budget ran out';
      const detail = r.note ? [] : [coverage(s)];
      if (r.reason) detail.push(`A hint: ${r.reason.text}`);
      detail.push('Raise the budget with --explore-states N.');
      return { verdict: 'unknown', title: 'Unknown', summary, detail, line };
    }
  }
}

/** What a run of the explorer did, for the page as a whole. */
export function exploreInfo(results: readonly ExploreResult[]): PageExploreInfo {
  const s = results[0]?.search;
  return { cycles: results.length, ...(s ? { search: { states: s.states, transitions: s.transitions, complete: s.complete, maxStates: s.maxStates, seed: s.seed } } : {}) };
}
