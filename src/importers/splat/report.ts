/**
 * A lockdep report as read from a log (the importer's intermediate form): what the text says,
 * before anything is guessed. Produced by parse.ts, turned into a scenario by plan.ts.
 */
import type { Frame } from '../../model/frame.js';
import type { ArchGuess } from './arch.js';

export type SplatKind =
  | 'circular'
  | 'recursive'
  | 'inconsistent'
  | 'irq-inversion'
  | 'irq-safe-unsafe'
  | 'wait-context'
  | 'bad-unlock'
  | 'held-lock-freed'
  | 'lock-held-user'
  | 'nested-not-taken';

/** A class as printed: ` (name#N/sub){usage}-{o:i}`. */
export interface PrintedClass {
  /** The printed name with `#N` and `/subclass`. */
  printed: string;
  /** Usage characters as printed (4 or 6), undefined when the line has none. */
  usage?: string;
  /** The `-{o:i}` suffix. */
  wait?: { outer: number; inner: number };
  /** Input line (1-based). */
  line: number;
}

/** A print_lock() line: `[inst] (class){usage}-{o:i}, at: ip`. */
export interface LockLine {
  cls: PrintedClass;
  /** Instance address as printed (raw, hashed, 8 or 16 digits); absent on old kernels. */
  instance?: string;
  at?: Frame;
}

export interface Trace {
  frames: Frame[];
  line: number;
}

/** `-> #N (class){usage}:` and its frames. */
export interface ChainEntry {
  index: number;
  cls: PrintedClass;
  trace: Trace;
}

/** A print_lock_class_header() block with its `... acquired at:` trace. */
export interface ClassBlock {
  cls: PrintedClass;
  /** `<USAGE NAME> at:` traces in printed order, e.g. `IN-HARDIRQ-W`, `INITIAL USE`. */
  usageTraces: { usage: string; trace: Trace }[];
  acquiredAt?: Trace;
  /** The static key's symbol of `... key at: [<addr>] sym+off/size` (absent for allocated keys). */
  key?: Frame;
}

/** `[HC0[0]:SC0[0]:HE1:SE1]` */
export interface IrqState {
  hc: number;
  hcCount: number;
  sc: number;
  scCount: number;
  he: number;
  se: number;
}

export interface Backtrace {
  /** Reliable frames in order (`?` frames and raw addresses dropped). */
  frames: Frame[];
  /** The stack of the reporting operation ran inside ` <IRQ>` … ` </IRQ>` (x86) markers. */
  inIrqMarkers: boolean;
  line: number;
}

export interface SplatReport {
  kind: SplatKind;
  /** The title as printed, e.g. `possible circular locking dependency detected`. */
  title: string;
  /** `[ INFO: … ]` / `[ BUG: … ]` style (pre-4.14). */
  oldTitle: boolean;
  titleLine: number;
  /** The title line is not in the text; the kind was told from the report's other lines. */
  titleMissing?: boolean;
  /** printk caller id of the report, when the log prints them. */
  caller?: string;
  ident?: { release?: string; build?: string; taint?: string; line: number; text: string };
  task?: { comm: string; pid: number; line: number };
  irqState?: IrqState;
  /** `is trying to acquire lock:` / `is trying to lock:` / `takes:` / `just changed the state of lock:` / the freed lock. */
  next?: LockLine;
  /** `next` is the first lock line of the report, its introducing line was not found. */
  nextGuessed?: boolean;
  /** `but task is already holding lock:` / `and this task is already holding:`. */
  prev?: LockLine;
  chain: ChainEntry[];
  /** `Chain exists of:` as printed. */
  chainExists?: string[];
  /** `lock(X);` / `rlock(X);` lines of the unsafe-scenario table, in printed order. */
  scenarioLines: { op: string; name: string }[];
  /** Held locks (bottom first); undefined when the block is missing. */
  held?: LockLine[];
  /** N of `N locks held by`, 0 for `no locks held`. */
  heldCount?: number;
  // inconsistent
  usageChange?: { old: string; new: string };
  registered?: Trace;
  // irq inversion
  inversion?: { forwards: boolean; state: string; other: PrintedClass };
  blocks: ClassBlock[];
  /** Class headers print ` ops: N` (CONFIG_DEBUG_LOCKDEP). */
  opsPrinted?: boolean;
  // safe → unsafe
  safeUnsafe?: {
    state: string;
    dependency?: [PrintedClass, PrintedClass];
    safe?: PrintedClass;
    safeTrace?: Trace;
    unsafe?: PrintedClass;
    unsafeTrace?: Trace;
    backwards: ClassBlock[];
    forwards: ClassBlock[];
  };
  // bad unlock
  release?: { name: string; ip?: Frame };
  // held lock freed
  freed?: { from: string; to: string };
  // wait context
  contextWait?: number;
  // nested lock
  nestName?: string;
  backtrace?: Backtrace;
  cpu?: number;
  hardware?: string;
  /** Version printed in dump_stack's `CPU: … Comm: … <taint> <release> <build>` line. */
  dumpRelease?: string;
  /** What that line prints after the build tag: the preempt model (6.15+), a build ID. */
  dumpBuildInfo?: string;
  /** The architecture that printed the report, when its lines or stacks tell. */
  arch?: ArchGuess;
  dumpUid?: boolean;
  /** Section lines seen (to tell what is missing). */
  seen: Set<string>;
  /** `<snip>`, `...`, `Lost N message(s)!`: the text was shortened. */
  elisions: { text: string; line: number }[];
  /** Another report starts after this one (line). */
  followingReport?: number;
  /** Last input line that belongs to the report. */
  lastLine: number;
}
