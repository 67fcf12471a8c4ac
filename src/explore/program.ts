/**
 * A scenario as the explorer runs it: each task a program over lock *instances* (`X@1`), not
 * classes. Lockdep's bookkeeping (subclasses, ips, irq usage, check = 0) is gone; what is left is
 * what decides whether a task can go on: which object it takes, in which mode, and what a failed
 * trylock does. Interrupt handlers (`hardirq:`/`softirq:`) run inline on the interrupted task, as
 * if on its CPU: the task cannot continue (or release anything) until its handler returns.
 */
import type { LockClassDecl, LockRef, Scenario, Step, TaskDef } from '../model/scenario.js';

/** How an acquisition blocks: 0 exclusive, 1 shared but queued behind writers, 2 shared recursive. */
export type Mode = 0 | 1 | 2;

/** What a failed trylock does (AcquireStep.onFail, default `give-up`). */
export type OnFail = 'give-up' | 'restart' | 'retry';

/** One lock object of the scenario. */
export interface Instance {
  /** Index into Program.instances. */
  id: number;
  ref: LockRef;
  decl: LockClassDecl;
  /** Tasks that touch it. With one task it can only ever block on itself (never a scheduling point). */
  tasks: number[];
  /** Some task takes it in mode 1: a waiting writer must queue so that those readers wait behind it. */
  queues: boolean;
  /** A seqcount: its writers never wait for readers (readers retry instead). */
  writerIgnoresReaders: boolean;
}

/**
 * Does a lock held in mode `held` make a request in mode `req` wait? Writers exclude everyone,
 * readers exclude writers; except that a seqcount writer does not wait for readers.
 */
export function conflicts(inst: Instance, req: Mode, held: Mode): boolean {
  if (held === 0) return true;
  return req === 0 && !inst.writerIgnoresReaders;
}

export type Op =
  | {
      kind: 'acquire';
      inst: number;
      mode: Mode;
      trylock: boolean;
      onFail: OnFail;
      /** give-up: index (in the round) to continue at, just after the matching unlock. */
      skipTo: number;
    }
  | { kind: 'release'; inst: number }
  | { kind: 'downgrade'; inst: number }
  | { kind: 'irq-enter' }
  | { kind: 'irq-exit' }
  /** Steps that change nothing another task can see (irq flags, set_subclass, free, sysexit). */
  | { kind: 'nop' };

/** One task: `ops[i]` is TaskDef.steps[i]; the ops run `repeat` rounds. */
export interface Program {
  task: number;
  def: TaskDef;
  ops: Op[];
  /** Interrupt-handler depth before each op (0 = process context). */
  depth: number[];
  repeat: number;
  /** ops.length * repeat: the task is done at this pc. */
  total: number;
}

export interface Compiled {
  scenario: Scenario;
  instances: Instance[];
  programs: Program[];
}

function refKey(r: LockRef): string {
  return `${r.lock}@${r.instance}`;
}

/**
 * The blocking mode of an acquisition. rwlock_t readers (qrwlock) only skip the writer queue in
 * interrupt context (`in_interrupt()`: a handler or a BH-disabled section); elsewhere they queue
 * like down_read().
 */
function modeOf(s: Extract<Step, { op: 'acquire' }>, inInterrupt: boolean): Mode {
  if (s.read === 0) return 0;
  if (s.qrwlockRead) return inInterrupt ? 2 : 1;
  return s.read;
}

/** Compiles a scenario's tasks into programs over lock instances. */
export function compile(scenario: Scenario): Compiled {
  const decls = new Map(scenario.classes.map((c) => [c.id, c]));
  const instances: Instance[] = [];
  const byKey = new Map<string, Instance>();
  const instanceOf = (r: LockRef, task: number): number => {
    const k = refKey(r);
    let inst = byKey.get(k);
    if (!inst) {
      const decl = decls.get(r.lock) ?? { id: r.lock, name: r.lock, kind: 'mutex', novalidate: false, span: scenario.span };
      inst = { id: instances.length, ref: { lock: r.lock, instance: r.instance }, decl, tasks: [], queues: false, writerIgnoresReaders: decl.kind === 'seqcount' };
      instances.push(inst);
      byKey.set(k, inst);
    }
    if (!inst.tasks.includes(task)) inst.tasks.push(task);
    return inst.id;
  };

  const programs = scenario.tasks.map((def, task): Program => {
    const ops: Op[] = [];
    const depth: number[] = [];
    let irq = 0;
    let bh = 0;
    for (const s of def.steps) {
      depth.push(irq);
      switch (s.op) {
        case 'acquire': {
          const inst = instanceOf(s.ref, task);
          const mode = modeOf(s, irq > 0 || bh > 0);
          ops.push({
            kind: 'acquire',
            inst,
            mode,
            // kernfs_get_active() only ever trylocks the active reference.
            trylock: s.trylock || (instances[inst]!.decl.kind === 'kernfs_active' && mode !== 0),
            onFail: s.onFail ?? 'give-up',
            skipTo: 0,
          });
          break;
        }
        case 'release':
          ops.push({ kind: 'release', inst: instanceOf(s.ref, task) });
          break;
        case 'downgrade':
          ops.push({ kind: 'downgrade', inst: instanceOf(s.ref, task) });
          break;
        case 'irq-enter':
          ops.push({ kind: 'irq-enter' });
          irq++;
          break;
        case 'irq-exit':
          ops.push({ kind: 'irq-exit' });
          irq = Math.max(0, irq - 1);
          break;
        case 'bhoff':
          bh++;
          ops.push({ kind: 'nop' });
          break;
        case 'bhon':
          bh = Math.max(0, bh - 1);
          ops.push({ kind: 'nop' });
          break;
        default:
          ops.push({ kind: 'nop' });
      }
    }
    // give-up: continue after the first later unlock of the same object (or right after the trylock).
    ops.forEach((op, i) => {
      if (op.kind !== 'acquire') return;
      const j = ops.findIndex((o, k) => k > i && o.kind === 'release' && o.inst === op.inst);
      op.skipTo = j < 0 ? i + 1 : j + 1;
    });
    const repeat = Math.max(1, def.repeat ?? 1);
    return { task, def, ops, depth, repeat, total: ops.length * repeat };
  });

  for (const p of programs) {
    for (const op of p.ops) if (op.kind === 'acquire' && op.mode === 1) instances[op.inst]!.queues = true;
  }
  return { scenario, instances, programs };
}

/** Is the instance touched by more than one task (only those are scheduling points)? */
export function isShared(c: Compiled, inst: number): boolean {
  return c.instances[inst]!.tasks.length > 1;
}
