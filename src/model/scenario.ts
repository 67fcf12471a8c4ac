import type { Frame } from './frame.js';
import type { KernelConfig } from './kernel.js';
import type { LockKind, WaitTypes } from './lock-kind.js';
import type { SourceSpan } from './span.js';

/**
 * A scenario after parsing: every input format (YAML, case scripts, JSON lines, imports) produces
 * this. Tasks are flat lists of steps; function calls have already been expanded, so each step
 * carries the full stack (innermost frame first, as the kernel prints it).
 */
export interface Scenario {
  /** The file it came from (used in spans and in reports). */
  file: string;
  /** Version string printed in report headers, e.g. `5.1.0-rc7+ #13`. */
  kernel: string;
  /** Free text describing the scenario. */
  description?: string;
  /** Kernel build options (defaults: all off, raw-lock nesting per version). */
  config?: Partial<KernelConfig>;
  /** `print_tainted()` text, e.g. `Not tainted` or `Tainted: G           O     `. Default `Not tainted`. */
  taint?: string;
  /** `Hardware name:` line of dump_stack (omitted when absent). */
  hardware?: string;
  /** The architecture whose dump_stack() the reports imitate (`Call Trace:` shapes). Default `x86_64`. */
  arch?: 'x86_64' | 'arm64' | 'arm' | 's390' | 'ppc64';
  /**
   * Build-specific lockdep-internal frames, overriding the era defaults the reporter uses:
   * keys like `lock_acquire` (frames above the caller in the `#0` entry) or a finding kind
   * (`circular`, `recursive`, ...: the first frames of `stack backtrace:`), innermost first.
   */
  kernelFrames?: Record<string, Frame[]>;
  classes: LockClassDecl[];
  tasks: TaskDef[];
  /** Optional interleaving; without it tasks run one after another in order. */
  schedule?: ScheduleSlice[];
  span: SourceSpan;
}

/** A lock class key (all instances initialised at one site), as declared in the scenario. */
export interface LockClassDecl {
  /** Identifier used by steps (unique in the scenario). */
  id: string;
  /** The map name lockdep prints, e.g. `kn->count` (without `#N` or `/subclass`). */
  name: string;
  kind: LockKind;
  /** Pinned name_version: printed as `name#N` when > 1. Without it lockdep's own numbering applies. */
  version?: number;
  /** lockdep_set_novalidate_class(): every acquisition is check = 0, usage prints `{....}`. */
  novalidate: boolean;
  /** Explicit wait types (override the kind's). */
  wait?: WaitTypes;
  span: SourceSpan;
}

/** One lock object: instance `instance` of class `lock` (`X@2` in scenarios; `X` = `X@0`). */
export interface LockRef {
  lock: string;
  instance: number;
}

export interface TaskDef {
  /** comm, e.g. `daxctl`. */
  name: string;
  pid: number;
  cpu: number;
  steps: Step[];
  /** How many times the task runs its steps (explorer; the validator replays them this often). Default 1. */
  repeat?: number;
  span: SourceSpan;
}

/** Run `steps` steps of task `task` (index into Scenario.tasks); repeated until all tasks end. */
export interface ScheduleSlice {
  task: number;
  steps: number;
  span: SourceSpan;
}

interface StepBase {
  span: SourceSpan;
  /** Stack at this step, innermost first (the caller of lock_acquire first). */
  stack: Frame[];
  /** Call-path labels for humans (outermost first), e.g. ["remove_memory", "try_remove_memory"]. */
  path?: string[];
}

export interface AcquireStep extends StepBase {
  op: 'acquire';
  ref: LockRef;
  /** lock_acquire read argument: 0 exclusive, 1 shared non-recursive, 2 shared recursive. */
  read: 0 | 1 | 2;
  /** rwlock_t read_lock(): the validator resolves read = 2 in 5.1 or in interrupt, else 1. */
  qrwlockRead?: boolean;
  trylock: boolean;
  subclass: number;
  nest?: LockRef;
  /** check = 0 (not validated) when false. */
  check: boolean;
  /** acquire_ip printed after `at:`. */
  ip: Frame;
  /**
   * What a trylock does when it fails (only the interleaving explorer can see failures: lockdep
   * never does): `give-up` continues without the lock (the task skips to the matching unlock),
   * `restart` releases everything the task holds and starts it over (a syscall restart, as
   * lock_device_hotplug_sysfs() does), `retry` tries again later. Default `give-up`.
   */
  onFail?: 'give-up' | 'restart' | 'retry';
}

export interface ReleaseStep extends StepBase {
  op: 'release';
  ref: LockRef;
  ip: Frame;
}

/** lock_downgrade(): write → read (downgrade_write). */
export interface DowngradeStep extends StepBase {
  op: 'downgrade';
  ref: LockRef;
  ip: Frame;
}

/** lock_set_subclass(). */
export interface SetSubclassStep extends StepBase {
  op: 'setsub';
  ref: LockRef;
  subclass: number;
  ip: Frame;
}

/**
 * local_irq_disable/enable, local_bh_disable/enable. `bhon` is the kernel function local_bh_enable(),
 * which also turns irqs off and on around lockdep's softirq hook (and so leaves irqs enabled).
 */
export interface IrqStateStep extends StepBase {
  op: 'irqoff' | 'irqon' | 'bhoff' | 'bhon';
  ip: Frame;
  /**
   * Only lockdep's own hook ran (lockdep_hardirqs_on/off, lockdep_softirqs_on/off): an observed state
   * change, as a trace shows it, rather than the local_irq_*()/local_bh_*() functions.
   */
  hook?: boolean;
}

/** Start running an interrupt handler on top of the task (its held locks stay underneath). */
export interface IrqEnterStep extends StepBase {
  op: 'irq-enter';
  context: 'hardirq' | 'softirq';
}

/** Handler returns: locks it still holds are released. */
export interface IrqExitStep extends StepBase {
  op: 'irq-exit';
}

/** kfree() of the memory holding the lock's map (debug_check_no_locks_freed). */
export interface FreeStep extends StepBase {
  op: 'free';
  ref: LockRef;
}

/** Return to user space (lockdep_sys_exit): any held lock is reported. */
export interface SysExitStep extends StepBase {
  op: 'sysexit';
}

export type Step =
  | AcquireStep
  | ReleaseStep
  | DowngradeStep
  | SetSubclassStep
  | IrqStateStep
  | IrqEnterStep
  | IrqExitStep
  | FreeStep
  | SysExitStep;
