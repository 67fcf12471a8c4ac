/**
 * SplatReport → a scenario plan: lock classes and tasks whose replay makes lockdep print the same
 * report again.
 *
 * The plan has three parts, run in this order:
 *
 * 1. **usage tasks**: one acquisition per usage bit (or group of bits with the same printed
 *    stack) the classes must carry before the report, in the context the bit needs (`hardirq:`,
 *    `softirq:`, IRQs/BH on or off). They run first so that each bit, and `INITIAL USE`, is
 *    recorded with the stack the report printed for it.
 * 2. **dependency tasks**: one per dependency the report shows (a `-> #N` entry of the chain, an
 *    `... acquired at:` block of the irq reports): take the earlier lock, then the later one with
 *    the printed stack.
 * 3. **the reporting task**: the held locks in order (each with its printed `at:`), then the
 *    operation lockdep reported.
 *
 * Every acquisition runs with IRQs/BH only as enabled as the class's printed usage allows, and is
 * never re-enabled while locks are held, so no step sets a usage bit the report does not show.
 * Since lockdep reports the first problem it sees, the state just before the report (these bits
 * and dependencies) was free of problems, and any order of building it is too: the only report
 * the replay produces is the one imported.
 */
import type { Frame } from '../../model/frame.js';
import { formatFrame } from '../../model/frame.js';
import { kernelProfile, parseKernelVersion, type KernelProfile } from '../../model/kernel.js';
import { readFlavourOf, kindIsUnchecked, type LockKind } from '../../model/lock-kind.js';
import {
  bitOf,
  bitsOf,
  decodeUsage,
  guessKind,
  HARDIRQ_ON_R,
  HARDIRQ_ON_W,
  hasReclaimUsage,
  idFromName,
  IN_HARDIRQ_R,
  IN_HARDIRQ_W,
  IN_SOFTIRQ_R,
  IN_SOFTIRQ_W,
  isEnabledBit,
  isReadBit,
  isSleepingKind,
  maskString,
  SOFTIRQ_ON_R,
  SOFTIRQ_ON_W,
  splitPrintedName,
  stateOf,
  USAGE_BIT_NAMES,
  waitToPin,
} from './classes.js';
import { callerIp, contextOfStack, internalPrefixLength, primitiveAccess, primitiveKind, splitCallTrace } from './frames.js';
import { has, PLACEHOLDER, refOf, type Acq, type ClassInfo, type Ctx, type Plan, type PlanStep, type PlanTask } from './model.js';
import type { ClassBlock, LockLine, PrintedClass, SplatReport, Trace } from './report.js';
import { TaskBuilder, type PlannerView } from './task-builder.js';

// ---------------------------------------------------------------------------------------------
// The planner

export class Planner implements PlannerView {
  private readonly classes = new Map<string, ClassInfo>();
  private readonly ids = new Set<string>();
  readonly warnings: string[] = [];
  readonly notes: string[] = [];
  readonly missing: string[] = [];
  private readonly tasks: { task: PlanTask; order: number }[] = [];
  profile!: KernelProfile;
  private kernel!: string;
  private kernelComment: string | undefined;
  private rawNesting = false;
  private rawNestingExplicit: boolean | undefined;
  private oldUsageEncoding = false;
  private readonly kernelFrames: Plan['kernelFrames'] = [];

  constructor(
    private readonly r: SplatReport,
    private readonly file: string,
  ) {}

  // ------------------------------------------------------------------ kernel

  private setupKernel(): void {
    const r = this.r;
    const fromIdent = r.ident?.release && parseKernelVersion(r.ident.release) ? `${r.ident.release} ${r.ident.build ?? '#1'}` : undefined;
    if (fromIdent) this.kernel = fromIdent;
    else if (r.dumpRelease && parseKernelVersion(r.dumpRelease)) {
      this.kernel = r.dumpRelease;
      this.kernelComment = `the report header prints no version; taken from the dump_stack() line`;
    } else {
      this.kernel = this.defaultKernel();
      const what = r.ident ? `"${r.ident.text}" names no version` : 'the report has no version line';
      this.kernelComment = `${what}; ${this.kernel.split(' ')[0]} is a plausible kernel for what the report prints (${this.formatClues().join(', ')})`;
      this.warnings.push(`kernel version not printed; assuming ${this.kernel.split(' ')[0]} from the report's format`);
    }
    // What dump_stack() printed after the build tag (preempt model, build ID) stays in `kernel:`.
    if (r.dumpBuildInfo) this.kernel = `${this.kernel} ${r.dumpBuildInfo}`;
    const v = parseKernelVersion(this.kernel)!;
    // 2.6.30 and older printed the usage characters with the opposite meaning.
    this.oldUsageEncoding = v.major < 2 || (v.major === 2 && (v.minor < 6 || (v.minor === 6 && v.patch < 31)));
    // Raw-lock nesting: mutexes print {4:4} and task context {5:5} with it.
    this.rawNestingExplicit = this.rawNestingEvidence();
    this.rawNesting = this.rawNestingExplicit ?? kernelProfile(v).config.proveRawLockNesting;
    this.profile = kernelProfile(v, { proveRawLockNesting: this.rawNesting });
  }

  /**
   * CONFIG_PROVE_RAW_LOCK_NESTING from the printed wait types: with it, sleeping locks print
   * {4:4}, spinlock_t {3:3}, rcu_read_lock {1:3} and task context {5:5}; without it {3:3},
   * {2:2}, {1:2} and {4:4}. Undefined when the report does not say.
   */
  private rawNestingEvidence(): boolean | undefined {
    const r = this.r;
    const printed = this.allPrinted().filter((c) => c.wait);
    const irqUsed = (c: PrintedClass) => c.usage !== undefined && (decodeUsage(c.usage) & 0x33) !== 0;
    if (printed.some((c) => c.wait!.inner >= 4) || (r.contextWait ?? 0) >= 5) return true;
    if (printed.some((c) => c.wait!.outer === 1 && c.wait!.inner === 3)) return true;
    if (printed.some((c) => c.wait!.inner === 3 && irqUsed(c))) return true;
    if (printed.some((c) => c.wait!.outer === 1 && c.wait!.inner === 2)) return false;
    if (r.contextWait === 4) return false;
    if (printed.some((c) => c.wait!.inner === 3 && /mutex|sem\b|sem#|mmap_lock|rwsem|_mtx|\.mtx/.test(c.printed))) return false;
    return undefined;
  }

  private formatClues(): string[] {
    const printed = this.allPrinted();
    const clues: string[] = [];
    if (printed.some((c) => c.wait)) clues.push('wait-type suffixes');
    if (printed.some((c) => c.wait && c.wait.inner >= 4)) clues.push('{4:4} sleeping locks');
    if (this.r.dumpUid) clues.push('UID in dump_stack');
    const inst = this.allLockLines().find((l) => l.instance)?.instance;
    if (inst) clues.push(/^00000000/.test(inst) ? 'hashed addresses' : 'raw addresses');
    else clues.push('no lock addresses');
    if (this.r.oldTitle) clues.push('[ INFO: ] titles');
    return clues;
  }

  private defaultKernel(): string {
    const printed = this.allPrinted();
    const build = this.r.ident?.build ?? '#1';
    if (printed.some((c) => c.wait && c.wait.inner >= 4) || this.r.dumpUid) return `6.12.0 ${build}`;
    if (printed.some((c) => c.wait)) return `6.1.0 ${build}`;
    const inst = this.allLockLines().find((l) => l.instance)?.instance;
    if (inst && /^00000000/.test(inst)) return `5.2.0 ${build}`;
    if (inst) return `5.5.0 ${build}`;
    if (this.r.oldTitle || printed.some((c) => c.usage?.length === 6)) return `4.13.0 ${build}`;
    return `4.16.0 ${build}`;
  }

  private allLockLines(): LockLine[] {
    const r = this.r;
    return [r.next, r.prev, ...(r.held ?? [])].filter((x): x is LockLine => x !== undefined);
  }

  private allBlocks(): ClassBlock[] {
    return [...this.r.blocks, ...(this.r.safeUnsafe?.backwards ?? []), ...(this.r.safeUnsafe?.forwards ?? [])];
  }

  private allPrinted(): PrintedClass[] {
    const r = this.r;
    const out: PrintedClass[] = this.allLockLines().map((l) => l.cls);
    out.push(...r.chain.map((c) => c.cls));
    out.push(...this.allBlocks().map((b) => b.cls));
    if (r.inversion?.other.printed) out.push(r.inversion.other);
    const su = r.safeUnsafe;
    if (su) for (const c of [su.safe, su.unsafe, ...(su.dependency ?? [])]) if (c) out.push(c);
    return out;
  }

  // ------------------------------------------------------------------ classes

  /** The class of a printed name (created on first sight) and the subclass of this printing. */
  classOf(printed: string, line?: number): { cls: ClassInfo; subclass: number } {
    const { name, version, subclass } = splitPrintedName(printed);
    const key = `${name}\u0000${version}`;
    let cls = this.classes.get(key);
    if (!cls) {
      let id = idFromName(name);
      if (this.ids.has(id)) id = `${id}_${version}`;
      let n = 2;
      const base = id;
      while (this.ids.has(id)) id = `${base}_${n++}`;
      this.ids.add(id);
      cls = {
        decl: { id, name, kind: 'mutex', comments: [] },
        name,
        version,
        reclaim: false,
        reads: false,
        writes: false,
        primitives: [],
        exclude: 0,
        produced: 0,
        traced: [],
        instances: new Map(),
        nextInstance: 0,
        inChain: false,
        held: false,
      };
      if (line !== undefined) cls.decl.comments.push(`first printed on line ${line}`);
      this.classes.set(key, cls);
    }
    return { cls, subclass };
  }

  private notePrinted(p: PrintedClass): ClassInfo {
    const { cls } = this.classOf(p.printed);
    if (p.usage !== undefined) {
      const m = decodeUsage(p.usage, this.oldUsageEncoding);
      cls.printedMask = (cls.printedMask ?? 0) | m;
      cls.usageText ??= p.usage;
      if (hasReclaimUsage(p.usage)) cls.reclaim = true;
    }
    if (p.wait) cls.wait ??= p.wait;
    return cls;
  }

  private instanceOf(cls: ClassInfo, addr: string | undefined): number {
    if (addr === undefined) return 0;
    const known = cls.instances.get(addr);
    if (known !== undefined) return known;
    const n = cls.nextInstance++;
    cls.instances.set(addr, n);
    return n;
  }

  /** A fresh instance nobody else uses. */
  private freshInstance(cls: ClassInfo): number {
    const used = new Set(cls.instances.values());
    let n = 0;
    while (used.has(n)) n++;
    cls.instances.set(`fresh${n}`, n);
    cls.nextInstance = Math.max(cls.nextInstance, n + 1);
    return n;
  }

  checked(cls: ClassInfo): boolean {
    return !cls.decl.novalidate && !kindIsUnchecked(cls.decl.kind);
  }

  /** The most IRQs/BH may be enabled while taking the class (from its printed usage). */
  envOf(cls: ClassInfo, read: boolean): { irq: boolean; bh: boolean } {
    if (cls.printedMask === undefined) return { irq: true, bh: true };
    const target = this.target(cls);
    const irq = has(target, read ? HARDIRQ_ON_R : HARDIRQ_ON_W);
    return { irq, bh: irq && has(target, read ? SOFTIRQ_ON_R : SOFTIRQ_ON_W) };
  }

  /** The usage bits the class must end up with before the reporting operation. */
  target(cls: ClassInfo): number {
    return (cls.printedMask ?? 0) & ~cls.exclude;
  }

  produce(cls: ClassInfo, bits: number): void {
    cls.produced |= bits;
  }

  /** The step operation of an acquisition (the kind decides what a read is). */
  opFor(a: Acq): 'lock' | 'read' | 'trylock' | 'read_trylock' | 'recursive_read' {
    const readable = readFlavourOf(a.cls.decl.kind) !== 'none';
    const read = a.read && readable;
    if (a.trylock) return read ? 'read_trylock' : 'trylock';
    if (read && a.recursive) return 'recursive_read';
    return read ? 'read' : 'lock';
  }

  /** Read-ness of an acquisition: explicit evidence, else the class's printed usage (only read bits → read). */
  private readOf(cls: ClassInfo, evidence: 'read' | 'write' | undefined): boolean {
    const flavour = readFlavourOf(cls.decl.kind);
    if (flavour === 'none') return false;
    // rcu_read_lock() and friends are recursive reads of their map.
    if (cls.decl.kind === 'rcu') return true;
    let read: boolean;
    if (evidence) read = evidence === 'read';
    else {
      const m = cls.printedMask ?? 0;
      const readBits = m & 0xaa;
      const writeBits = m & 0x55;
      read = readBits !== 0 && writeBits === 0 ? true : writeBits === 0 && readBits === 0 ? cls.reads && !cls.writes : false;
    }
    return read;
  }

  /**
   * Read-ness of an acquisition that must record a dependency: before 5.10 lockdep stores no
   * dependency with a recursive reader on either side (lockdep_map readers, read_lock()), so a
   * dependency the report shows was taken otherwise.
   */
  private edgeRead(cls: ClassInfo, read: boolean): boolean {
    if (!read || this.profile.era !== 'v5.1') return read;
    const f = readFlavourOf(cls.decl.kind);
    return f === 'R' || f === 'qrwlock' ? false : read;
  }

  // ------------------------------------------------------------------ entry point

  build(): Plan {
    const r = this.r;
    this.setupKernel();
    this.collectClasses();
    this.guessKinds();
    switch (r.kind) {
      case 'circular':
        this.planCircular();
        break;
      case 'recursive':
      case 'wait-context':
      case 'nested-not-taken':
        this.planSimpleAcquire();
        break;
      case 'inconsistent':
        this.planInconsistent();
        break;
      case 'irq-inversion':
        this.planInversion();
        break;
      case 'irq-safe-unsafe':
        this.planSafeUnsafe();
        break;
      case 'bad-unlock':
      case 'held-lock-freed':
      case 'lock-held-user':
        this.planHeldThen();
        break;
    }
    this.planUsageTasks();
    this.setKernelFrames();
    this.checkSections();
    return this.assemble();
  }

  // ------------------------------------------------------------------ gathering

  private collectClasses(): void {
    const r = this.r;
    for (const p of this.allPrinted()) this.notePrinted(p);
    // Classes only named (Chain exists, bad unlock, nest lock) exist too.
    for (const l of this.allLockLines()) {
      const { cls } = this.classOf(l.cls.printed);
      if (l.at && !cls.someIp) cls.someIp = l.at;
    }
    for (const h of r.held ?? []) this.classOf(h.cls.printed).cls.held = true;
    for (const e of r.chain) {
      const { cls } = this.classOf(e.cls.printed);
      cls.inChain = true;
      const acc = primitiveAccess(e.trace.frames);
      this.notePrimitive(cls, e.trace.frames);
      if (acc === 'read') cls.reads = true;
      if (acc === 'write') cls.writes = true;
      if (!cls.someStack && e.trace.frames.length) cls.someStack = this.stackOf(e.trace.frames);
    }
    for (const b of this.allBlocks()) {
      const { cls } = this.classOf(b.cls.printed);
      for (const u of b.usageTraces) {
        this.notePrimitive(cls, u.trace.frames);
        const bit = bitOf(u.usage);
        if (bit !== undefined) (isReadBit(bit) ? (cls.reads = true) : (cls.writes = true));
        if (u.usage === 'INITIAL READ USE') cls.reads = true;
        if (!cls.someStack && u.trace.frames.length) cls.someStack = this.stackOf(u.trace.frames);
      }
    }
    // The other printed stacks that start at a lock's primitive.
    if (r.next && r.kind !== 'bad-unlock' && r.kind !== 'held-lock-freed') {
      const { cls } = this.classOf(r.next.cls.printed);
      this.notePrimitive(cls, this.reportStack().stack);
      if (r.registered) this.notePrimitive(cls, r.registered.frames);
    }
    const su = r.safeUnsafe;
    if (su?.safe && su.safeTrace) this.notePrimitive(this.classOf(su.safe.printed).cls, su.safeTrace.frames);
    if (su?.unsafe && su.unsafeTrace) this.notePrimitive(this.classOf(su.unsafe.printed).cls, su.unsafeTrace.frames);
    for (const s of r.scenarioLines) {
      if (s.op === 'rlock') {
        const { cls } = this.classOf(s.name);
        cls.reads = true;
      }
    }
    // Classes the report names without printing their usage.
    if (r.release) this.namedClass(r.release.name);
    if (r.nestName) this.namedClass(r.nestName);
  }

  private notePrimitive(cls: ClassInfo, frames: readonly Frame[]): void {
    const k = primitiveKind(frames);
    if (k && !cls.primitives.some((p) => p.kind === k.kind)) cls.primitives.push(k);
  }

  /** A class known only by its map name (bad unlock, nest lock): reuse a printed one of that name. */
  private namedClass(name: string): ClassInfo {
    for (const c of this.classes.values()) if (c.name === name) return c;
    return this.classOf(name).cls;
  }

  private guessKinds(): void {
    const r = this.r;
    for (const cls of this.classes.values()) {
      const g = guessKind({
        name: cls.name,
        mask: cls.printedMask ?? 0,
        usagePrinted: cls.printedMask !== undefined,
        ...(cls.wait ? { wait: cls.wait } : {}),
        reads: cls.reads,
        writes: cls.writes,
        rawNesting: this.rawNesting,
        waitEra: this.profile.waitSuffix,
        primitives: cls.primitives,
      });
      cls.decl.kind = g.kind;
      cls.decl.comments.unshift(`${g.certain ? '' : 'guessed '}kind: ${g.reason}`);
      // print_lock_name() shows the class's own wait types; pin them when the kind's differ.
      if (this.profile.waitSuffix) {
        const pin = waitToPin(g.kind, cls.wait, this.rawNesting);
        if (pin) cls.decl.wait = pin;
      }
      if (cls.version > 1) cls.decl.version = cls.version;
      // A sleeping lock that never got a usage bit was never validated: the driver core's
      // lockdep_set_novalidate_class() (`&dev->mutex`).
      const usage = cls.usageText;
      const isNext = r.next && splitPrintedName(r.next.cls.printed).name === cls.name && r.kind === 'wait-context';
      if (usage !== undefined && /^\.+$/.test(usage) && isSleepingKind(g.kind) && !cls.inChain && !isNext && r.kind !== 'inconsistent') {
        cls.decl.novalidate = true;
        cls.decl.comments.push('guessed novalidate: a sleeping lock with usage {....} was never validated (lockdep_set_novalidate_class())');
      }
    }
    this.refineSpinningUnderSleeping();
    // Two classes printed with the same name: pin every version so lockdep numbers them as printed.
    const byName = new Map<string, ClassInfo[]>();
    for (const c of this.classes.values()) byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
    for (const list of byName.values()) if (list.length > 1) for (const c of list) c.decl.version = c.version;
  }

  /**
   * Nobody sleeps holding a spinning lock: a class guessed spinning from its name alone that is
   * held while a sleeping lock is taken (held-locks list, a chain dependency) is a sleeping lock.
   */
  private refineSpinningUnderSleeping(): void {
    const r = this.r;
    const spinning = (k: LockKind) => k === 'spinlock' || k === 'raw_spinlock' || k === 'rwlock';
    const sleepingKind = (k: LockKind) => isSleepingKind(k);
    const nameOnly = (c: ClassInfo) => !c.wait && c.primitives.length === 0 && ((c.printedMask ?? 0) & 0x33) === 0;
    const fix = (c: ClassInfo, over: ClassInfo) => {
      if (!spinning(c.decl.kind) || !nameOnly(c) || !sleepingKind(over.decl.kind)) return;
      c.decl.kind = c.reads || ((c.printedMask ?? 0) & 0xaa) !== 0 ? 'rw_semaphore' : 'mutex';
      c.decl.comments[0] = `guessed kind: a sleeping lock (${over.name} is taken while it is held)`;
    };
    const held = (r.held ?? []).map((h) => this.classOf(h.cls.printed).cls);
    for (let pass = 0; pass < 2; pass++) {
      for (let i = held.length - 2; i >= 0; i--) for (let j = i + 1; j < held.length; j++) fix(held[i]!, held[j]!);
      const chain = [...r.chain].sort((a, b) => b.index - a.index).map((e) => this.classOf(e.cls.printed).cls);
      // #k is taken holding #(k+1)'s successor on the path: P(k-1) → P(k), printed #k above #(k-1).
      for (let i = 0; i + 1 < chain.length; i++) fix(chain[i + 1]!, chain[i]!);
    }
  }

  // ------------------------------------------------------------------ common pieces

  /** Frames of a trace without lockdep's leading frames (what a step's stack is). */
  private stackOf(frames: readonly Frame[]): Frame[] {
    return frames.slice(internalPrefixLength(frames));
  }

  private addTask(task: PlanTask, order: number): PlanTask {
    this.tasks.push({ task, order });
    return task;
  }

  /** The stack of the reporting operation: from the `#0` entry, the root block, or the backtrace. */
  private reportStack(fallbackIp?: Frame): { stack: Frame[]; from: string } {
    const r = this.r;
    const bt = r.backtrace?.frames ?? [];
    const split = splitCallTrace(bt);
    if (r.kind === 'circular') {
      const e0 = r.chain.find((e) => e.index === 0);
      if (e0 && e0.trace.frames.length) return { stack: this.stackOf(e0.trace.frames), from: 'the `-> #0` entry' };
    }
    if (split.stack.length) return { stack: split.stack, from: '`Call Trace:`' };
    const root = r.kind === 'irq-inversion' ? r.blocks[r.blocks.length - 1] : r.kind === 'irq-safe-unsafe' ? r.safeUnsafe?.forwards[r.safeUnsafe.forwards.length - 1] : undefined;
    if (root?.acquiredAt?.frames.length) return { stack: this.stackOf(root.acquiredAt.frames), from: 'the root block\'s `... acquired at:`' };
    if (fallbackIp) return { stack: [fallbackIp], from: 'the lock line' };
    return { stack: [PLACEHOLDER], from: 'nothing (not in the report)' };
  }

  /** The context the reporting operation ran in. */
  private reportContext(stack: readonly Frame[]): Ctx {
    const r = this.r;
    if (r.irqState) return r.irqState.hc ? 'hardirq' : r.irqState.sc ? 'softirq' : 'process';
    const fromStack = contextOfStack(stack);
    if (fromStack !== 'process') return fromStack;
    if (r.backtrace?.inIrqMarkers) return 'hardirq';
    return 'process';
  }

  /** The held locks as acquisitions (bottom first); `prev` gets the already-holding line's role. */
  private heldAcqs(): Acq[] {
    const r = this.r;
    let held = r.held;
    if (!held) {
      held = r.prev && r.kind !== 'irq-inversion' ? [r.prev] : [];
      this.missing.push(
        held.length
          ? 'the held-locks list: the reporting task holds only the lock the report names as already held'
          : 'the held-locks list: the reporting task holds nothing',
      );
    }
    const prevKey = r.prev ? `${r.prev.cls.printed}|${r.prev.instance ?? ''}|${r.prev.at ? formatFrame(r.prev.at) : ''}` : undefined;
    const seen = new Map<string, number>();
    const out: Acq[] = [];
    for (const h of held) {
      const { cls, subclass } = this.classOf(h.cls.printed);
      const key = `${h.cls.printed}|${h.instance ?? ''}|${h.at ? formatFrame(h.at) : ''}`;
      const isPrev = prevKey !== undefined && key === prevKey;
      let read = this.readOf(cls, isPrev ? this.prevAccess() : undefined);
      // A class held twice: the second must be a recursive read or sit under a nest lock, or
      // lockdep would have reported it already.
      const dup = out.find((o) => o.cls === cls && o.subclass === subclass);
      const a: Acq = { cls, subclass, instance: this.instanceOf(cls, h.instance), read };
      if (h.at) a.ip = h.at;
      if (dup && this.checked(cls)) {
        const flavour = readFlavourOf(cls.decl.kind);
        if (flavour !== 'none' && dup.read) {
          a.read = read = true;
          a.recursive = true;
          a.comment = 'held twice: the second time as a recursive reader, or lockdep would have reported it (guessed)';
        } else {
          const outer = out.find((o) => o.cls !== cls && this.checked(o.cls));
          if (outer) {
            a.nest = refOf(outer);
            a.comment = `held twice: taken under a nest lock (mutex_lock_nest_lock()), or lockdep would have reported it (guessed)`;
          } else a.comment = 'held twice (how lockdep allowed it is not in the report)';
        }
        if (h.instance === undefined && dup.instance === a.instance) a.instance = this.freshInstance(cls);
      }
      seen.set(key, (seen.get(key) ?? 0) + 1);
      out.push(a);
    }
    this.markWaitExemptTrylocks(held, out);
    return out;
  }

  /**
   * A held lock whose wait type the locks below it forbid (a mutex `{3:3}` over a spinlock `{2:2}`)
   * was taken by trylock: check_wait_context() exempts trylocks, and otherwise lockdep would have
   * reported it already. (The held trylock still lowers the context for the locks above it.) Only
   * for a report in task context, where every held lock is in the same irq context.
   */
  private markWaitExemptTrylocks(held: readonly LockLine[], out: Acq[]): void {
    const st = this.r.irqState;
    if ((st && (st.hc !== 0 || st.sc !== 0)) || this.r.backtrace?.inIrqMarkers) return;
    let curr = Infinity;
    held.forEach((h, i) => {
      const w = h.cls.wait;
      const a = out[i];
      if (!w || !a) return;
      if (w.outer > curr && this.checked(a.cls) && !a.trylock) {
        a.trylock = true;
        a.comment = `taken by trylock: its wait type {${w.outer}:${w.inner}} is above the {${curr}} the locks below it allow, and lockdep reported nothing then`;
      }
      if (w.inner !== 0) curr = Math.min(curr, w.inner);
    });
  }

  /** Read-ness of prev from the circular scenario's first CPU0 line (`rlock(`). */
  private prevAccess(): 'read' | 'write' | undefined {
    const first = this.r.scenarioLines[0];
    if (this.r.kind !== 'circular' || !first || !this.profile.rlockScenario) return undefined;
    return first.op === 'rlock' ? 'read' : 'write';
  }

  /** Read-ness of next from the circular scenario's last CPU0 line, else its stack's primitive. */
  private nextAccess(stack: readonly Frame[]): 'read' | 'write' | undefined {
    const r = this.r;
    if (r.kind === 'circular' && this.profile.rlockScenario && r.scenarioLines.length >= 4) {
      const last = r.scenarioLines[3]!;
      if (last.op === 'rlock') return 'read';
      if (last.op === 'lock') return 'write';
    }
    return primitiveAccess(stack);
  }

  /**
   * Splits the held locks between the interrupted task and the handler the report ran in: the
   * handler's part starts at the first lock used in that context (or at the run of unvalidated
   * locks on top).
   */
  private handlerSplit(held: Acq[], ctx: Ctx): number {
    if (ctx === 'process') return held.length;
    const inBits = ctx === 'hardirq' ? (1 << IN_HARDIRQ_W) | (1 << IN_HARDIRQ_R) : (1 << IN_SOFTIRQ_W) | (1 << IN_SOFTIRQ_R);
    const first = held.findIndex((a) => this.checked(a.cls) && (this.target(a.cls) & inBits) !== 0);
    if (first >= 0) {
      let p = first;
      while (p > 0 && !this.checked(held[p - 1]!.cls)) p--;
      return p;
    }
    let p = held.length;
    while (p > 0 && !this.checked(held[p - 1]!.cls)) p--;
    return p;
  }

  /**
   * check_prevs_add() records prev → next for the top held lock and goes on below it only past
   * trylocks: when the report names a prev below other validated locks, those were trylocks.
   */
  private markTrylocksAbovePrev(held: Acq[]): void {
    const r = this.r;
    if (!r.prev || (r.kind !== 'circular' && r.kind !== 'irq-safe-unsafe')) return;
    const { cls } = this.classOf(r.prev.cls.printed);
    const inst = this.instanceOf(cls, r.prev.instance);
    let idx = -1;
    for (let i = held.length - 1; i >= 0; i--) {
      const a = held[i]!;
      if (a.cls === cls && (r.prev.instance === undefined || a.instance === inst)) {
        idx = i;
        break;
      }
    }
    if (idx < 0) return;
    for (let i = idx + 1; i < held.length; i++) {
      const a = held[i]!;
      if (!this.checked(a.cls) || a.trylock) continue;
      a.trylock = true;
      a.comment = `trylock: lockdep checked ${r.prev.cls.printed} below it, which it only does past trylocks`;
    }
  }

  /** Runs the held locks (process part, then the handler part) on a builder. */
  private runHeld(b: TaskBuilder, held: Acq[], ctx: Ctx, handlerComment: string): void {
    this.markTrylocksAbovePrev(held);
    const split = this.handlerSplit(held, ctx);
    held.forEach((a, i) => {
      if (i === split && ctx !== 'process') b.enter(ctx, handlerComment);
      if (i >= split && ctx !== 'process' && this.checked(a.cls)) {
        const inBit = (ctx === 'hardirq' ? IN_HARDIRQ_W : IN_SOFTIRQ_W) + (a.read ? 1 : 0);
        if (!has(this.target(a.cls), inBit)) {
          a.trylock = true;
          a.comment = `trylock: its usage shows no ${USAGE_BIT_NAMES[inBit]} although it is held in the ${ctx} handler`;
        }
      }
      b.acquire(a);
    });
    if (split === held.length && ctx !== 'process') b.enter(ctx, handlerComment);
  }

  private heldComment(): string {
    const n = this.r.held?.length;
    return n === undefined ? 'held locks (not in the report)' : n === 0 ? 'no locks held' : `the ${n} held lock${n === 1 ? '' : 's'}, in order (#0 first), with their printed \`at:\``;
  }

  private reportingTask(b: TaskBuilder, stack: Frame[], comments: string[]): PlanTask {
    const r = this.r;
    const t: PlanTask = { name: r.task?.comm ?? 'reporter', stack, steps: b.steps, comments };
    if (r.task) t.pid = r.task.pid;
    if (r.cpu !== undefined) t.cpu = r.cpu;
    return t;
  }

  private nextAcq(stack: readonly Frame[], evidence?: 'read' | 'write'): Acq {
    const r = this.r;
    const n = r.next!;
    const { cls, subclass } = this.classOf(n.cls.printed);
    const a: Acq = { cls, subclass, instance: this.instanceOf(cls, n.instance), read: this.readOf(cls, evidence ?? this.nextAccess(stack)) };
    if (n.at) a.ip = n.at;
    return a;
  }

  // ------------------------------------------------------------------ circular

  private planCircular(): void {
    const r = this.r;
    if (!r.next) return this.noLockLines('the lock being acquired (`… is trying to acquire lock:` and the lock line after it)');
    const entries = [...r.chain].sort((a, b) => b.index - a.index);
    let names = entries.map((e) => e.cls.printed);
    const nextName = r.next.cls.printed;
    const prevName = r.prev?.cls.printed;
    if (entries.length === 0) {
      this.missing.push('the dependency chain (`-> #N` entries)');
      if (r.chainExists && r.chainExists.length === 3) names = [r.chainExists[2]!, r.chainExists[1]!, r.chainExists[0]!];
      else names = prevName ? [prevName, nextName] : [nextName];
      this.notes.push(`the chain is rebuilt from ${r.chainExists ? '"Chain exists of:"' : 'the two lock lines'}: ${[...names].reverse().join(' → ')}`);
    } else {
      // A cut chain: #d is always prev's class and #0 next's; entries in between may be gone.
      if (prevName && names[0] !== prevName) names.unshift(prevName);
      if (names[names.length - 1] !== nextName) names.push(nextName);
      const d = Math.max(entries[0]!.index, names.length - 1);
      const known = new Set(entries.map((e) => e.index));
      const gone = [];
      for (let i = d; i >= 0; i--) if (!known.has(i)) gone.push(`#${i}`);
      if (gone.length) {
        this.missing.push(`chain entries ${gone.join(', ')}`);
        this.notes.push(`the chain is cut; the cycle goes through the classes that are printed: ${[...names].reverse().join(' → ')}`);
      }
    }
    // Dependencies, printed as #d (prev) … #0 (next): the edge into #k is P(k-1) → P(k).
    const path = [...names].reverse(); // P0 = next … Pd = prev
    const { stack: finalStack, from } = this.reportStack(r.next.at);
    const held = this.heldAcqs();
    const prevAcq = held.find((a) => r.prev && a.cls === this.classOf(r.prev.cls.printed).cls);
    for (let k = 1; k < path.length; k++) {
      const entry = entries.find((e) => e.cls.printed === path[k]);
      const from_ = this.classOf(path[k - 1]!);
      const to = this.classOf(path[k]!);
      let stack = entry?.trace.frames ?? [];
      if (stack.length === 0) {
        if (entry) this.missing.push(`the stack of chain entry #${entry.index} (${path[k]})`);
        stack = to.cls.someIp ? [to.cls.someIp] : [PLACEHOLDER];
      }
      const b = new TaskBuilder(this);
      const first: Acq = { cls: from_.cls, subclass: from_.subclass, instance: 0, read: this.readOf(from_.cls, k === 1 ? this.nextAccess(finalStack) : undefined) };
      const heldFirst = held.find((a) => a.cls === from_.cls);
      if (heldFirst) first.read = heldFirst.read;
      if (from_.cls.someIp) first.ip = from_.cls.someIp;
      first.read = this.edgeRead(first.cls, first.read);
      b.acquire(first);
      const second: Acq = { cls: to.cls, subclass: to.subclass, instance: 0, read: this.readOf(to.cls, primitiveAccess(stack)) };
      const ip2 = entry?.trace.frames.length ? callerIp(stack) : undefined;
      if (ip2 && ip2 !== stack[0]) second.ip = ip2;
      if (k === path.length - 1 && prevAcq) second.read = prevAcq.read;
      second.read = this.edgeRead(second.cls, second.read);
      b.acquire(second);
      b.releaseAll();
      const idx = entry ? entry.index : path.length - 1 - k;
      this.addTask(
        {
          name: `dep${idx}`,
          stack,
          steps: b.steps,
          comments: [
            `-> #${idx}: ${path[k - 1]} → ${path[k]}, recorded with the stack the report prints for #${idx}` +
              (entry ? ` (line ${entry.trace.line})` : ' (not in the report)'),
          ],
        },
        10 + k,
      );
    }
    // The reporting task: held locks, then next.
    const ctx = this.reportContext(finalStack);
    const b = new TaskBuilder(this);
    this.runHeld(b, held, ctx, `the report ran in ${ctx} context`);
    const next = this.nextAcq(finalStack);
    next.comment = `the report: ${r.task ? `${r.task.comm}/${r.task.pid} ` : ''}is trying to acquire ${nextName} while holding ${prevName ?? '?'}`;
    b.acquire(next);
    this.addTask(this.reportingTask(b, finalStack, [`the reporting task; its stack is ${from}`, this.heldComment()]), 100);
  }

  // ------------------------------------------------------------------ recursive, wait context, nested

  private planSimpleAcquire(): void {
    const r = this.r;
    if (!r.next) return this.noLockLines('the lock being acquired (`… is trying to acquire lock:` / `… is trying to lock:` and the lock line after it)');
    const { stack, from } = this.reportStack(r.next.at);
    let held = this.heldAcqs();
    let ctx = this.reportContext(stack);
    if (r.kind === 'wait-context' && r.contextWait !== undefined) {
      const w = this.waitValues();
      if (r.contextWait === w.SPIN && ctx === 'process') ctx = 'hardirq';
      else if (r.contextWait === w.CONFIG && w.CONFIG !== w.SPIN && ctx === 'process') ctx = 'softirq';
      else if (r.contextWait === w.MAX) ctx = 'process';
    }
    const b = new TaskBuilder(this);
    if (r.kind === 'nested-not-taken' && r.nestName) {
      const nestCls = this.namedClass(r.nestName);
      held = held.filter((a) => a.cls !== nestCls);
    }
    const next = this.nextAcq(stack);
    if (r.kind === 'recursive' && next.read && readFlavourOf(next.cls.decl.kind) === 'qrwlock' && ctx !== 'process' && this.profile.era === 'modern') {
      // read_lock() in an interrupt is a recursive read, which check_deadlock() lets pass over any
      // reader: the same-class lock already held was write-held.
      const prev = [...held].reverse().find((a) => a.cls === next.cls);
      if (prev) {
        prev.read = false;
        prev.comment = 'write-held: a recursive read_lock() in an interrupt is reported only over a writer';
      }
    }
    this.runHeld(b, held, ctx, `the report ran in ${ctx} context`);
    if (r.kind === 'recursive') {
      // Read after read of the same class is allowed only for a recursive read: take it as a writer.
      if (readFlavourOf(next.cls.decl.kind) === 'R') next.read = false;
      next.comment = `the report: ${r.next.cls.printed} again while holding ${r.prev?.cls.printed ?? 'it'}`;
      if (r.prev && r.next.instance && r.prev.instance === r.next.instance) next.comment += ' (the same lock object)';
    } else if (r.kind === 'wait-context') {
      // check_wait_context() runs before mark_usage(): the printed usage is all from before.
      next.noBits = true;
      next.comment = `the report: ${r.next.cls.printed} in a context that cannot wait for it (context-{${r.contextWait ?? '?'}:${r.contextWait ?? '?'}})`;
    } else {
      if (!r.nestName) this.missing.push('the name of the nest lock (the line after `but this task is not holding:`)');
      const nestCls = this.namedClass(r.nestName ?? 'nest_lock_not_in_report');
      if (!r.nestName && nestCls.decl.comments.length === 0) nestCls.decl.comments.push('a stand-in for the nest lock the report does not name (its line is missing)');
      else if (nestCls.decl.comments.length === 0) nestCls.decl.comments.push('the nest lock the report names (kind unknown: it is never taken)');
      next.nest = refOf({ cls: nestCls, instance: this.freshInstance(nestCls) });
      next.comment = `the report: taken with nest_lock ${r.nestName ?? '(name not in the report)'}, which is not held`;
    }
    b.acquire(next);
    this.addTask(this.reportingTask(b, stack, [`the reporting task; its stack is ${from}`, this.heldComment()]), 100);
  }

  private waitValues() {
    const SPIN = 2;
    const CONFIG = this.rawNesting ? 3 : SPIN;
    return { SPIN, CONFIG, SLEEP: CONFIG + 1, MAX: CONFIG + 2 };
  }

  // ------------------------------------------------------------------ bad unlock, held lock freed, lock held at return to user

  private planHeldThen(): void {
    const r = this.r;
    const { stack, from } = this.reportStack(r.release?.ip ?? r.next?.at);
    const held = this.heldAcqs();
    const ctx = this.reportContext(stack);
    const b = new TaskBuilder(this);
    this.runHeld(b, held, ctx, `the report ran in ${ctx} context`);
    if (r.kind === 'bad-unlock') {
      if (!r.release) return this.noLockLines('the released lock (`… is trying to release lock (…) at:`)');
      const cls = this.namedClass(r.release.name);
      const inst = this.freshInstance(cls);
      const s: PlanStep = { op: 'unlock', ref: refOf({ cls, instance: inst }), comment: `the report: releases ${r.release.name}, which this task does not hold` };
      if (r.release.ip) s.ip = r.release.ip;
      else this.missing.push('the release ip (`is trying to release lock (…) at:` line)');
      b.push(s);
    } else if (r.kind === 'held-lock-freed') {
      if (!r.next) return this.noLockLines('the freed lock (the lock line after `… is freeing memory …`)');
      const { cls } = this.classOf(r.next.cls.printed);
      const inst = this.instanceOf(cls, r.next.instance);
      const target = held.find((a) => a.cls === cls && a.instance === inst) ?? held.find((a) => a.cls === cls);
      if (!target) {
        // Not in the held list (report cut): take it first.
        const a: Acq = { cls, subclass: 0, instance: inst, read: this.readOf(cls, undefined) };
        if (r.next.at) a.ip = r.next.at;
        b.acquire(a);
      }
      b.push({
        op: 'free',
        ref: refOf(target ?? { cls, instance: inst }),
        comment: `the report: frees memory ${r.freed ? `${r.freed.from}-${r.freed.to} ` : ''}holding the lock ${r.next.cls.printed}`,
      });
    } else {
      b.push({ op: 'return_to_user', comment: 'the report: returns to user space with the locks still held' });
    }
    const stackNote = r.kind === 'lock-held-user' ? 'no stack is printed for this report' : `its stack is ${from}`;
    this.addTask(this.reportingTask(b, stack, [`the reporting task; ${stackNote}`, this.heldComment()]), 100);
  }

  // ------------------------------------------------------------------ irq usage

  /** Records the printed usage traces of blocks and of the irq reports' own traces. */
  private collectTraces(): void {
    const r = this.r;
    const addTrace = (cls: ClassInfo, usage: string, trace: Trace | undefined) => {
      if (!trace || trace.frames.length === 0) return;
      const stack = this.stackOf(trace.frames);
      if (stack.length === 0) return;
      if (usage === 'INITIAL USE' || usage === 'INITIAL READ USE') {
        cls.traced.push({ bits: 0, read: usage === 'INITIAL READ USE', initial: true, stack });
        return;
      }
      const bit = bitOf(usage);
      if (bit === undefined) return;
      cls.traced.push({ bits: 1 << bit, read: isReadBit(bit), initial: false, stack });
    };
    for (const b of this.allBlocks()) {
      const { cls } = this.classOf(b.cls.printed);
      for (const u of b.usageTraces) addTrace(cls, u.usage, u.trace);
    }
    const su = r.safeUnsafe;
    if (su?.safe && su.safeTrace) addTrace(this.classOf(su.safe.printed).cls, this.firstBit(su.safe, 'safe', su.state), su.safeTrace);
    if (su?.unsafe && su.unsafeTrace) addTrace(this.classOf(su.unsafe.printed).cls, this.firstBit(su.unsafe, 'unsafe', su.state), su.unsafeTrace);
  }

  /** Usage-bit base of an irq state word (0 HARDIRQ, 4 SOFTIRQ); others are not modelled. */
  private stateBase(state: string): number {
    if (state.startsWith('SOFTIRQ')) return 4;
    if (!state.startsWith('HARDIRQ') && !this.warnings.some((w) => w.startsWith(`the ${state} state`))) {
      const note = `the ${state} state is not modelled (only HARDIRQ and SOFTIRQ are); reproduced with HARDIRQ`;
      this.warnings.push(note);
      this.notes.push(note);
    }
    return 0;
  }

  /** The usage bit that made a class S-irq-safe / unsafe, from its printed usage. */
  private firstBit(p: PrintedClass, side: 'safe' | 'unsafe', state: string): string {
    const s = this.stateBase(state);
    const m = decodeUsage(p.usage ?? '', this.oldUsageEncoding);
    const cands = side === 'safe' ? [s + 0, s + 1] : [s + 2, s + 3];
    const bit = cands.find((b) => has(m, b)) ?? cands[state.endsWith('-READ') ? 1 : 0]!;
    return USAGE_BIT_NAMES[bit]!;
  }

  /** Dependency tasks for block paths: each pair (from → to) with the printed trace. */
  private pathTasks(pairs: { from: string; to: string; trace?: Trace; fromWrite?: boolean }[], order: number, what: string): void {
    pairs.forEach((p, i) => {
      const from = this.classOf(p.from);
      const to = this.classOf(p.to);
      let stack = p.trace?.frames ?? [];
      if (stack.length === 0) {
        this.missing.push(`the stack of the dependency ${p.from} → ${p.to}`);
        stack = to.cls.someIp ? [to.cls.someIp] : [PLACEHOLDER];
      }
      const b = new TaskBuilder(this);
      const first: Acq = { cls: from.cls, subclass: from.subclass, instance: 0, read: p.fromWrite ? false : this.edgeRead(from.cls, this.readOf(from.cls, undefined)) };
      if (from.cls.someIp) first.ip = from.cls.someIp;
      b.acquire(first);
      const second: Acq = { cls: to.cls, subclass: to.subclass, instance: 0, read: this.edgeRead(to.cls, this.readOf(to.cls, primitiveAccess(stack))) };
      const ip2 = p.trace?.frames.length ? callerIp(stack) : undefined;
      if (ip2 && ip2 !== stack[0]) second.ip = ip2;
      b.acquire(second);
      b.releaseAll();
      this.addTask(
        { name: `dep${order - 20 + i}`, stack, steps: b.steps, comments: [`${what}: ${p.from} → ${p.to}, with the printed \`... acquired at:\` stack${p.trace ? ` (line ${p.trace.line})` : ''}`] },
        order + i,
      );
    });
  }

  /** Substitutes for usage states the model does not have (NMI, RECLAIM_FS). */
  private modelledBit(name: string, other: string | undefined): { bit: number; substituted: boolean } | undefined {
    const direct = bitOf(name);
    if (direct !== undefined) return { bit: direct, substituted: false };
    const read = name.endsWith('-R') || name === 'INITIAL READ USE';
    if (/^IN-/.test(name)) return { bit: IN_HARDIRQ_W + (read ? 1 : 0), substituted: true };
    if (/-ON-[WR]$/.test(name)) return { bit: HARDIRQ_ON_W + (read ? 1 : 0), substituted: true };
    if (/^INITIAL/.test(name) && other !== undefined) {
      const o = this.modelledBit(other, undefined);
      if (!o) return undefined;
      // The opposite direction of the new bit, same state and read-ness.
      return { bit: o.bit ^ 2, substituted: true };
    }
    return undefined;
  }

  /**
   * The reporting operation that sets `bit` on `lock`: an acquisition in the handler (IN bits), an
   * acquisition with IRQs/BH on (ON bits), or re-enabling IRQs/BH while holding it.
   */
  private planUsageTrigger(lockLine: LockLine, bit: number, comment: string): void {
    const { stack, from } = this.reportStack(lockLine.at);
    const held = this.heldAcqs();
    const { cls } = this.classOf(lockLine.cls.printed);
    const lockInst = this.instanceOf(cls, lockLine.instance);
    const heldIdx = held.findIndex((a) => a.cls === cls && (lockLine.instance === undefined || a.instance === lockInst));
    const b = new TaskBuilder(this);
    // The report's own state shows BH on and IRQs off (mark_held_locks() runs before the IRQ flag
    // is set): where a held lock must not gain ON bits, IRQs were off, not BH.
    if (this.r.irqState && this.r.irqState.se === 1 && this.r.irqState.he === 0) b.preferIrqOff = true;
    const read = isReadBit(bit);
    if (isEnabledBit(bit) && heldIdx >= 0) {
      // mark_held_locks(): IRQs (or BH) come on while the lock is held.
      const a = held[heldIdx]!;
      a.read = read && readFlavourOf(cls.decl.kind) !== 'none';
      this.runHeld(b, held, 'process', '');
      if (stateOf(bit) === 'hardirq') b.push({ op: 'irq', on: true, comment });
      else {
        if (!b.irqOn) b.push({ op: 'irq', on: true });
        b.push({ op: 'bh', on: true, comment });
      }
    } else if (isEnabledBit(bit)) {
      this.runHeld(b, held, 'process', '');
      const a: Acq = { cls, subclass: this.classOf(lockLine.cls.printed).subclass, instance: lockInst, read };
      if (lockLine.at) a.ip = lockLine.at;
      a.comment = comment;
      a.noBits = true;
      // The acquisition needs the state enabled: only possible when nothing held forbids it.
      if (!b.irqOn || (stateOf(bit) === 'softirq' && !b.bhOn)) {
        this.warnings.push(`the report's ${USAGE_BIT_NAMES[bit]} needs IRQs${stateOf(bit) === 'softirq' ? '/BH' : ''} on, but a held lock's usage says they were off; the held locks are taken without that restriction`);
      }
      b.acquire(a, { lower: false });
    } else {
      const ctx: Ctx = stateOf(bit);
      this.runHeld(b, held, ctx, `the report runs in a ${ctx} handler`);
      const a: Acq = { cls, subclass: this.classOf(lockLine.cls.printed).subclass, instance: lockInst, read };
      if (lockLine.at) a.ip = lockLine.at;
      a.comment = comment;
      a.noBits = true;
      b.acquire(a, { lower: false });
    }
    this.addTask(this.reportingTask(b, stack, [`the reporting task; its stack is ${from}`, this.heldComment()]), 100);
  }

  // ------------------------------------------------------------------ inconsistent

  private planInconsistent(): void {
    const r = this.r;
    if (!r.next || !r.usageChange) return this.noLockLines(!r.usageChange ? 'the `inconsistent {…} -> {…} usage.` line' : 'the lock (`… takes:` and the lock line after it)');
    const { cls } = this.classOf(r.next.cls.printed);
    const nb = this.modelledBit(r.usageChange.new, r.usageChange.old);
    const ob = this.modelledBit(r.usageChange.old, r.usageChange.new);
    if (!nb || !ob) return this.noLockLines(`a usage change it can model (\`inconsistent {${r.usageChange.old}} -> {${r.usageChange.new}}\`)`);
    if (nb.substituted || ob.substituted || cls.reclaim) {
      const note = `{${r.usageChange.old}} -> {${r.usageChange.new}} involves a state the simulator does not model (NMI, RECLAIM_FS, INITIAL USE); reproduced as {${USAGE_BIT_NAMES[ob.bit]}} -> {${USAGE_BIT_NAMES[nb.bit]}} on the same lock`;
      this.notes.push(note);
      this.warnings.push(note);
      cls.printedMask = 1 << ob.bit;
      cls.decl.comments.push(`usage reduced to {${USAGE_BIT_NAMES[ob.bit]}}: ${note.split(';')[0]}`);
    }
    cls.exclude |= 1 << nb.bit;
    cls.printedMask = (cls.printedMask ?? 0) | (1 << ob.bit);
    // The trace the old bit was registered with.
    if (r.registered && r.registered.frames.length) {
      const stack = this.stackOf(r.registered.frames);
      if (stack.length) cls.traced.push({ bits: 1 << ob.bit, read: isReadBit(ob.bit), initial: false, stack });
    } else this.missing.push(`the {${r.usageChange.old}} "state was registered at" trace`);
    this.planUsageTrigger(r.next, nb.bit, `the report: sets {${USAGE_BIT_NAMES[nb.bit]}} on a lock that is {${USAGE_BIT_NAMES[ob.bit]}}`);
  }

  // ------------------------------------------------------------------ irq inversion

  private planInversion(): void {
    const r = this.r;
    if (!r.next || !r.inversion) return this.noLockLines(!r.inversion ? 'the `but this lock took another / was taken by another …` line' : 'the lock (`… just changed the state of lock:` and the lock line after it)');
    const inv = r.inversion;
    const { cls } = this.classOf(r.next.cls.printed);
    const s = this.stateBase(inv.state);
    const m = cls.printedMask ?? 0;
    // The bit that just changed: forwards = the lock became S-safe (IN), backwards S-unsafe (ON).
    const pair = inv.forwards ? [s + 0, s + 1] : [s + 2, s + 3];
    const bit = pair.find((b) => has(m, b)) ?? pair[0]!;
    cls.exclude |= 1 << bit;
    this.collectTraces();
    // The path: blocks run from the found lock (deepest) to the root.
    const blocks = [...r.blocks];
    // A cut path: the root block (the lock that changed state) is always the last one.
    if (blocks.length > 0 && blocks[blocks.length - 1]!.cls.printed !== r.next.cls.printed) {
      this.missing.push(`the path blocks after ${blocks[blocks.length - 1]!.cls.printed} (the dependency from/to ${r.next.cls.printed} and its stack)`);
      blocks.push({ cls: r.next.cls, usageTraces: [] });
    }
    if (blocks.length === 0) {
      this.missing.push('the dependency path ("the shortest dependencies between 2nd lock and 1st lock")');
      if (inv.other.printed) {
        const pairs = inv.forwards ? [{ from: r.next.cls.printed, to: inv.other.printed }] : [{ from: inv.other.printed, to: r.next.cls.printed }];
        this.pathTasks(pairs, 20, 'the dependency (stack not in the report)');
      }
    } else {
      const pairs: { from: string; to: string; trace?: Trace }[] = [];
      for (let i = 0; i + 1 < blocks.length; i++) {
        const deeper = blocks[i]!;
        const shallower = blocks[i + 1]!;
        // forwards: the edge shallower → deeper was traced when deeper was taken;
        // backwards: deeper → shallower, traced when shallower was taken under deeper.
        if (inv.forwards) pairs.unshift(deeper.acquiredAt ? { from: shallower.cls.printed, to: deeper.cls.printed, trace: deeper.acquiredAt } : { from: shallower.cls.printed, to: deeper.cls.printed });
        else pairs.unshift(deeper.acquiredAt ? { from: deeper.cls.printed, to: shallower.cls.printed, trace: deeper.acquiredAt } : { from: deeper.cls.printed, to: shallower.cls.printed });
      }
      this.pathTasks(pairs, 20, inv.forwards ? 'path from the lock to the unsafe lock' : 'path from the safe lock to the lock');
    }
    this.planUsageTrigger(
      r.next,
      bit,
      `the report: ${r.next.cls.printed} becomes ${USAGE_BIT_NAMES[bit]} (${inv.forwards ? `it took the ${inv.state}-unsafe ${inv.other.printed} before` : `the ${inv.state}-safe ${inv.other.printed} took it before`})`,
    );
  }

  // ------------------------------------------------------------------ safe → unsafe

  private planSafeUnsafe(): void {
    const r = this.r;
    const su = r.safeUnsafe;
    if (!r.next || !su) return this.noLockLines(!su ? 'the dependency sections (`which would create a new lock dependency:` …)' : 'the lock being acquired (`… is trying to acquire:` and the lock line after it)');
    this.collectTraces();
    const pairs: { from: string; to: string; trace?: Trace; fromWrite?: boolean }[] = [];
    // Backwards blocks: safe lock (deepest, no acquired-at) … prev; block k's acquired-at is the
    // edge from the block before it.
    const bw = su.backwards;
    // Kernels before ~5.x printed this half with the forwards printer: every block has an
    // `... acquired at:`, and the edge into the next block is traced under the deeper one.
    const oldStyle = bw.length > 0 && bw[0]!.acquiredAt !== undefined;
    for (let i = 1; i < bw.length; i++) {
      const p: { from: string; to: string; trace?: Trace; fromWrite?: boolean } = { from: bw[i - 1]!.cls.printed, to: bw[i]!.cls.printed };
      const t = oldStyle ? bw[i - 1]!.acquiredAt : bw[i]!.acquiredAt;
      if (t) p.trace = t;
      // The backward search counts the safe lock's READ usage only through a dependency it was
      // write-held in (a reader there makes the entry only-xR): a `-READ-safe` safe lock at the far
      // end of the path was write-held when it took the next lock.
      if (i === 1 && su.state.endsWith('-READ')) p.fromWrite = true;
      pairs.push(p);
    }
    // Forwards blocks: unsafe lock (deepest) … next; block k (not the root) was reached from the next one.
    const fw = su.forwards;
    for (let i = 0; i + 1 < fw.length; i++) {
      const p: { from: string; to: string; trace?: Trace } = { from: fw[i + 1]!.cls.printed, to: fw[i]!.cls.printed };
      if (fw[i]!.acquiredAt) p.trace = fw[i]!.acquiredAt!;
      pairs.push(p);
    }
    if (bw.length === 0 && su.safe && r.prev && su.safe.printed !== r.prev.cls.printed) {
      this.missing.push('the dependencies between the irq-safe lock and the held lock');
      pairs.push({ from: su.safe.printed, to: r.prev.cls.printed });
    }
    if (fw.length === 0 && su.unsafe && su.unsafe.printed !== r.next.cls.printed) {
      this.missing.push('the dependencies between the lock to be acquired and the irq-unsafe lock');
      pairs.push({ from: r.next.cls.printed, to: su.unsafe.printed });
    }
    this.pathTasks(pairs, 20, 'dependency');
    const { stack, from } = this.reportStack(r.next.at);
    const key = stack.map(formatFrame).join('|');
    // The first use printed with the current stack says how next is being taken.
    const nextBlock = su.forwards[su.forwards.length - 1];
    const firstUse = nextBlock?.usageTraces.find((u) => /^INITIAL /.test(u.usage) && this.stackOf(u.trace.frames).map(formatFrame).join('|') === key);
    const next = this.nextAcq(stack, firstUse ? (firstUse.usage === 'INITIAL READ USE' ? 'read' : 'write') : undefined);
    // Bits of next printed with the current stack, which the reporting acquisition sets in the
    // state `[HC…:SC…:HE…:SE…]` shows, are left to it.
    const st = r.irqState;
    if (st) {
      const rr = next.read ? 1 : 0;
      let bits = 0;
      if (st.hc) bits |= 1 << (IN_HARDIRQ_W + rr);
      else if (st.sc) bits |= 1 << (IN_SOFTIRQ_W + rr);
      if (st.he) bits |= (1 << (HARDIRQ_ON_W + rr)) | (st.se ? 1 << (SOFTIRQ_ON_W + rr) : 0);
      for (const t of next.cls.traced) if (t.stack.map(formatFrame).join('|') === key) next.cls.exclude |= t.bits & bits;
    }
    const held = this.heldAcqs();
    // A prev held as a reader hides its READ usage from the check (only_xr): a `-READ-safe` report
    // about prev itself was made with prev write-held.
    if (su.state.endsWith('-READ') && r.prev && su.safe?.printed === r.prev.cls.printed) {
      const { cls: prevCls } = this.classOf(r.prev.cls.printed);
      for (let i = held.length - 1; i >= 0; i--) {
        if (held[i]!.cls === prevCls) {
          held[i]!.read = false;
          break;
        }
      }
    }
    const ctx = this.reportContext(stack);
    const b = new TaskBuilder(this);
    if (r.irqState && r.irqState.se === 1 && r.irqState.he === 0) b.preferIrqOff = true;
    this.runHeld(b, held, ctx, `the report runs in ${ctx} context`);
    if (r.irqState && ctx === 'process') b.lower({ irq: r.irqState.he === 1, bh: r.irqState.se === 1 });
    next.comment = `the report: ${r.next.cls.printed} under ${r.prev?.cls.printed ?? '?'} joins the ${su.state}-safe ${su.safe?.printed ?? '?'} to the ${su.state}-unsafe ${su.unsafe?.printed ?? '?'}`;
    b.acquire(next, { lower: !r.irqState });
    this.addTask(this.reportingTask(b, stack, [`the reporting task; its stack is ${from}`, this.heldComment()]), 100);
  }

  private noLockLines(what: string): void {
    throw new NoLockLines(what);
  }

  // ------------------------------------------------------------------ usage tasks

  private planUsageTasks(): void {
    const classes = [...this.classes.values()];
    let n = 0;
    for (const cls of classes) {
      if (!this.checked(cls) || cls.printedMask === undefined) continue;
      let target = this.target(cls);
      const bad = selfConflicts(target);
      if (bad) {
        this.warnings.push(`${cls.name}: printed usage {${cls.usageText}} is inconsistent in itself; leaving out ${maskString(bad)}`);
        target &= ~bad;
      }
      // Traced bits are always set by their own task (so the trace is the printed one); the rest
      // only when the other tasks do not set them anyway.
      const groups: { bits: number; read: boolean; initial: boolean; stack: Frame[]; traced: boolean }[] = [];
      const sameStack = (a: Frame[], b: Frame[]) => a.length === b.length && a.every((f, i) => formatFrame(f) === formatFrame(b[i]!));
      let tracedBits = 0;
      for (const t of cls.traced) {
        const bits = t.bits & target;
        if (!t.initial && bits === 0) continue;
        tracedBits |= bits;
        const g = groups.find((x) => x.read === t.read && sameStack(x.stack, t.stack) && compatible(x.bits | bits));
        if (g) {
          g.bits |= bits;
          if (t.initial) g.initial = true;
        } else groups.push({ bits, read: t.read, initial: t.initial, stack: t.stack, traced: true });
      }
      const untraced = target & ~tracedBits & ~cls.produced;
      for (const bit of bitsOf(untraced)) {
        const read = isReadBit(bit);
        const g = groups.find((x) => x.read === read && !x.initial && compatible(x.bits | (1 << bit)));
        if (g) g.bits |= 1 << bit;
        else groups.push({ bits: 1 << bit, read, initial: false, stack: cls.someStack ?? (cls.someIp ? [cls.someIp] : [PLACEHOLDER]), traced: false });
      }
      // A first use with no bits whose stack is that of the class's first acquisition in the
      // other tasks needs no task of its own (and the `ops:` count stays the kernel's).
      for (let i = groups.length - 1; i >= 0; i--) {
        const g = groups[i]!;
        if (!g.initial || g.bits !== 0) continue;
        const kindMatters = this.profile.usedRead;
        if (groups.some((o) => o !== g && (!kindMatters || o.read === g.read))) continue;
        const first = this.firstAcquisition(cls, kindMatters ? g.read : undefined);
        if (first && sameStack(first.stack, g.stack)) groups.splice(i, 1);
      }
      if (groups.length === 0) continue;
      // INITIAL USE first (the class's first acquisition), then the others.
      groups.sort((a, b) => Number(b.initial) - Number(a.initial));
      for (const g of groups) {
        n++;
        const b = new TaskBuilder(this);
        const ctx: Ctx = g.bits & ((1 << IN_HARDIRQ_W) | (1 << IN_HARDIRQ_R)) ? 'hardirq' : g.bits & ((1 << IN_SOFTIRQ_W) | (1 << IN_SOFTIRQ_R)) ? 'softirq' : 'process';
        const wantBh = (g.bits & ((1 << SOFTIRQ_ON_W) | (1 << SOFTIRQ_ON_R))) !== 0;
        const wantIrq = wantBh || (g.bits & ((1 << HARDIRQ_ON_W) | (1 << HARDIRQ_ON_R))) !== 0;
        if (ctx !== 'process') b.enter(ctx);
        if (ctx === 'hardirq') {
          // nothing: IRQs are off in a hard interrupt handler
        } else if (ctx === 'softirq') b.lower({ irq: wantIrq, bh: false });
        else b.lower({ irq: wantIrq, bh: wantBh });
        const read = g.read && readFlavourOf(cls.decl.kind) !== 'none';
        const a: Acq = { cls, subclass: 0, instance: 0, read };
        const ip = g.traced ? callerIp(g.stack) : cls.someIp;
        if (ip && ip !== g.stack[0]) a.ip = ip;
        b.acquire(a, { lower: false });
        b.releaseAll();
        if (ctx !== 'process') b.exit();
        const what = [g.initial ? (g.read ? 'INITIAL READ USE' : 'INITIAL USE') : undefined, ...bitsOf(g.bits).map((x) => USAGE_BIT_NAMES[x])].filter(Boolean).join(', ');
        this.addTask(
          {
            name: `usage${n}`,
            stack: g.stack,
            steps: b.steps,
            comments: [`${cls.name}: ${what}${g.traced ? ' (the stack the report prints for it)' : ' (stack not in the report)'}`],
          },
          n,
        );
      }
    }
  }

  /** The first acquisition of a class in the dependency and reporting tasks (in run order). */
  private firstAcquisition(cls: ClassInfo, read: boolean | undefined): PlanTask | undefined {
    const refs = (ref: string) => ref === cls.decl.id || ref.startsWith(`${cls.decl.id}@`);
    const acquires = (steps: PlanStep[]): boolean =>
      steps.some((st) => {
        if (st.op === 'hardirq' || st.op === 'softirq') return acquires(st.steps);
        if (st.op !== 'lock' && st.op !== 'read' && st.op !== 'trylock' && st.op !== 'read_trylock' && st.op !== 'recursive_read') return false;
        if (!refs(st.ref)) return false;
        const isRead = st.op === 'read' || st.op === 'read_trylock' || st.op === 'recursive_read';
        return read === undefined || isRead === read;
      });
    return [...this.tasks].sort((a, b) => a.order - b.order).find((t) => acquires(t.task.steps))?.task;
  }

  // ------------------------------------------------------------------ kernel frames

  private setKernelFrames(): void {
    const r = this.r;
    const kf = this.kernelFrames;
    if (r.kind === 'circular') {
      const e0 = r.chain.find((e) => e.index === 0);
      if (e0 && e0.trace.frames.length) kf.push({ key: 'lock_acquire', frames: e0.trace.frames.slice(0, internalPrefixLength(e0.trace.frames)), comment: 'the top of the `-> #0` entry' });
    }
    const usageTrace = [
      ...this.allBlocks().flatMap((b) => b.usageTraces.map((u) => u.trace)),
      r.registered,
      r.safeUnsafe?.safeTrace,
      r.safeUnsafe?.unsafeTrace,
    ].find((t): t is Trace => t !== undefined && t.frames.length > 0);
    if (usageTrace) kf.push({ key: 'usage', frames: usageTrace.frames.slice(0, internalPrefixLength(usageTrace.frames)), comment: 'the top of every usage trace' });
    if (r.kind === 'irq-inversion') {
      const root = r.blocks[r.blocks.length - 1];
      if (root?.acquiredAt?.frames.length) kf.push({ key: 'mark_lock', frames: root.acquiredAt.frames.slice(0, internalPrefixLength(root.acquiredAt.frames)), comment: "the top of the root block's `... acquired at:`" });
    }
    const keys = new Map<string, Frame>();
    for (const b of this.allBlocks()) if (b.key && !keys.has(b.cls.printed)) keys.set(b.cls.printed, b.key);
    [...keys].forEach(([printed, key], i) => {
      const e: Plan['kernelFrames'][number] = { key: `key:${printed}`, frames: [key] };
      if (i === 0) e.comment = 'the symbols `... key at:` prints for static lock class keys';
      kf.push(e);
    });
    const bt = r.backtrace?.frames ?? [];
    if (bt.length && r.kind !== 'lock-held-user') {
      const { stack } = this.reportStack();
      // The report path is everything before the reporting operation's own stack.
      const first = stack[0];
      const idx = first ? bt.findIndex((f, i) => formatFrame(f) === formatFrame(first) && bt.slice(i, i + stack.length).every((g, j) => formatFrame(g) === formatFrame(stack[j]!))) : -1;
      const internal = idx >= 0 ? bt.slice(0, idx) : splitCallTrace(bt).internal;
      kf.push({ key: r.kind, frames: internal, comment: 'the report path `Call Trace:` prints first' });
    }
  }

  /** Sections every report of the kind has, that this one lacks (besides those noted while planning). */
  private checkSections(): void {
    const r = this.r;
    if (r.kind !== 'lock-held-user' && !r.backtrace) {
      this.missing.push(`the stack backtrace (\`stack backtrace:\` / \`Call Trace:\`): the reporting task's stack is ${this.reportStack(r.next?.at).from}, cpu and hardware name are unknown`);
    } else if (r.backtrace && r.backtrace.frames.length === 0 && r.kind !== 'lock-held-user') {
      this.missing.push('the frames of `Call Trace:`');
    }
    if ((r.kind === 'circular' || r.kind === 'recursive' || r.kind === 'irq-safe-unsafe') && !r.prev) this.missing.push('the lock the task already holds (`but task is already holding lock:`)');
    if (r.kind === 'irq-safe-unsafe' && r.safeUnsafe && !r.safeUnsafe.safe) this.missing.push('the irq-safe lock (`but this new dependency connects a …-irq-safe lock:`)');
    if (r.kind === 'irq-safe-unsafe' && r.safeUnsafe && !r.safeUnsafe.unsafe) this.missing.push('the irq-unsafe lock (`to a …-irq-unsafe lock:`)');
  }

  // ------------------------------------------------------------------ assembling

  private assemble(): Plan {
    const r = this.r;
    const tasks = [...this.tasks].sort((a, b) => a.order - b.order).map((t) => t.task);
    const header: string[] = [];
    const who = r.task ? ` by ${r.task.comm}/${r.task.pid}` : '';
    header.push(`Imported by \`lockdep-sim import splat\` from ${this.file} (lines ${r.titleLine}-${r.lastLine}):`);
    header.push(`"${r.title}"${who}.`);
    header.push('');
    header.push('How it is reproduced: usage tasks give each class the usage bits the report prints (with the');
    header.push('printed stacks where there are some), dependency tasks record the dependencies it shows, and');
    header.push('the last task takes the held locks in order and then does what lockdep reported.');
    header.push('Kinds marked "guessed" are read off names, usage and wait types; check them against the source.');
    for (const n of this.notes) header.push(`Note: ${n}`);
    if (this.missing.length) {
      header.push('');
      header.push('Not in the report (the text is cut short), so not reproduced exactly:');
      for (const m of this.missing) header.push(`  - ${m}`);
    }
    if (r.nextGuessed) this.warnings.push(`the line introducing the lock (\`… is trying to acquire lock:\` or the like) is missing; taking the first lock line of the report`);
    if (r.titleMissing) this.warnings.push(`the report's title line is missing; read as "${r.title}" from its other lines`);
    for (const e of r.elisions) this.warnings.push(`line ${e.line}: "${e.text}": part of the report was left out`);
    for (const m of this.missing) this.warnings.push(`missing from the report: ${m}`);
    if (r.followingReport !== undefined) this.warnings.push(`another report starts at line ${r.followingReport}; only the first one is imported`);
    const plan: Plan = {
      header,
      kernel: this.kernel,
      kernelFrames: this.kernelFrames,
      classes: [...this.classes.values()].map((c) => c.decl),
      tasks,
      warnings: this.warnings,
    };
    if (this.kernelComment) plan.kernelComment = this.kernelComment;
    if (r.ident?.taint) plan.taint = r.ident.taint;
    if (r.hardware) plan.hardware = r.hardware;
    if (r.arch && r.arch.arch !== 'x86_64') plan.arch = r.arch;
    if (r.opsPrinted) plan.debugLockdep = true;
    const v = parseKernelVersion(this.kernel)!;
    if (this.rawNestingExplicit !== undefined && this.rawNestingExplicit !== kernelProfile(v).config.proveRawLockNesting) plan.proveRawLockNesting = this.rawNestingExplicit;
    return plan;
  }
}

/** Thrown when the report has no lock line to work from (index.ts turns it into an input error). */
export class NoLockLines extends Error {
  constructor(readonly what: string) {
    super(`missing: ${what}`);
  }
}

/** Can one acquisition set all these bits (one context, one irq state)? */
function compatible(bits: number): boolean {
  const inH = bits & ((1 << IN_HARDIRQ_W) | (1 << IN_HARDIRQ_R));
  const inS = bits & ((1 << IN_SOFTIRQ_W) | (1 << IN_SOFTIRQ_R));
  const onS = bits & ((1 << SOFTIRQ_ON_W) | (1 << SOFTIRQ_ON_R));
  const onH = bits & ((1 << HARDIRQ_ON_W) | (1 << HARDIRQ_ON_R));
  if (inH && (inS || onS || onH)) return false;
  if (inS && onS) return false;
  void onH;
  // Write and read bits come from different acquisitions.
  if (bits & 0x55 && bits & 0xaa) return false;
  return true;
}


/** Does a usage mask hold an inconsistent pair (reference §3.4a)? */
function selfConflicts(mask: number): number {
  let bad = 0;
  for (const s of [0, 4]) {
    const inW = has(mask, s + 0);
    const inR = has(mask, s + 1);
    const onW = has(mask, s + 2);
    const onR = has(mask, s + 3);
    if (inW && onW) bad |= 1 << (s + 2);
    if (inW && onR) bad |= 1 << (s + 3);
    if (inR && onW) bad |= 1 << (s + 2);
  }
  return bad;
}
