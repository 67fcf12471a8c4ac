import type { Frame } from '../model/frame.js';
import type { IrqStateDesc, IrqTraceDesc, TaskDesc } from '../model/findings.js';
import type { TaskDef } from '../model/scenario.js';
import type { ChainNode } from './chain-cache.js';
import type { HeldLock } from './held-lock.js';

export interface IrqEvent {
  event: number;
  ip?: Frame;
}

/** A task's lockdep state (the lockdep fields of task_struct plus the irq tracing state). */
export class TaskState {
  readonly def: TaskDef;
  readonly desc: TaskDesc;
  /** `comm/pid` */
  readonly label: string;
  readonly held: HeldLock[] = [];
  /** curr_chain_key */
  chain: ChainNode;
  hardirqsEnabled = true;
  /** softirqs_enabled: false while BH is disabled or a softirq handler runs. */
  softirqsEnabled = true;
  /** Interrupt handlers currently running on top of the task, innermost last. */
  readonly contexts: ('hardirq' | 'softirq')[] = [];
  private readonly saved: { hardirqsEnabled: boolean; softirqsEnabled: boolean }[] = [];
  /** preempt_count softirq part from local_bh_disable (SOFTIRQ_DISABLE_OFFSET units of 2). */
  bhCount = 0;
  /** Index of the next step to run. */
  pc = 0;
  /** irq event stamps (the `irq event stamp` block). */
  stamp = 0;
  hardirqsOnEvent: IrqEvent = { event: 0 };
  hardirqsOffEvent: IrqEvent = { event: 0 };
  softirqsOnEvent: IrqEvent;
  softirqsOffEvent: IrqEvent = { event: 0 };

  /** Index of the task in the scenario. */
  readonly index: number;
  /** In a hardirq / softirq handler (kept in step with `contexts` by enterIrq/exitIrq). */
  inHardirq = false;
  inSoftirq = false;
  /** task_irq_context(): bit1 hardirq handler, bit0 softirq handler. */
  irqContext = 0;

  constructor(def: TaskDef, root: ChainNode, index = 0) {
    this.index = index;
    this.def = def;
    this.desc = { comm: def.name, pid: def.pid, cpu: def.cpu };
    this.label = `${def.name}/${def.pid}`;
    this.chain = root;
    // A kthread starts with softirqs enabled by copy_process (what the oracle kernel prints).
    this.softirqsOnEvent = { event: 0, ip: { symbol: 'copy_process', offset: 0x6a1, size: 0x14d2 } };
  }

  get inInterrupt(): boolean {
    return this.contexts.length > 0 || this.bhCount > 0;
  }

  /** All steps, `repeat` times over. */
  get done(): boolean {
    return this.pc >= this.def.steps.length * (this.def.repeat ?? 1);
  }

  /** The step at the current position. */
  get current() {
    return this.def.steps[this.pc % this.def.steps.length]!;
  }

  enterIrq(ctx: 'hardirq' | 'softirq'): void {
    this.saved.push({ hardirqsEnabled: this.hardirqsEnabled, softirqsEnabled: this.softirqsEnabled });
    this.contexts.push(ctx);
    this.syncContext();
    if (ctx === 'hardirq') this.hardirqsEnabled = false;
    else {
      this.softirqsEnabled = false;
      this.hardirqsEnabled = true;
    }
  }

  private syncContext(): void {
    this.inHardirq = this.contexts.includes('hardirq');
    this.inSoftirq = this.contexts.includes('softirq');
    this.irqContext = (this.inHardirq ? 2 : 0) | (this.inSoftirq ? 1 : 0);
  }

  exitIrq(): void {
    this.contexts.pop();
    this.syncContext();
    const s = this.saved.pop();
    if (s) {
      this.hardirqsEnabled = s.hardirqsEnabled;
      this.softirqsEnabled = s.softirqsEnabled;
    }
  }

  irqStateDesc(): IrqStateDesc {
    const hardirqs = this.contexts.filter((c) => c === 'hardirq').length;
    const softirqs = this.contexts.filter((c) => c === 'softirq').length;
    return {
      hardirqContext: hardirqs > 0 ? 1 : 0,
      hardirqCount: hardirqs,
      softirqContext: softirqs > 0 ? 1 : 0,
      softirqCount: this.bhCount + softirqs,
      hardirqsEnabled: this.hardirqsEnabled ? 1 : 0,
      softirqsEnabled: this.softirqsEnabled ? 1 : 0,
    };
  }

  irqTraceDesc(): IrqTraceDesc {
    const ev = (e: IrqEvent) => (e.ip ? { event: e.event, ip: e.ip } : { event: e.event });
    return {
      stamp: this.stamp,
      hardirqsEnabled: ev(this.hardirqsOnEvent),
      hardirqsDisabled: ev(this.hardirqsOffEvent),
      softirqsEnabled: ev(this.softirqsOnEvent),
      softirqsDisabled: ev(this.softirqsOffEvent),
    };
  }
}
