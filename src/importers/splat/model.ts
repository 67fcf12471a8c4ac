/**
 * The importer's plan of a scenario (what emit.ts writes as YAML) and the per-class facts the
 * planner keeps while building it.
 */
import type { Frame } from '../../model/frame.js';
import type { LockKind, WaitTypes } from '../../model/lock-kind.js';
import type { ArchGuess } from './arch.js';

// ---------------------------------------------------------------------------------------------
// Plan data (emit.ts turns it into YAML)

export interface PlanClass {
  id: string;
  name: string;
  kind: LockKind;
  version?: number;
  novalidate?: boolean;
  wait?: WaitTypes;
  comments: string[];
}

export type PlanStep =
  | { op: 'lock' | 'read' | 'trylock' | 'read_trylock' | 'recursive_read'; ref: string; subclass?: number; ip?: Frame; nest?: string; comment?: string }
  | { op: 'unlock'; ref: string; ip?: Frame; comment?: string }
  | { op: 'irq' | 'bh'; on: boolean; comment?: string }
  | { op: 'hardirq' | 'softirq'; steps: PlanStep[]; comment?: string }
  | { op: 'free'; ref: string; comment?: string }
  | { op: 'return_to_user'; comment?: string };

export interface PlanTask {
  name: string;
  pid?: number;
  cpu?: number;
  stack: Frame[];
  steps: PlanStep[];
  comments: string[];
}

export interface Plan {
  header: string[];
  kernel: string;
  kernelComment?: string;
  taint?: string;
  hardware?: string;
  /** Set when the report was not printed by x86-64, with what told. */
  arch?: ArchGuess;
  proveRawLockNesting?: boolean;
  /** CONFIG_DEBUG_LOCKDEP: the class headers print `ops: N`. */
  debugLockdep?: boolean;
  kernelFrames: { key: string; frames: Frame[]; comment?: string }[];
  classes: PlanClass[];
  tasks: PlanTask[];
  /** Also printed on stderr by the CLI. */
  warnings: string[];
}


// ---------------------------------------------------------------------------------------------
// Classes

export type Ctx = 'process' | 'hardirq' | 'softirq';

export interface ClassInfo {
  decl: PlanClass;
  name: string;
  version: number;
  /** Union of the printed usage (irq bits), undefined when never printed with usage. */
  printedMask?: number;
  usageText?: string;
  reclaim: boolean;
  wait?: { outer: number; inner: number };
  reads: boolean;
  writes: boolean;
  /** The locking primitives at the top of the class's printed stacks. */
  primitives: { kind: LockKind; symbol: string }[];
  /** Bits the reporting operation itself sets: never set before it. */
  exclude: number;
  /** Bits the plan has set so far (simulated). */
  produced: number;
  /** Usage bits with the stacks they were printed with. */
  traced: { bits: number; read: boolean; initial: boolean; stack: Frame[] }[];
  /** Addresses seen → instance number. */
  instances: Map<string, number>;
  nextInstance: number;
  /** Some printed `at:` of the class (plausible ip for acquisitions the report does not show). */
  someIp?: Frame;
  /** An acquisition stack seen for the class (for usage tasks whose stack was not printed). */
  someStack?: Frame[];
  inChain: boolean;
  held: boolean;
}

export const PLACEHOLDER: Frame = { symbol: 'stack_not_in_report', offset: 0, size: 0 };

export const has = (mask: number, bit: number) => (mask & (1 << bit)) !== 0;

// ---------------------------------------------------------------------------------------------
// Acquisitions

export interface Acq {
  cls: ClassInfo;
  subclass: number;
  instance: number;
  read: boolean;
  ip?: Frame;
  trylock?: boolean;
  nest?: string;
  comment?: string;
  /** read = 2 (recursive_read:). */
  recursive?: boolean;
  /** The reporting acquisition whose report comes before (or instead of) its usage marking. */
  noBits?: boolean;
}

export function refOf(a: { cls: ClassInfo; instance: number }): string {
  return a.instance === 0 ? a.cls.decl.id : `${a.cls.decl.id}@${a.instance}`;
}
