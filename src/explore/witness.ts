/**
 * From a deadlocked path found by the search to a schedule a person can read: replay it, drop the
 * tasks the deadlock does not need, cut the others short, and reorder independent moves so each
 * task runs as long as it can before the next one takes over (a Mazurkiewicz-equivalent
 * interleaving: moves that touch a common shared object, or of the same task, keep their order).
 * Every candidate is replayed and kept only if it still ends in the same deadlock.
 */
import { apply, deadlocks, initialState, LockView, step, type Deadlock, type Event, type State, type Waiting } from './machine.js';
import type { Compiled } from './program.js';

/** A replayed schedule: the moves (task order) and what each did. */
export interface Replayed {
  tasks: number[];
  /** events[0]: what the tasks did before their first scheduling point; events[i + 1]: move i. */
  events: Event[][];
  footprints: number[][];
  state: State;
  waiting: Waiting[];
}

/** Runs moves from the initial state; undefined when some task cannot make its move. */
export function replayMoves(c: Compiled, tasks: readonly number[]): Replayed | undefined {
  const init = initialState(c);
  let s = init.state;
  const events: Event[][] = [init.events];
  const footprints: number[][] = [];
  for (const t of tasks) {
    const r = step(c, new LockView(c, s), t);
    if (!r.transition) return undefined;
    const a = apply(c, s, t);
    footprints.push(r.transition.footprint);
    events.push(a.events);
    s = a.state;
  }
  const view = new LockView(c, s);
  const waiting: Waiting[] = [];
  for (let t = 0; t < c.programs.length; t++) {
    const w = step(c, view, t).waiting;
    if (w) waiting.push(w);
  }
  return { tasks: [...tasks], events, footprints, state: s, waiting };
}

function sameDeadlock(a: Deadlock, b: Deadlock): boolean {
  const key = (d: Deadlock) =>
    d.waits
      .map((w) => `${w.task}:${w.inst}`)
      .sort()
      .join(',');
  return key(a) === key(b);
}

/** The deadlock of `d`'s tasks and objects in the final state of a replay, if it is there. */
function findIn(c: Compiled, r: Replayed, d: Deadlock): Deadlock | undefined {
  return deadlocks(c, r.state, r.waiting).find((x) => sameDeadlock(x, d));
}

/**
 * Makes a found schedule short and readable; returns the replay of the result (always one that
 * ends in deadlock `d`).
 */
export function simplify(c: Compiled, moves: readonly number[], d: Deadlock): { replayed: Replayed; deadlock: Deadlock } {
  const ok = (seq: readonly number[]) => {
    const r = replayMoves(c, seq);
    const x = r && findIn(c, r, d);
    return r && x ? { r, x } : undefined;
  };
  let best = ok(moves);
  if (!best) throw new Error('internal: the deadlocked path does not replay');
  let seq = [...moves];
  const inCycle = new Set(d.tasks);

  // Step 1: tasks outside the circle, dropped whole when the deadlock survives without them.
  for (let u = 0; u < c.programs.length; u++) {
    if (inCycle.has(u) || !seq.includes(u)) continue;
    const cand = seq.filter((t) => t !== u);
    const r = ok(cand);
    if (r) [seq, best] = [cand, r];
  }
  // Step 2: the rest cut to the shortest prefix that still works; queueing moves of the circle's
  // own tasks at the very end are dropped too (the final state shows them waiting anyway).
  for (let u = 0; u < c.programs.length; u++) {
    if (!seq.includes(u)) continue;
    for (;;) {
      const last = seq.lastIndexOf(u);
      if (last < 0) break;
      if (inCycle.has(u)) {
        const ev = best.r.events[last + 1]!;
        if (!(ev.length === 1 && ev[0]!.kind === 'wait')) break;
      }
      const cand = [...seq.slice(0, last), ...seq.slice(last + 1)];
      const r = ok(cand);
      if (!r) break;
      [seq, best] = [cand, r];
    }
  }
  // Step 3: reorder (each task as long as it can run, then the lowest-numbered task that can).
  const re = ok(canonicalOrder(seq, best.r.footprints));
  if (re) best = re;
  return { replayed: best.r, deadlock: best.x };
}

/** A linearisation of the moves' dependency order that switches tasks as rarely as it can. */
export function canonicalOrder(seq: readonly number[], footprints: readonly number[][]): number[] {
  const n = seq.length;
  const preds: number[][] = seq.map(() => []);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < j; i++) {
      if (seq[i] === seq[j] || footprints[i]!.some((x) => footprints[j]!.includes(x))) preds[j]!.push(i);
    }
  }
  const placed = new Array<boolean>(n).fill(false);
  const ready = (j: number) => !placed[j] && preds[j]!.every((i) => placed[i]);
  const out: number[] = [];
  let current = -1;
  while (out.length < n) {
    let pick = -1;
    // The current task's next move, if it is ready.
    if (current >= 0) {
      const j = seq.findIndex((t, k) => t === current && !placed[k]);
      if (j >= 0 && ready(j)) pick = j;
    }
    if (pick < 0) {
      for (let j = 0; j < n; j++) {
        if (ready(j) && (pick < 0 || seq[j]! < seq[pick]!)) {
          // The first unplaced move of a task is the only one of it that can be ready.
          pick = j;
        }
      }
    }
    placed[pick] = true;
    out.push(seq[pick]!);
    current = seq[pick]!;
  }
  return out;
}
