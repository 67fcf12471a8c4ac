/**
 * The blocking semantics the explorer runs tasks under (real locks, not lockdep's classes):
 *
 *   request      granted when the object has …                      otherwise
 *   mode 0 (W)   no holder at all                                    wait (a writer queues, see below)
 *   mode 1 (r)   no writer holding it and no writer queued on it     wait
 *   mode 2 (R)   no writer holding it                                wait
 *
 * mutexes and spinlocks only have W; rwsem readers are r, recursive readers (read = 2) R. A
 * kernfs active reference is an rwsem whose readers trylock (kernfs_get_active) and whose drain
 * is a writer waiting for the readers. A writer that finds the lock busy first *queues*
 * (a transition of its own), and from then on r readers wait behind it. A trylock never waits:
 * it fails when the same request would wait, then gives up, restarts or retries (OnFail); a
 * retrying task spins until the lock is free without queueing. A task may wait for itself.
 *
 * A state is the tasks' program counters, queued flags and held locks; the objects' states are
 * derived from them. Only operations on objects shared by several tasks are scheduling points:
 * everything else a task does runs at once, as part of the step before it.
 */
import { conflicts, isShared, type Compiled, type Mode, type OnFail } from './program.js';

/** One held lock of a task (bottom of the stack first). */
export interface Held {
  inst: number;
  mode: Mode;
  /** Interrupt-handler depth it was taken at (released when that handler returns). */
  depth: number;
}

export interface TaskState {
  /** Next op, counted over all rounds (round = floor(pc / ops.length)). */
  pc: number;
  /** Queued as a writer on the object of the acquire at pc. */
  queued: boolean;
  held: readonly Held[];
}

export type State = readonly TaskState[];

/** Something a transition did, in order: what the schedule table prints. */
export interface Event {
  task: number;
  /** Index into TaskDef.steps. */
  step: number;
  /** Round of `repeat` (0-based). */
  round: number;
  kind: 'acquire' | 'release' | 'downgrade' | 'wait' | 'trylock-failed';
  inst: number;
  mode: Mode;
  trylock: boolean;
  /** trylock-failed: what the task did about it. */
  onFail?: OnFail;
  /** The release happened because an interrupt handler returned. */
  irqExit?: boolean;
}

/** The one thing a task can do next (each task is sequential, so there is at most one). */
export interface Transition {
  task: number;
  /** Shared objects it touches: transitions of different tasks with disjoint footprints commute. */
  footprint: number[];
}

/** Per-object counts derived from a state. */
export class LockView {
  readonly writers: Int32Array;
  readonly readers: Int32Array;
  readonly queuedWriters: Int32Array;

  constructor(
    readonly c: Compiled,
    readonly s: State,
  ) {
    const n = c.instances.length;
    this.writers = new Int32Array(n);
    this.readers = new Int32Array(n);
    this.queuedWriters = new Int32Array(n);
    s.forEach((t, i) => {
      for (const h of t.held) (h.mode === 0 ? this.writers : this.readers)[h.inst]!++;
      if (t.queued) {
        const op = headOp(c, i, t);
        if (op?.kind === 'acquire') this.queuedWriters[op.inst]!++;
      }
    });
  }

  /** Would this request be granted now? */
  grantable(inst: number, mode: Mode): boolean {
    if (this.writers[inst]! > 0) return false;
    if (mode === 0) return this.readers[inst] === 0 || this.c.instances[inst]!.writerIgnoresReaders;
    if (mode === 1) return this.queuedWriters[inst] === 0;
    return true;
  }
}

export function headOp(c: Compiled, task: number, t: TaskState) {
  const p = c.programs[task]!;
  return t.pc < p.total ? p.ops[t.pc % p.ops.length]! : undefined;
}

export function isDone(c: Compiled, task: number, t: TaskState): boolean {
  return t.pc >= c.programs[task]!.total;
}

/** Why a task cannot move: it waits for an object (blocked, queued or spinning on a trylock). */
export interface Waiting {
  task: number;
  inst: number;
  mode: Mode;
  /** A writer that has queued (r readers wait behind it). */
  queued: boolean;
  /** A trylock with on_fail: retry, spinning. */
  spinning: boolean;
}

/**
 * The task's next transition, or why it has none. A writer that would wait but has not queued
 * yet has a transition (queueing) and is also reported as waiting.
 */
export function step(c: Compiled, v: LockView, task: number): { transition?: Transition; waiting?: Waiting } {
  const t = v.s[task]!;
  const op = headOp(c, task, t);
  if (!op) return {};
  const fp = (inst: number) => (isShared(c, inst) ? [inst] : []);
  switch (op.kind) {
    case 'acquire': {
      if (v.grantable(op.inst, op.mode)) return { transition: { task, footprint: fp(op.inst) } };
      const waiting: Waiting = { task, inst: op.inst, mode: op.mode, queued: t.queued, spinning: op.trylock };
      if (op.trylock) {
        if (op.onFail === 'retry') return { waiting };
        const released = op.onFail === 'restart' ? t.held.map((h) => h.inst).filter((i) => isShared(c, i)) : [];
        return { transition: { task, footprint: [...new Set([...fp(op.inst), ...released])] } };
      }
      if (op.mode === 0 && !t.queued && c.instances[op.inst]!.queues && isShared(c, op.inst)) {
        return { transition: { task, footprint: fp(op.inst) }, waiting };
      }
      return { waiting };
    }
    case 'release':
    case 'downgrade':
      return { transition: { task, footprint: fp(op.inst) } };
    case 'irq-exit': {
      const d = c.programs[task]!.depth[t.pc % c.programs[task]!.ops.length]!;
      return { transition: { task, footprint: t.held.filter((h) => h.depth >= d && isShared(c, h.inst)).map((h) => h.inst) } };
    }
    default:
      return { transition: { task, footprint: [] } };
  }
}

function withoutLast(held: readonly Held[], inst: number): Held[] {
  const out = [...held];
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]!.inst === inst) {
      out.splice(i, 1);
      break;
    }
  }
  return out;
}

/**
 * Runs one op of a task (the caller checked it can). `local` is true while running the private
 * tail of a transition: then an op that could block or touches a shared object stops the run.
 */
function runOp(c: Compiled, s: State, task: number, events: Event[], local: boolean): TaskState | undefined {
  const t = s[task]!;
  const p = c.programs[task]!;
  const len = p.ops.length;
  const idx = t.pc % len;
  const round = Math.floor(t.pc / len);
  const base = round * len;
  const op = p.ops[idx]!;
  const ev = (kind: Event['kind'], inst: number, mode: Mode, trylock = false): Event => ({ task, step: idx, round, kind, inst, mode, trylock });
  const touches = (inst: number) => isShared(c, inst);
  switch (op.kind) {
    case 'nop':
    case 'irq-enter':
      return { pc: t.pc + 1, queued: false, held: t.held };
    case 'irq-exit': {
      const d = p.depth[idx]!;
      const gone = t.held.filter((h) => h.depth >= d);
      if (local && gone.some((h) => touches(h.inst))) return undefined;
      for (const h of gone) events.push({ ...ev('release', h.inst, h.mode), irqExit: true });
      return { pc: t.pc + 1, queued: false, held: t.held.filter((h) => h.depth < d) };
    }
    case 'release': {
      if (local && touches(op.inst)) return undefined;
      const h = [...t.held].reverse().find((x) => x.inst === op.inst);
      events.push(ev('release', op.inst, h?.mode ?? 0));
      return { pc: t.pc + 1, queued: false, held: withoutLast(t.held, op.inst) };
    }
    case 'downgrade': {
      if (local && touches(op.inst)) return undefined;
      events.push(ev('downgrade', op.inst, 1));
      const held = t.held.map((h) => (h.inst === op.inst && h.mode === 0 ? { ...h, mode: 1 as Mode } : h));
      return { pc: t.pc + 1, queued: false, held };
    }
    case 'acquire': {
      if (local && touches(op.inst)) return undefined;
      const v = new LockView(c, s);
      if (v.grantable(op.inst, op.mode)) {
        events.push(ev('acquire', op.inst, op.mode, op.trylock));
        return { pc: t.pc + 1, queued: false, held: [...t.held, { inst: op.inst, mode: op.mode, depth: p.depth[idx]! }] };
      }
      if (op.trylock) {
        if (op.onFail === 'retry') return undefined;
        // A restart is always a scheduling point (run locally it could loop for ever).
        if (local && op.onFail === 'restart') return undefined;
        events.push({ ...ev('trylock-failed', op.inst, op.mode, true), onFail: op.onFail });
        if (op.onFail === 'restart') {
          for (const h of [...t.held].reverse()) events.push(ev('release', h.inst, h.mode));
          return { pc: base, queued: false, held: [] };
        }
        return { pc: base + op.skipTo, queued: false, held: t.held };
      }
      if (local) return undefined;
      // Not grantable and not a trylock: the only move is to queue (step() allowed it).
      events.push(ev('wait', op.inst, op.mode));
      return { pc: t.pc, queued: true, held: t.held };
    }
  }
}

function replace(s: State, task: number, t: TaskState): TaskState[] {
  const out = [...s];
  out[task] = t;
  return out;
}

/** Runs the task's private ops until its next scheduling point. */
function advance(c: Compiled, s: State, task: number, events: Event[]): State {
  let cur = s;
  for (;;) {
    const t = cur[task]!;
    if (isDone(c, task, t) || t.queued) return cur;
    const n = runOp(c, cur, task, events, true);
    if (!n) return cur;
    cur = replace(cur, task, n);
  }
}

/** The initial state: every task has run up to its first scheduling point. */
export function initialState(c: Compiled): { state: State; events: Event[] } {
  let s: State = c.programs.map(() => ({ pc: 0, queued: false, held: [] }));
  const events: Event[] = [];
  for (let i = 0; i < c.programs.length; i++) s = advance(c, s, i, events);
  return { state: s, events };
}

/** Runs a transition of `task` (step() must have returned one) and the private ops after it. */
export function apply(c: Compiled, s: State, task: number): { state: State; events: Event[] } {
  const events: Event[] = [];
  const n = runOp(c, s, task, events, false);
  if (!n) throw new Error(`internal: task ${task} cannot move`);
  return { state: advance(c, replace(s, task, n), task, events), events };
}

/**
 * A compact key of a state (for the visited set): one UTF-16 unit per number, built in one go so
 * that it is a flat string (hashing a concatenated one first flattens it, which dominated the
 * search). Units: pc * 2 + queued, then per held lock (inst * 3 + mode) * 2 + [in a handler] and
 * the handler depth if so, then a separator (0).
 */
export function stateKey(s: State): string {
  const units: number[] = [];
  const push = (n: number) => {
    // Numbers that do not fit one unit (huge programs) take an escape unit and two more.
    if (n < 0xfff0) units.push(n + 1);
    else units.push(0xfff2, (n >>> 15) & 0x7fff, n & 0x7fff);
  };
  for (const t of s) {
    push(t.pc * 2 + (t.queued ? 1 : 0));
    for (const h of t.held) {
      push((h.inst * 3 + h.mode) * 2 + (h.depth > 0 ? 1 : 0));
      if (h.depth > 0) push(h.depth);
    }
    units.push(0);
  }
  let k = '';
  for (let i = 0; i < units.length; i += 4096) k += String.fromCharCode(...units.slice(i, i + 4096));
  return k;
}

/** Who a waiting task waits for: conflicting holders, and writers queued ahead of an r reader. */
export function blockers(c: Compiled, s: State, w: Waiting): { holders: number[]; queued: number[] } {
  const holders: number[] = [];
  const queued: number[] = [];
  s.forEach((t, i) => {
    if (t.held.some((h) => h.inst === w.inst && conflicts(c.instances[w.inst]!, w.mode, h.mode))) holders.push(i);
    if (w.mode === 1 && i !== w.task && t.queued) {
      const op = headOp(c, i, t);
      if (op?.kind === 'acquire' && op.inst === w.inst) queued.push(i);
    }
  });
  return { holders, queued };
}

/** A set of tasks waiting for each other in a circle: none of them can ever move again. */
export interface Deadlock {
  /** Tasks in circle order: tasks[i] waits for something tasks[i + 1] holds (or is queued ahead of it). */
  tasks: number[];
  waits: Waiting[];
}

/**
 * Every elementary circle of the wait-for graph (task -> the tasks it waits for), each listed once,
 * starting at its smallest task. Tasks are few, so a plain search is enough.
 */
export function deadlocks(c: Compiled, s: State, waiting: Waiting[]): Deadlock[] {
  if (waiting.length === 0) return [];
  // Most states have no circle: peel off waiting tasks none of whose blockers still waits, and
  // only search what is left (this runs on every state, so it avoids allocating).
  const alive = new Uint8Array(s.length);
  for (const w of waiting) alive[w.task] = 1;
  const blockedByAlive = (w: Waiting): boolean => {
    for (let u = 0; u < s.length; u++) {
      if (!alive[u]) continue;
      const t = s[u]!;
      for (const h of t.held) if (h.inst === w.inst && conflicts(c.instances[w.inst]!, w.mode, h.mode)) return true;
      if (w.mode === 1 && u !== w.task && t.queued) {
        const op = headOp(c, u, t);
        if (op?.kind === 'acquire' && op.inst === w.inst) return true;
      }
    }
    return false;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const w of waiting) {
      if (alive[w.task] && !blockedByAlive(w)) {
        alive[w.task] = 0;
        changed = true;
      }
    }
  }
  waiting = waiting.filter((w) => alive[w.task]);
  if (waiting.length === 0) return [];
  const waitOf = new Map(waiting.map((w) => [w.task, w]));
  const next = new Map<number, number[]>();
  for (const w of waiting) {
    const b = blockers(c, s, w);
    next.set(w.task, [...new Set([...b.holders, ...b.queued])].filter((u) => waitOf.has(u)).sort((a, b2) => a - b2));
  }
  const out: Deadlock[] = [];
  const path: number[] = [];
  const on = new Set<number>();
  const dfs = (start: number, u: number) => {
    for (const v of next.get(u) ?? []) {
      if (v === start) {
        out.push({ tasks: [...path], waits: path.map((x) => waitOf.get(x)!) });
      } else if (v > start && !on.has(v)) {
        path.push(v);
        on.add(v);
        dfs(start, v);
        on.delete(v);
        path.pop();
      }
    }
  };
  for (const w of [...waiting].sort((a, b) => a.task - b.task)) {
    path.push(w.task);
    on.add(w.task);
    dfs(w.task, w.task);
    on.delete(w.task);
    path.pop();
    if (out.length > 64) break;
  }
  return out;
}
