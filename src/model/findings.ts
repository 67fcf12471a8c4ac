import type { Frame } from './frame.js';
import type { WaitTypes } from './lock-kind.js';
import type { SourceSpan } from './span.js';
import type { TimelineEvent } from './timeline.js';

/**
 * Findings are what lockdep would report, as plain data snapshots taken at the moment of the report
 * (usage strings change later, so they are captured here). Reporters turn them into text, JSON, SARIF.
 */

/** A lock class as printed: ` (name){usage}-{O:I}`. */
export interface ClassDesc {
  /** Printed class name including `#N` and `/subclass`. */
  name: string;
  /** Four usage characters (reference §3.2), e.g. `+.+.`. */
  usage: string;
  wait: WaitTypes;
}

/** A held_lock entry as printed by print_lock(): `<inst> (class){usage}-{O:I}, at: <ip>`. */
export interface HeldLockDesc {
  cls: ClassDesc;
  /** Address of the lockdep_map instance, 16 hex digits (the reporter reformats it per era). */
  instance: string;
  ip: Frame;
  read: 0 | 1 | 2;
  /** The map's own name (no `#N`, no subclass), as bad-unlock and Nested-lock reports print it. */
  mapName: string;
}

export interface TaskDesc {
  comm: string;
  pid: number;
  cpu: number;
}

/** Where the current acquisition runs, for ` <IRQ>`/` <SOFTIRQ>` markers in the backtrace. */
export type ExecContext = 'process' | 'hardirq' | 'softirq';

/** `[HC0[0]:SC0[0]:HE1:SE1]` */
export interface IrqStateDesc {
  hardirqContext: number;
  hardirqCount: number;
  softirqContext: number;
  softirqCount: number;
  hardirqsEnabled: number;
  softirqsEnabled: number;
}

/** One `-> #N (class){usage}:` entry of a circular report. */
export interface ChainEntryDesc {
  cls: ClassDesc;
  /** Stack stored with the dependency (or the current stack for `#0`, without lockdep's frames). */
  trace: Frame[];
  /** The `#0` entry: trace is the current stack and gets lockdep's own frames prepended. */
  current: boolean;
  /** The scenario step that first recorded this dependency (the kernel keeps only its trace). */
  recordedAt?: SourceSpan;
  /** `comm/pid` of the task that recorded it. */
  recordedBy?: string;
}

/** print_lock_class_header() plus `... acquired at:` (irq inversion / safe→unsafe path blocks). */
export interface ClassBlockDesc {
  cls: ClassDesc;
  /** BFS depth; the header is indented by this many spaces. */
  depth: number;
  /** acquisition counter (printed as ` ops: N` with CONFIG_DEBUG_LOCKDEP). */
  ops: number;
  /** One entry per set usage bit, in bit order: `IN-HARDIRQ-W`, …, `INITIAL USE`, `INITIAL READ USE`. */
  usageTraces: { usage: string; trace: Frame[] }[];
  /** Subkey address, 16 hex digits; `keySymbol` when the key is static (printed via %pS). */
  keyAddr: string;
  keySymbol?: string;
  /** `... acquired at:` trace; absent for the first block of the backwards printer. */
  acquiredAt?: Frame[];
  /** acquiredAt is the current stack (lockdep's frames get prepended). */
  acquiredAtCurrent?: boolean;
}

/** The `irq event stamp` block of an inconsistent-state report. */
export interface IrqTraceDesc {
  stamp: number;
  hardirqsEnabled: { event: number; ip?: Frame };
  hardirqsDisabled: { event: number; ip?: Frame };
  softirqsEnabled: { event: number; ip?: Frame };
  softirqsDisabled: { event: number; ip?: Frame };
}

interface FindingBase {
  /** Stable rule id, e.g. `lockdep/circular`. */
  ruleId: string;
  /** The step that triggered the report. */
  at: SourceSpan;
  task: TaskDesc;
  context: ExecContext;
  /** Held locks of the task at the report (bottom of stack first), not including the lock being acquired. */
  held: HeldLockDesc[];
  /** Current stack, innermost first, without lockdep-internal frames. */
  stack: Frame[];
  /** How many times this same problem was hit (deduplicated). */
  count: number;
}

export interface CircularFinding extends FindingBase {
  kind: 'circular';
  next: HeldLockDesc;
  prev: HeldLockDesc;
  /** Entries in printed order: `#d` (prev's class) down to `#0` (next's class). */
  chain: ChainEntryDesc[];
  /** Unsafe-scenario classes: source = next, target = prev, parent = class before prev on the path. */
  scenario: { source: string; parent: string; target: string };
}

export interface RecursiveFinding extends FindingBase {
  kind: 'recursive';
  next: HeldLockDesc;
  prev: HeldLockDesc;
}

export interface BadUnlockFinding extends FindingBase {
  kind: 'bad-unlock';
  mapName: string;
  ip: Frame;
}

export interface InconsistentFinding extends FindingBase {
  kind: 'inconsistent';
  /** e.g. `IN-HARDIRQ-W` */
  oldUsage: string;
  /** e.g. `HARDIRQ-ON-W` */
  newUsage: string;
  irqState: IrqStateDesc;
  lock: HeldLockDesc;
  /** Trace saved when the old usage bit was set. */
  registeredTrace: Frame[];
  irqTrace: IrqTraceDesc;
}

export interface IrqInversionFinding extends FindingBase {
  kind: 'irq-inversion';
  lock: HeldLockDesc;
  /** true: the lock just became irq-safe and took an unsafe lock in the past (forward search). */
  forwards: boolean;
  /** `HARDIRQ`, `SOFTIRQ`, `HARDIRQ-READ`, `SOFTIRQ-READ` */
  stateWord: string;
  other: ClassDesc;
  scenario: { safe: string; middle: string; unsafe: string };
  /** Blocks from the found lock (deepest) to the root (depth 0). */
  path: ClassBlockDesc[];
}

export interface IrqSafeUnsafeFinding extends FindingBase {
  kind: 'irq-safe-unsafe';
  stateWord: string;
  irqState: IrqStateDesc;
  next: HeldLockDesc;
  prev: HeldLockDesc;
  safe: ClassDesc;
  safeTrace: Frame[];
  unsafe: ClassDesc;
  unsafeTrace: Frame[];
  scenario: { safe: string; middle: string; unsafe: string };
  /** From the safe lock (deepest, no acquired-at) down to prev (depth 0). */
  backwards: ClassBlockDesc[];
  /** From the unsafe lock (deepest) down to next (depth 0). */
  forwards: ClassBlockDesc[];
}

export interface WaitContextFinding extends FindingBase {
  kind: 'wait-context';
  next: HeldLockDesc;
  /** Task-context wait type printed as `context-{c:c}`. */
  contextWait: number;
}

export interface HeldLockFreedFinding extends FindingBase {
  kind: 'held-lock-freed';
  /** First and last byte of the freed range, 16 hex digits. */
  from: string;
  to: string;
  lock: HeldLockDesc;
}

export interface LockHeldUserFinding extends FindingBase {
  kind: 'lock-held-user';
}

export interface NestedNotTakenFinding extends FindingBase {
  kind: 'nested-not-taken';
  next: HeldLockDesc;
  /** Map name of the nest lock that is not held. */
  nestName: string;
}

/** A capacity limit (MAX_LOCK_DEPTH, MAX_LOCKDEP_KEYS, ...): the kernel's `BUG: ... too low!`. */
export interface LimitFinding extends FindingBase {
  kind: 'limit';
  /** e.g. `MAX_LOCK_DEPTH` */
  limit: string;
  value: number;
  /** MAX_LOCK_DEPTH only: lockdep_depth at the report. */
  depth?: number;
}

/** DEBUG_LOCKS_WARN_ON()-style misuse: lockdep's own assertion (e.g. releasing a lock in the wrong irq context). */
export interface MisuseFinding extends FindingBase {
  kind: 'misuse';
  condition: string;
  message: string;
}

export type Finding =
  | CircularFinding
  | RecursiveFinding
  | BadUnlockFinding
  | InconsistentFinding
  | IrqInversionFinding
  | IrqSafeUnsafeFinding
  | WaitContextFinding
  | HeldLockFreedFinding
  | LockHeldUserFinding
  | NestedNotTakenFinding
  | LimitFinding
  | MisuseFinding;

export type FindingKind = Finding['kind'];

/** Every finding kind, in a fixed order (rule ids `lockdep/<kind>`, `kernel_frames` keys). */
export const FINDING_KINDS = [
  'circular',
  'recursive',
  'bad-unlock',
  'inconsistent',
  'irq-inversion',
  'irq-safe-unsafe',
  'wait-context',
  'held-lock-freed',
  'lock-held-user',
  'nested-not-taken',
  'limit',
  'misuse',
] as const satisfies readonly FindingKind[];

/** Dependency kinds of an edge (reference §2.3). */
export type DepKind = 'SR' | 'ER' | 'SN' | 'EN';

/** One recorded dependency prev → next, as data (for JSON, graphs, CI checks). */
export interface DependencyDesc {
  from: string;
  to: string;
  kinds: DepKind[];
  /** 1 when next was ever taken directly on top of prev. */
  distance: number;
  trace: Frame[];
  recordedAt?: SourceSpan;
  recordedBy?: string;
}

/** A lock class at the end of the replay, as /proc/lockdep shows it. */
export interface ClassSnapshot {
  /** Printed name with `#N` and `/subclass`. */
  name: string;
  /** Subkey address (key + subclass), 16 hex digits. */
  key: string;
  /** Acquisition counter (OPS:). */
  ops: number;
  /** Four usage characters. */
  usage: string;
  /** Classes reachable forwards / backwards through strong paths, counting the class itself. */
  fd: number;
  bd: number;
  /** Names of the classes it has distance-1 forward dependencies to, in recording order. */
  after: string[];
}

/** What a replay produced. */
export interface Report {
  file: string;
  kernel: string;
  findings: Finding[];
  dependencies: DependencyDesc[];
  /** Classes in registration order. */
  classes: ClassSnapshot[];
  stats: ReplayStats;
  /** Cached chains in creation order (/proc/lockdep_chains). */
  chains?: ChainSnapshot[];
  /** Counters for /proc/lockdep_stats. */
  counters?: LockdepCounters;
  /** Step-by-step record of what the validator did (only with ReplayOptions.timeline). */
  timeline?: TimelineEvent[];
}

export interface ReplayStats {
  events: number;
  classes: number;
  chains: number;
  chainHits: number;
  chainMisses: number;
  dependencies: number;
}

/** One cached lock chain, as /proc/lockdep_chains lists it. */
export interface ChainSnapshot {
  /** bit0 softirq, bit1 hardirq */
  irqContext: number;
  /** Classes of the chain, bottom first: printed name and subkey address. */
  classes: { name: string; key: string }[];
}

/** The counters behind /proc/lockdep_stats (lockdep_stats_show()). */
export interface LockdepCounters {
  chainHlocks: number;
  hardirqChains: number;
  softirqChains: number;
  processChains: number;
  stackTraceEntries: number;
  stackTraces: number;
  maxLockDepth: number;
  maxBfsQueueDepth: number;
  cyclicChecks: number;
  findMaskForwards: number;
  findMaskBackwards: number;
  hardirqOnEvents: number;
  hardirqOffEvents: number;
  redundantHardirqOns: number;
  redundantHardirqOffs: number;
  softirqOnEvents: number;
  softirqOffEvents: number;
  redundantSoftirqOns: number;
  redundantSoftirqOffs: number;
  /** debug_locks: 0 once the kernel would have switched itself off. */
  debugLocks: number;
  /** Usage masks of all classes in registration order (for the safe/unsafe counts). */
  usageMasks: number[];
}
