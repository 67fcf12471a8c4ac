/**
 * Exhaustive search of a scenario's interleavings: depth-first over the state graph, with a
 * visited set and sleep sets (Godefroid's partial-order reduction, "sleep sets with state
 * caching"). Two transitions of different tasks whose footprints (shared lock objects touched)
 * are disjoint commute, so after exploring t from a state, the other branches put t to sleep and
 * do not run it again until something dependent on it has happened. Sleep sets prune redundant
 * interleavings (edges) but never states: every reachable state is visited, so a property checked
 * on each state (a wait-for cycle) is found if it is reachable at all.
 *
 *     explore(s, Z):                       Z = sleep set
 *       if s was visited with sleep set H: explore only (H \ Z); H := H ∩ Z
 *       else: H := Z; check s; explore enabled(s) \ Z
 *       for each explored t, in order:  explore(s·t, {z ∈ Z ∪ done : z independent of t at s})
 *
 * Deterministic: tasks are tried least-advanced first, ties broken by index or, with a seed, by
 * a seeded PRNG.
 * Budgets: a number of distinct states (deterministic) and an optional deadline (wall clock,
 * supplied by the caller: this module never reads the clock).
 */
import { apply, initialState, LockView, stateKey, step, type Event, type State, type Transition, type Waiting } from './machine.js';
import type { Compiled } from './program.js';

export interface SearchOptions {
  /** Stop after this many distinct states (the search is then incomplete). */
  maxStates: number;
  /** Tasks are tried least-advanced first; ties go by index (0) or by a PRNG with this seed. */
  seed: number;
  /** Checked every 256 states; true stops the search (incomplete, `stoppedBy: 'time'`). */
  deadline?: () => boolean;
}

/** One move of a path: the task that moved and what it did. */
export interface Move {
  task: number;
  footprint: number[];
  events: Event[];
}

export interface SearchStats {
  /** Distinct states visited. */
  states: number;
  /** Transitions executed (edges of the state graph walked). */
  transitions: number;
  /** Longest path (in moves) from the initial state. */
  maxDepth: number;
  /** Every reachable state was visited. */
  complete: boolean;
  stoppedBy?: 'states' | 'time' | 'goal';
  /** Incomplete only: branches still open on the search stack when it stopped. */
  pending?: number;
}

/** What the visitor sees at each new state. */
export interface Visit {
  state: State;
  view: LockView;
  waiting: Waiting[];
  /** The moves from the initial state (built on demand: it costs the path length). */
  path(): Move[];
}

/** Return `true` from the visitor to stop the search (its goal is reached). */
export type Visitor = (v: Visit) => boolean | void;

/** mulberry32: small, fast, good enough to order branches. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Frame {
  state: State;
  /** The transition of each task at this state (undefined: it cannot move). */
  trans: (Transition | undefined)[];
  sleep: number;
  todo: number[];
  next: number;
  done: number;
  move: Move | undefined;
}

function bit(t: number): number {
  return t < 31 ? 1 << t : 0;
}

function disjoint(a: number[], b: number[]): boolean {
  for (const x of a) if (b.includes(x)) return false;
  return true;
}

/** Explores every interleaving of the compiled scenario (within the budget), calling `visit` on each new state. */
export function search(c: Compiled, opts: SearchOptions, visit: Visitor): SearchStats {
  const tasks = c.programs.length;
  // Sleep sets are bit masks; past 31 tasks the search runs without them (slower, still exhaustive).
  const useSleep = tasks <= 31;
  const rand = opts.seed ? prng(opts.seed) : undefined;
  const visited = new Map<string, number>();
  const stack: Frame[] = [];
  const stats: SearchStats = { states: 0, transitions: 0, maxDepth: 0, complete: false };
  let stop: SearchStats['stoppedBy'];

  const pathTo = (move: Move | undefined) => (): Move[] => {
    const out: Move[] = [];
    for (const f of stack) if (f.move) out.push(f.move);
    if (move) out.push(move);
    return out;
  };

  const enter = (state: State, sleep: number, move: Move | undefined): void => {
    const key = stateKey(state);
    const old = visited.get(key);
    const view = new LockView(c, state);
    const trans: (Transition | undefined)[] = [];
    const waiting: Waiting[] = [];
    for (let t = 0; t < tasks; t++) {
      const r = step(c, view, t);
      trans.push(r.transition);
      if (r.waiting) waiting.push(r.waiting);
    }
    let mask: number;
    if (old !== undefined) {
      if (!useSleep || (old & ~sleep) === 0) return;
      mask = old & ~sleep;
      visited.set(key, old & sleep);
    } else {
      if (stats.states >= opts.maxStates) {
        stop = 'states';
        return;
      }
      stats.states++;
      visited.set(key, useSleep ? sleep : 0);
      if (visit({ state, view, waiting, path: pathTo(move) })) {
        stop = 'goal';
        return;
      }
      if (opts.deadline && (stats.states & 255) === 0 && opts.deadline()) {
        stop = 'time';
        return;
      }
      mask = ~sleep;
    }
    const todo: number[] = [];
    for (let t = 0; t < tasks; t++) if (trans[t] && (!useSleep || mask & bit(t))) todo.push(t);
    // The task that is least far along goes first: interleavings where every task has made a
    // little progress (where circles of waiters form) come early, not after every task has run
    // to its end. Only the order changes, never what is explored.
    // A seed breaks the ties at random instead of by index.
    if (rand) {
      const tie = new Float64Array(tasks);
      for (const t of todo) tie[t] = rand();
      todo.sort((a, b) => state[a]!.pc - state[b]!.pc || tie[a]! - tie[b]!);
    } else todo.sort((a, b) => state[a]!.pc - state[b]!.pc || a - b);
    stack.push({ state, trans, sleep, todo, next: 0, done: 0, move });
    stats.maxDepth = Math.max(stats.maxDepth, stack.length - 1);
  };

  const init = initialState(c);
  enter(init.state, 0, init.events.length ? { task: -1, footprint: [], events: init.events } : undefined);
  while (stack.length && !stop) {
    const f = stack[stack.length - 1]!;
    if (f.next >= f.todo.length) {
      stack.pop();
      continue;
    }
    const t = f.todo[f.next++]!;
    const tr = f.trans[t]!;
    const r = apply(c, f.state, t);
    stats.transitions++;
    let sleep = 0;
    if (useSleep) {
      const candidates = f.sleep | f.done;
      for (let z = 0; z < tasks; z++) {
        if (!(candidates & bit(z))) continue;
        const zt = f.trans[z];
        if (zt && disjoint(zt.footprint, tr.footprint)) sleep |= bit(z);
      }
      f.done |= bit(t);
    }
    enter(r.state, sleep, { task: t, footprint: tr.footprint, events: r.events });
  }
  stats.complete = !stop && stack.length === 0;
  if (stop) {
    stats.stoppedBy = stop;
    if (stop !== 'goal') stats.pending = stack.reduce((n, f) => n + (f.todo.length - f.next), 0);
  }
  return stats;
}
