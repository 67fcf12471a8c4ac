/**
 * One task of a plan under construction: its steps, and the IRQ/BH state and usage bits they
 * produce, simulated the way mark_usage() sets bits so the planner knows which bits still need a
 * usage task. IRQs and BH are disabled as classes need it and never re-enabled while locks are
 * held (lockdep would mark the held locks with ENABLED bits the report does not show).
 */
import { HARDIRQ_ON_W, IN_HARDIRQ_W, IN_SOFTIRQ_W, SOFTIRQ_ON_W } from './classes.js';
import { refOf, type Acq, type ClassInfo, type Ctx, type PlanStep } from './model.js';

/** What a task builder asks the planner. */
export interface PlannerView {
  checked(cls: ClassInfo): boolean;
  envOf(cls: ClassInfo, read: boolean): { irq: boolean; bh: boolean };
  opFor(a: Acq): 'lock' | 'read' | 'trylock' | 'read_trylock' | 'recursive_read';
  produce(cls: ClassInfo, bits: number): void;
}

export class TaskBuilder {
  readonly steps: PlanStep[] = [];
  private cur: PlanStep[] = this.steps;
  irqOn = true;
  bhOn = true;
  ctx: Ctx = 'process';
  private saved: { irqOn: boolean; bhOn: boolean; cur: PlanStep[] } | undefined;
  readonly held: Acq[] = [];

  constructor(private readonly planner: PlannerView) {}

  push(s: PlanStep): void {
    this.cur.push(s);
  }

  enter(ctx: 'hardirq' | 'softirq', comment?: string): void {
    const block: PlanStep = comment ? { op: ctx, steps: [], comment } : { op: ctx, steps: [] };
    this.cur.push(block);
    this.saved = { irqOn: this.irqOn, bhOn: this.bhOn, cur: this.cur };
    this.cur = (block as { steps: PlanStep[] }).steps;
    this.ctx = ctx;
    if (ctx === 'hardirq') this.irqOn = false;
    else {
      this.irqOn = true;
      this.bhOn = false;
    }
  }

  exit(): void {
    if (!this.saved) return;
    this.cur = this.saved.cur;
    this.irqOn = this.saved.irqOn;
    this.bhOn = this.saved.bhOn;
    this.saved = undefined;
    this.ctx = 'process';
  }

  /**
   * Where a class allows IRQs on but not BH, disable IRQs instead of BH (the report's own state
   * shows BH enabled; a disabled BH would also make read_lock() recursive).
   */
  preferIrqOff = false;

  /** Disables IRQs / BH as far as the acquisition's class needs (never enables). */
  lower(env: { irq: boolean; bh: boolean }): void {
    if (this.preferIrqOff && env.irq && !env.bh && this.bhOn) env = { irq: false, bh: false };
    if (!env.irq && this.irqOn) {
      this.push({ op: 'irq', on: false });
      this.irqOn = false;
    }
    if (!env.bh && this.bhOn && this.irqOn) {
      this.push({ op: 'bh', on: false });
      this.bhOn = false;
    }
  }

  acquire(a: Acq, opts: { lower?: boolean } = {}): void {
    const checked = this.planner.checked(a.cls);
    if (checked && opts.lower !== false) this.lower(this.planner.envOf(a.cls, a.read));
    const op = this.planner.opFor(a);
    const s: PlanStep = { op, ref: refOf(a) };
    if (a.subclass) s.subclass = a.subclass;
    if (a.ip) s.ip = a.ip;
    if (a.nest) s.nest = a.nest;
    if (a.comment) s.comment = a.comment;
    this.push(s);
    this.held.push(a);
    if (checked && !a.noBits) this.planner.produce(a.cls, this.bitsNow(a));
  }

  /** The usage bits an acquisition sets right now (mark_usage()). */
  bitsNow(a: { read: boolean; trylock?: boolean }): number {
    const r = a.read ? 1 : 0;
    let m = 0;
    if (!a.trylock && this.ctx === 'hardirq') m |= 1 << (IN_HARDIRQ_W + r);
    if (!a.trylock && this.ctx === 'softirq') m |= 1 << (IN_SOFTIRQ_W + r);
    if (this.irqOn) {
      m |= 1 << (HARDIRQ_ON_W + r);
      if (this.bhOn) m |= 1 << (SOFTIRQ_ON_W + r);
    }
    return m;
  }

  release(a: Acq): void {
    this.push({ op: 'unlock', ref: refOf(a) });
    const i = this.held.lastIndexOf(a);
    if (i >= 0) this.held.splice(i, 1);
  }

  releaseAll(): void {
    for (let i = this.held.length - 1; i >= 0; i--) this.release(this.held[i]!);
  }
}
