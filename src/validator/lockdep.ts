import type { Finding, FindingKind } from '../model/findings.js';
import type { TimelineEvent } from '../model/timeline.js';
import type { Frame } from '../model/frame.js';
import type { KernelProfile } from '../model/kernel.js';
import { kindIsUnchecked, waitTypeValues, waitTypesOf } from '../model/lock-kind.js';
import type { AcquireStep, LockClassDecl, LockRef, Step } from '../model/scenario.js';
import type { SourceSpan } from '../model/span.js';
import { ChainCache, type ChainNode } from './chain-cache.js';
import { DepGraph, bfsDiscover, calcDep, calcDepB, depKinds, rootEntry } from './dep-graph.js';
import { checkNoncircular } from './check-circular.js';
import { checkIrqUsage, markLockIrq } from './check-irq.js';
import { classDesc, heldDesc } from './describe.js';
import type { HeldLock, LockInstance } from './held-lock.js';
import { LockClass } from './lock-class.js';
import { TaskState } from './task-state.js';
import {
  ENABLED_HARDIRQ,
  ENABLED_SOFTIRQ,
  LOCK_USAGE_DIR_MASK,
  LOCK_USAGE_READ_MASK,
  USED,
  USED_IN_HARDIRQ,
  USED_IN_SOFTIRQ,
  USED_READ,
  USAGE_NAMES,
  usageString,
} from './usage.js';

/** Capacity limits (reference §1.7); configurable so users can see when a config bump is needed. */
export interface Limits {
  maxLockDepth: number;
  maxClasses: number;
  maxEntries: number;
  maxChains: number;
  maxChainHlocks: number;
}

export function defaultLimits(profile: KernelProfile): Limits {
  return { maxLockDepth: 48, maxClasses: profile.maxKeys, maxEntries: 32768, maxChains: 65536, maxChainHlocks: 327680 };
}

export interface EngineOptions {
  /** Stop after the first report, like the kernel (debug_locks = 0). */
  stopAfterFirst: boolean;
  limits: Limits;
}

/** Parameters of one __lock_acquire() call (a step, or a re-acquisition after release). */
interface AcquireArgs {
  decl: LockClassDecl;
  subclass: number;
  inst: LockInstance;
  read: 0 | 1 | 2;
  trylock: boolean;
  check: boolean;
  nest: LockInstance | undefined;
  ip: Frame;
  hardirqsOff: boolean;
  references: number;
  stack: Frame[];
  span: SourceSpan;
}

const MAX_LOCKDEP_SUBCLASSES = 8;
/** USED_IN_HARDIRQ(_READ) | USED_IN_SOFTIRQ(_READ) */
const USED_IN_ANY = 0b00110011;

/**
 * The lock validator: kernel/locking/lockdep.c's acquire/release pipeline over one shared
 * dependency graph and chain cache, with per-task held-lock stacks. Unlike the kernel it keeps
 * going after a report (unless stopAfterFirst), recording each distinct problem once.
 */
export class Lockdep {
  readonly profile: KernelProfile;
  readonly opts: EngineOptions;
  readonly graph = new DepGraph();
  readonly chains = new ChainCache();
  readonly classes: LockClass[] = [];
  readonly findings: Finding[] = [];
  /** debug_locks == 0: the kernel would be silent from now on (only with stopAfterFirst). */
  off = false;
  /** Timeline observer (teaching views); undefined on the fast path. */
  obs: ((e: TimelineEvent) => void) | undefined;
  events = 0;
  /** Class ids stored by cached chains (nr_chain_hlocks). */
  chainHlocks = 0;
  /** Classes with any USED_IN irq bit: while 0, no irq-safe → irq-unsafe search can find anything. */
  usedInClasses = 0;
  /** The debug counters of /proc/lockdep_stats. */
  readonly counters = {
    maxLockDepth: 0,
    cyclicChecks: 0,
    findMaskForwards: 0,
    findMaskBackwards: 0,
    hardirqOnEvents: 0,
    hardirqOffEvents: 0,
    redundantHardirqOns: 0,
    redundantHardirqOffs: 0,
    softirqOnEvents: 0,
    softirqOffEvents: 0,
    redundantSoftirqOns: 0,
    redundantSoftirqOffs: 0,
  };
  private readonly classByKey = new Map<string, LockClass>();
  /** Highest name_version per class name (count_matching_names()). */
  private readonly maxVersion = new Map<string, number>();
  private readonly declIndex = new Map<string, number>();
  private readonly instances = new Map<string, LockInstance[]>();
  private instanceCount = 0;
  private readonly decls = new Map<string, LockClassDecl>();
  private readonly dedupe = new Map<string, Finding>();
  private readonly waitValues;
  private limitReported = new Set<string>();
  /** Released held_lock entries, for reuse by lockAcquire(). */
  private readonly heldPool: HeldLock[] = [];
  /** The arguments of acquire() → lockAcquire(), reused (reacquire() makes its own). */
  private readonly args: AcquireArgs = {
    decl: undefined as unknown as LockClassDecl,
    subclass: 0,
    inst: undefined as unknown as LockInstance,
    read: 0,
    trylock: false,
    check: false,
    nest: undefined,
    ip: undefined as unknown as Frame,
    hardirqsOff: false,
    references: 0,
    stack: [],
    span: undefined as unknown as SourceSpan,
  };

  constructor(classes: readonly LockClassDecl[], profile: KernelProfile, opts: EngineOptions) {
    this.profile = profile;
    this.opts = opts;
    for (const d of classes) this.decls.set(d.id, d);
    this.waitValues = waitTypeValues(profile.config);
  }

  /** Declares a lock class after the start (streaming inputs discover classes as they go). */
  declareClass(d: LockClassDecl): void {
    if (!this.decls.has(d.id)) this.decls.set(d.id, d);
  }

  get modern(): boolean {
    return this.profile.era === 'modern';
  }

  // ---------------------------------------------------------------------------------------------
  // Reports

  /** Records a finding unless the same problem was already reported (then its count goes up). */
  report(f: Finding, key: string, opts: { keepOn?: boolean } = {}): void {
    if (this.off) return;
    const prev = this.dedupe.get(key);
    if (prev) {
      prev.count++;
    } else {
      this.dedupe.set(key, f);
      this.findings.push(f);
      this.obs?.({ type: 'finding', index: this.findings.length - 1 });
    }
    // A plain WARN() leaves lockdep on; reports and DEBUG_LOCKS_WARN_ON() switch it off.
    if (this.opts.stopAfterFirst && !opts.keepOn) this.off = true;
  }

  /** A DEBUG_LOCKS_WARN_ON() / WARN() inside lockdep: a `misuse` finding (DEBUG_LOCKS_WARN_ON turns lockdep off). */
  private misuse(t: TaskState, condition: string, message: string, stack: Frame[], span: SourceSpan, key: string, keepOn = false): void {
    this.report({ ...this.base(t, 'misuse', span, stack), kind: 'misuse', condition, message }, `misuse:${key}`, { keepOn });
  }

  base(t: TaskState, kind: FindingKind, span: SourceSpan, stack: Frame[]) {
    return {
      ruleId: `lockdep/${kind}`,
      at: span,
      task: { ...t.desc },
      context: t.inHardirq ? ('hardirq' as const) : t.inSoftirq ? ('softirq' as const) : ('process' as const),
      held: t.held.map(heldDesc),
      stack,
      count: 1,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Classes and instances

  instance(ref: LockRef): LockInstance {
    let list = this.instances.get(ref.lock);
    if (!list) this.instances.set(ref.lock, (list = []));
    let inst = list[ref.instance];
    if (!inst) {
      const decl = this.decls.get(ref.lock);
      if (!decl) throw new Error(`internal: undeclared lock ${ref.lock}`);
      const addr = 0xffff888000a00000n + BigInt(this.instanceCount++) * 0x1000n;
      inst = { decl, index: ref.instance, addr: addr.toString(16).padStart(16, '0'), classCache: [] };
      list[ref.instance] = inst;
    }
    return inst;
  }

  /** mirrors register_lock_class(): class identity is (key, subclass); the name gets a version. */
  private registerClass(decl: LockClassDecl, subclass: number, t: TaskState, span: SourceSpan, stack: Frame[]): LockClass | undefined {
    const k = `${decl.id}/${subclass}`;
    const found = this.classByKey.get(k);
    if (found) return found;
    if (this.classes.length >= this.opts.limits.maxClasses) {
      this.limit(t, 'MAX_LOCKDEP_KEYS', this.opts.limits.maxClasses, span, stack);
      if (this.off) return undefined;
    }
    let version = decl.version;
    if (version === undefined) {
      const sub0 = this.classByKey.get(`${decl.id}/0`);
      version = sub0 ? sub0.nameVersion : (this.maxVersion.get(decl.name) ?? 0) + 1;
    }
    if (version > (this.maxVersion.get(decl.name) ?? 0)) this.maxVersion.set(decl.name, version);
    let di = this.declIndex.get(decl.id);
    if (di === undefined) {
      di = this.declIndex.size;
      this.declIndex.set(decl.id, di);
    }
    const key = (0xffffc90000015040n + BigInt(di) * 0x88n + BigInt(subclass)).toString(16).padStart(16, '0');
    const wait = decl.wait ?? waitTypesOf(decl.kind, this.profile.config);
    const c = new LockClass(this.classes.length + 1, decl, subclass, version, key, wait);
    this.classes.push(c);
    this.classByKey.set(k, c);
    return c;
  }

  /** A capacity limit: reported once per limit (the kernel turns itself off). */
  limit(t: TaskState, limit: string, value: number, span: SourceSpan, stack: Frame[], depth?: number): void {
    if (this.limitReported.has(limit)) return;
    this.limitReported.add(limit);
    const f: Finding = { ...this.base(t, 'limit', span, stack), kind: 'limit', limit, value };
    if (depth !== undefined) f.depth = depth;
    this.report(f, `limit:${limit}`);
  }

  // ---------------------------------------------------------------------------------------------
  // Steps

  step(t: TaskState, s: Step): void {
    this.events++;
    if (this.off) {
      this.trackWhileOff(t, s);
      return;
    }
    if (this.obs) {
      this.obs({ type: 'step', task: t.index, step: t.def.steps.length ? t.pc % t.def.steps.length : t.pc, span: s.span });
      this.dispatch(t, s);
      this.obs({ type: 'held', task: t.index, held: t.held.map(heldDesc) });
      return;
    }
    this.dispatch(t, s);
  }

  private dispatch(t: TaskState, s: Step): void {
    switch (s.op) {
      case 'acquire':
        return this.acquireStep(t, s);
      case 'release':
        return this.release(t, s.ref, s.ip, s.stack, s.span);
      case 'downgrade':
        return this.downgrade(t, s.ref, s.ip, s.stack, s.span);
      case 'setsub':
        return this.setSubclass(t, s.ref, s.subclass, s.ip, s.stack, s.span);
      case 'irqoff':
        return this.hardirqsOff(t, s.ip);
      case 'irqon':
        return this.hardirqsOn(t, s.ip, s.stack);
      case 'bhoff':
        return this.softirqsOff(t, s.ip);
      case 'bhon':
        return s.hook ? this.softirqsOn(t, s.ip, s.stack) : this.localBhEnable(t, s.ip, s.stack, s.span);
      case 'irq-enter':
        t.enterIrq(s.context);
        return;
      case 'irq-exit':
        t.exitIrq();
        return;
      case 'free':
        return this.free(t, s.ref, s.stack, s.span);
      case 'sysexit':
        return this.sysExit(t, s.stack, s.span);
    }
  }

  /** After a report with stopAfterFirst, lockdep does nothing; only irq nesting is followed. */
  private trackWhileOff(t: TaskState, s: Step): void {
    if (s.op === 'irq-enter') t.enterIrq(s.context);
    else if (s.op === 'irq-exit') t.exitIrq();
  }

  private acquireStep(t: TaskState, s: AcquireStep): void {
    this.acquire(t, this.instance(s.ref), s.read, s.trylock, s.subclass, s.check, s.qrwlockRead === true, s.nest ? this.instance(s.nest) : undefined, s.ip, s.stack, s.span);
  }

  /** lock_acquire() of a resolved instance. */
  private acquire(
    t: TaskState,
    inst: LockInstance,
    read: 0 | 1 | 2,
    trylock: boolean,
    subclass: number,
    check: boolean,
    qrwlockRead: boolean,
    nest: LockInstance | undefined,
    ip: Frame,
    stack: Frame[],
    span: SourceSpan,
  ): void {
    const decl = inst.decl;
    // read_lock_is_recursive(): qrwlock readers are recursive only in interrupt context (modern).
    if (qrwlockRead) read = !this.modern || t.inInterrupt ? 2 : 1;
    check = check && !decl.novalidate && !kindIsUnchecked(decl.kind);
    if (subclass >= MAX_LOCKDEP_SUBCLASSES) {
      this.limit(t, 'MAX_LOCKDEP_SUBCLASSES', subclass, span, stack);
      return;
    }
    // The arguments of this (non-nested) call live in one reused object: lockAcquire() keeps none of it.
    const a = this.args;
    a.decl = decl;
    a.subclass = subclass;
    a.inst = inst;
    a.read = read;
    a.trylock = trylock;
    a.check = check;
    a.nest = nest;
    a.ip = ip;
    a.hardirqsOff = !t.hardirqsEnabled;
    a.references = 0;
    a.stack = stack;
    a.span = span;
    this.lockAcquire(t, a);
  }

  /**
   * Streaming fast path: step(t, acquire step) for an instance resolved once with instance() — no
   * Step object, no lookup by name. The result is exactly that of the equivalent step.
   */
  acquireInstance(
    t: TaskState,
    inst: LockInstance,
    read: 0 | 1 | 2,
    trylock: boolean,
    subclass: number,
    check: boolean,
    qrwlockRead: boolean,
    ip: Frame,
    stack: Frame[],
    span: SourceSpan,
  ): void {
    if (this.obs || this.off) {
      const s: AcquireStep = { op: 'acquire', ref: { lock: inst.decl.id, instance: inst.index }, read, trylock, subclass, check, ip, stack, span };
      if (qrwlockRead) s.qrwlockRead = true;
      this.step(t, s);
      return;
    }
    this.events++;
    this.acquire(t, inst, read, trylock, subclass, check, qrwlockRead, undefined, ip, stack, span);
  }

  /**
   * Streaming fast path: step(t, release step) for a resolved instance. `span` is copied when kept
   * (the caller may reuse its object).
   */
  releaseInstance(t: TaskState, inst: LockInstance, ip: Frame, stack: Frame[], span: SourceSpan): void {
    if (this.obs || this.off) {
      this.step(t, { op: 'release', ref: { lock: inst.decl.id, instance: inst.index }, ip, stack, span: { ...span } });
      return;
    }
    this.events++;
    this.releaseInst(t, inst, ip, stack, span, true);
  }

  /** mirrors __lock_acquire(). Returns 0 on a report (kernel: lockdep off), 1 pushed, 2 merged. */
  private lockAcquire(t: TaskState, a: AcquireArgs): 0 | 1 | 2 {
    // look_up_lock_class() through the map's class cache, else register_lock_class()
    let cls = a.inst.decl === a.decl ? a.inst.classCache[a.subclass] : undefined;
    if (!cls) {
      cls = this.registerClass(a.decl, a.subclass, t, a.span, a.stack);
      if (!cls) return 0;
      if (a.inst.decl === a.decl) a.inst.classCache[a.subclass] = cls;
    }
    cls.ops++;
    const depth = t.held.length;
    // Nest-lock merge: same class on top of the stack taken under a nest lock.
    if (depth) {
      const top = t.held[depth - 1]!;
      if (top.cls === cls && a.nest) {
        const refs = a.references || 1;
        if (!top.references) top.references++;
        top.references += refs;
        return 2;
      }
    }
    // A held_lock: a released one is reused (nothing keeps a reference to it: findings and the
    // timeline copy what they show), which spares the collector millions of short-lived objects.
    let h = this.heldPool.pop();
    if (h === undefined) {
      h = {
        cls,
        inst: a.inst,
        ip: a.ip,
        read: a.read,
        trylock: a.trylock,
        check: a.check,
        nest: a.nest,
        irqContext: t.irqContext,
        hardirqsOff: a.hardirqsOff,
        prevChain: t.chain,
        references: a.references,
        stack: a.stack,
        span: a.span,
      };
    } else {
      h.cls = cls;
      h.inst = a.inst;
      h.ip = a.ip;
      h.read = a.read;
      h.trylock = a.trylock;
      h.check = a.check;
      h.nest = a.nest;
      h.irqContext = t.irqContext;
      h.hardirqsOff = a.hardirqsOff;
      h.prevChain = t.chain;
      h.references = a.references;
      h.stack = a.stack;
      h.span = a.span;
    }
    // A report aborts __lock_acquire() in the kernel (lockdep is off afterwards). When we keep
    // going, the non-graph checks (wait context, usage, nest lock) do not stop the acquisition.
    if (this.profile.waitSuffix && cls.waitInner && !a.trylock) this.checkWaitContext(t, h);
    if (this.off) return 0;
    this.markUsage(t, h);
    if (this.off) return 0;
    // Chain key (iterate_chain_key); the first lock of an irq segment starts a new chain.
    let chain: ChainNode = t.chain;
    let chainHead = false;
    if (!depth || t.held[depth - 1]!.irqContext !== h.irqContext) {
      chain = this.chains.root;
      chainHead = true;
    }
    // hlock_id(): class index and (5.10+) read mode; encoded collision-free as idx·4 + read.
    chain = chain.child(cls.idx * 4 + (this.profile.readInChainKey ? h.read : 0));
    if (a.nest && !this.isHeld(t, a.nest)) {
      this.report(
        { ...this.base(t, 'nested-not-taken', a.span, a.stack), kind: 'nested-not-taken', next: heldDesc(h), nestName: a.nest.decl.name },
        `nested:${cls.idx}:${a.nest.decl.id}`,
      );
      if (this.off) return 0;
    }
    this.validateChain(t, h, chainHead, chain, a);
    if (this.off) return 0;
    // Push (also after a report: the real lock is held, later releases must balance).
    t.chain = chain;
    t.held.push(h);
    if (t.held.length > this.counters.maxLockDepth) this.counters.maxLockDepth = t.held.length;
    if (t.held.length === this.opts.limits.maxLockDepth) {
      this.limit(t, 'MAX_LOCK_DEPTH', this.opts.limits.maxLockDepth, a.span, a.stack, t.held.length);
      if (this.off) return 0;
    }
    return 1;
  }

  /** Locks in the current irq segment including next (chain->depth). */
  private segmentDepth(t: TaskState, next: HeldLock): number {
    let n = 1;
    for (let i = t.held.length - 1; i >= 0 && t.held[i]!.irqContext === next.irqContext; i--) n++;
    return n;
  }

  /** Class names of a chain key, bottom first (timeline only). */
  private chainNames(node: ChainNode): string[] {
    const out: string[] = [];
    for (let n: ChainNode | null = node; n && n.parent; n = n.parent) out.push(this.classes[(n.id >> 2) - 1]?.printedName ?? '?');
    return out.reverse();
  }

  /** __lock_is_held(): any held entry (every irq segment) for this map. */
  private isHeld(t: TaskState, inst: LockInstance): boolean {
    for (const h of t.held) if (this.matchHeld(t, h, inst)) return true;
    return false;
  }

  /**
   * mirrors match_held_lock(): same map, or a merged entry of the map's subclass-0 class. A merged
   * entry that was not itself taken with a nest lock is DEBUG_LOCKS_WARN_ON(!hlock->nest_lock)
   * (kernel probe p23): no match, and lockdep switches off.
   */
  private matchHeld(t: TaskState, h: HeldLock, inst: LockInstance): boolean {
    if (h.inst === inst) return true;
    if (h.references) {
      const c0 = this.classByKey.get(`${inst.decl.id}/0`);
      if (!c0) return false;
      if (!h.nest) {
        this.misuse(t, '!hlock->nest_lock', 'a merged held lock (references) that was not taken with a nest lock', t.held.length ? t.held[t.held.length - 1]!.stack : [], h.span, `nest-merge:${h.cls.idx}`);
        return false;
      }
      if (h.cls === c0) return true;
    }
    return false;
  }

  /** mirrors validate_chain(): trylocks and check=0 acquisitions are never validated. */
  private validateChain(t: TaskState, next: HeldLock, chainHead: boolean, chain: ChainNode, a: AcquireArgs): void {
    if (next.trylock || !next.check) return;
    const hit = this.chains.lookupAdd(chain, next.irqContext);
    if (this.obs) this.obs({ type: 'chain', task: t.index, chain: this.chainNames(chain), hit });
    if (hit) return;
    if (this.chains.chains > this.opts.limits.maxChains) {
      this.limit(t, 'MAX_LOCKDEP_CHAINS', this.opts.limits.maxChains, a.span, a.stack);
      if (this.off) return;
    }
    // add_chain_cache() stores the class ids of the chain's irq segment.
    this.chainHlocks += this.segmentDepth(t, next);
    if (this.chainHlocks > this.opts.limits.maxChainHlocks) {
      this.limit(t, 'MAX_LOCKDEP_CHAIN_HLOCKS', this.opts.limits.maxChainHlocks, a.span, a.stack);
      if (this.off) return;
    }
    const r = this.checkDeadlock(t, next, a);
    if (r === 0) return;
    // 5.1: a same-class recursive read is marked R and skipped as a future prev.
    if (r === 2 && !this.modern) next.read = 2;
    if (!chainHead && r !== 2) this.checkPrevsAdd(t, next, a);
  }

  /** mirrors check_deadlock(): the same class already held (any irq segment). 0 report, 1 ok, 2 nested/read recursion. */
  private checkDeadlock(t: TaskState, next: HeldLock, a: AcquireArgs): 0 | 1 | 2 {
    let nest: HeldLock | undefined;
    for (const prev of t.held) {
      if (next.nest && prev.inst === next.nest) nest = prev;
      if (prev.cls !== next.cls) continue;
      if (next.read === 2 && prev.read) {
        if (this.modern) continue;
        return 2;
      }
      if (nest) return 2;
      this.report(
        { ...this.base(t, 'recursive', a.span, a.stack), kind: 'recursive', next: heldDesc(next), prev: heldDesc(prev) },
        `recursive:${prev.cls.idx}:${next.cls.idx}`,
      );
      return 0;
    }
    return 1;
  }

  /**
   * mirrors check_prevs_add(): an edge from every trylock on top of the current irq segment and
   * from the first non-trylock below them; check=0 entries (and in 5.1 recursive readers) are
   * transparent.
   */
  private checkPrevsAdd(t: TaskState, next: HeldLock, a: AcquireArgs): boolean {
    const held = t.held;
    let depth = held.length;
    const top = depth;
    for (;;) {
      const distance = top - depth + 1;
      const prev = held[depth - 1]!;
      if (prev.check && (this.modern || prev.read !== 2)) {
        if (!this.checkPrevAdd(t, prev, next, distance, a)) return false;
        if (!prev.trylock) break;
      }
      depth--;
      if (!depth) break;
      if (held[depth]!.irqContext !== held[depth - 1]!.irqContext) break;
    }
    return true;
  }

  /** mirrors check_prev_add(): cycle check, irq-usage check, then record prev → next. */
  private checkPrevAdd(t: TaskState, prev: HeldLock, next: HeldLock, distance: number, a: AcquireArgs): boolean {
    if (!checkNoncircular(this, t, next, prev, a.span, a.stack)) return false;
    if (!checkIrqUsage(this, t, prev, next, a.span, a.stack)) return false;
    if (!this.modern && (next.read === 2 || prev.read === 2)) return true;
    const existing = this.graph.find(prev.cls, next.cls);
    if (existing) {
      if (distance === 1) {
        existing.fwd.distance = 1;
        existing.bwd.distance = 1;
      }
      if (this.modern) {
        existing.fwd.dep |= calcDep(prev.read, next.read);
        existing.bwd.dep |= calcDepB(prev.read, next.read);
      }
      this.obs?.({ type: 'dependency', from: prev.cls.printedName, to: next.cls.printedName, kinds: depKinds(existing.fwd.dep), added: false, span: a.span });
      return true;
    }
    // 5.1 always ran check_redundant(): no edge when next is already reachable from prev.
    if (!this.modern && checkRedundant(this, prev.cls, next.cls)) return true;
    if (this.graph.size * 2 + 2 > this.opts.limits.maxEntries) {
      this.limit(t, 'MAX_LOCKDEP_ENTRIES', this.opts.limits.maxEntries, a.span, a.stack);
      if (this.off) return false;
    }
    const d = this.graph.add(prev.cls, next.cls, prev.read, next.read, distance, a.stack, a.span, t.label);
    this.obs?.({ type: 'dependency', from: prev.cls.printedName, to: next.cls.printedName, kinds: depKinds(d.fwd.dep), added: true, span: a.span });
    return true;
  }

  /** mirrors check_wait_context(). */
  private checkWaitContext(t: TaskState, next: HeldLock): void {
    const inner = next.cls.waitInner;
    if (!inner || next.trylock) return;
    const outer = next.cls.wait.outer || inner;
    const w = this.waitValues;
    let depth = t.held.length - 1;
    for (; depth >= 0; depth--) if (t.held[depth]!.irqContext !== next.irqContext) break;
    depth++;
    // task_wait_context()
    const ctx = t.inHardirq ? w.SPIN : t.inSoftirq ? w.CONFIG : w.MAX;
    let curr = ctx;
    for (; depth < t.held.length; depth++) {
      const pi = t.held[depth]!.cls.waitInner;
      if (pi) curr = Math.min(curr, pi);
    }
    if (outer > curr) {
      this.report(
        { ...this.base(t, 'wait-context', next.span, next.stack), kind: 'wait-context', next: heldDesc(next), contextWait: ctx },
        `wait:${next.cls.idx}:${t.held.map((h) => h.cls.idx).join(',')}`,
      );
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Usage bits

  /** mirrors mark_usage(): the usage bits of this acquisition, in the kernel's order. */
  private markUsage(t: TaskState, h: HeldLock): void {
    const r = h.read ? LOCK_USAGE_READ_MASK : 0;
    // Fast path: every bit this acquisition would set is set already (markLock() would do nothing).
    let want = 1 << (h.read && this.profile.usedRead ? USED_READ : USED);
    if (h.check) {
      if (!h.trylock) {
        if (t.inHardirq) want |= 1 << (USED_IN_HARDIRQ + r);
        if (t.inSoftirq) want |= 1 << (USED_IN_SOFTIRQ + r);
      }
      if (!h.hardirqsOff) {
        want |= 1 << (ENABLED_HARDIRQ + r);
        if (t.softirqsEnabled) want |= 1 << (ENABLED_SOFTIRQ + r);
      }
    }
    if ((h.cls.usageMask & want) === want) return;
    if (h.check) {
      if (!h.trylock) {
        if (t.inHardirq) this.markLock(t, h, USED_IN_HARDIRQ + r, h.stack);
        if (this.off) return;
        if (t.inSoftirq) this.markLock(t, h, USED_IN_SOFTIRQ + r, h.stack);
        if (this.off) return;
      }
      if (!h.hardirqsOff) {
        this.markLock(t, h, ENABLED_HARDIRQ + r, h.stack);
        if (this.off) return;
        if (t.softirqsEnabled) this.markLock(t, h, ENABLED_SOFTIRQ + r, h.stack);
        if (this.off) return;
      }
    }
    this.markLock(t, h, USED, h.stack);
  }

  /** mirrors mark_lock(): set a bit once, save its trace, validate irq bits. */
  markLock(t: TaskState, h: HeldLock, bit: number, stack: Frame[]): boolean {
    if (bit === USED && h.read && this.profile.usedRead) bit = USED_READ;
    const c = h.cls;
    if (c.usageMask & (1 << bit)) return true;
    if (bit < 8 && !(bit & LOCK_USAGE_DIR_MASK) && !(c.usageMask & USED_IN_ANY)) this.usedInClasses++;
    c.usageMask |= 1 << bit;
    c.usageTraces[bit] = stack;
    this.obs?.({ type: 'usage', cls: c.printedName, bit: USAGE_NAMES[bit]!, usage: usageString(c.usageMask) });
    if (bit < USED) return markLockIrq(this, t, h, bit, stack);
    return true;
  }

  /** mirrors mark_held_locks(): irqs (or softirqs) get enabled with locks held. */
  private markHeldLocks(t: TaskState, base: number, stack: Frame[]): void {
    for (const h of t.held) {
      if (!h.check) continue;
      this.markLock(t, h, base + (h.read ? LOCK_USAGE_READ_MASK : 0), stack);
      if (this.off) return;
    }
  }

  private hardirqsOff(t: TaskState, ip: Frame): void {
    if (!t.hardirqsEnabled) {
      this.counters.redundantHardirqOffs++;
      return;
    }
    this.counters.hardirqOffEvents++;
    t.hardirqsEnabled = false;
    t.hardirqsOffEvent = { event: ++t.stamp, ip };
  }

  /** mirrors lockdep_hardirqs_on(): held locks become hardirq-unsafe (and softirq-unsafe if BH is on). */
  private hardirqsOn(t: TaskState, ip: Frame, stack: Frame[]): void {
    if (t.hardirqsEnabled) {
      this.counters.redundantHardirqOns++;
      return;
    }
    this.counters.hardirqOnEvents++;
    // lockdep_hardirqs_on_prepare() marks the held locks before lockdep_hardirqs_on() sets the flag and
    // records the event: a report raised here shows HE0 and the previous enable (kernel probe p32).
    this.markHeldLocks(t, ENABLED_HARDIRQ, stack);
    if (t.softirqsEnabled && !this.off) this.markHeldLocks(t, ENABLED_SOFTIRQ, stack);
    t.hardirqsEnabled = true;
    t.hardirqsOnEvent = { event: ++t.stamp, ip };
  }

  private softirqsOff(t: TaskState, ip: Frame): void {
    t.bhCount += 2;
    if (!t.softirqsEnabled) {
      this.counters.redundantSoftirqOffs++;
      return;
    }
    this.counters.softirqOffEvents++;
    t.softirqsEnabled = false;
    t.softirqsOffEvent = { event: ++t.stamp, ip };
  }

  /**
   * mirrors __local_bh_enable_ip() on a CONFIG_TRACE_IRQFLAGS kernel: irqs off, softirqs on (which
   * then marks nothing), irqs on again — always, even when they were off before, after a
   * lockdep_assert_irqs_enabled() warning (kernel probes p33, p34).
   */
  private localBhEnable(t: TaskState, ip: Frame, stack: Frame[], span: SourceSpan): void {
    if (!t.hardirqsEnabled && !t.inHardirq) this.misuse(t, 'irqs_disabled()', 'local_bh_enable() with irqs disabled (lockdep_assert_irqs_enabled)', stack, span, `bh-enable-irqs-off:${t.label}`, true);
    this.hardirqsOff(t, ip);
    this.softirqsOn(t, ip, stack);
    this.hardirqsOn(t, ip, stack);
  }

  /** mirrors lockdep_softirqs_on(). */
  private softirqsOn(t: TaskState, ip: Frame, stack: Frame[]): void {
    t.bhCount = Math.max(0, t.bhCount - 2);
    if (t.bhCount > 0 || t.inSoftirq) return;
    if (t.softirqsEnabled) {
      this.counters.redundantSoftirqOns++;
      return;
    }
    this.counters.softirqOnEvents++;
    t.softirqsEnabled = true;
    t.softirqsOnEvent = { event: ++t.stamp, ip };
    if (t.hardirqsEnabled) this.markHeldLocks(t, ENABLED_SOFTIRQ, stack);
  }

  // ---------------------------------------------------------------------------------------------
  // Release, downgrade, set_subclass

  /** mirrors find_held_lock(): top first, then down within the top's irq segment. */
  private findHeld(t: TaskState, inst: LockInstance): number {
    const held = t.held;
    let i = held.length - 1;
    if (i < 0) return -1;
    if (this.matchHeld(t, held[i]!, inst)) return i;
    for (i--; i >= 0; i--) {
      if (held[i + 1]!.irqContext !== held[i]!.irqContext) return -1;
      if (this.matchHeld(t, held[i]!, inst)) return i;
    }
    return -1;
  }

  private badUnlock(t: TaskState, inst: LockInstance, ip: Frame, stack: Frame[], span: SourceSpan): void {
    this.report(
      { ...this.base(t, 'bad-unlock', span, stack), kind: 'bad-unlock', mapName: inst.decl.name, ip },
      `bad-unlock:${inst.decl.id}:${span.file}:${span.line}:${span.col}`,
    );
  }

  /** mirrors __lock_release(): truncate at the entry and re-acquire everything above it. */
  private release(t: TaskState, ref: LockRef, ip: Frame, stack: Frame[], span: SourceSpan): void {
    this.releaseInst(t, this.instance(ref), ip, stack, span, false);
  }

  /** __lock_release() of a resolved instance; `copySpan`: the span object is the caller's to reuse. */
  private releaseInst(t: TaskState, inst: LockInstance, ip: Frame, stack: Frame[], span: SourceSpan, copySpan: boolean): void {
    const held = t.held;
    const i = this.findHeld(t, inst);
    if (i < 0) return this.badUnlock(t, inst, ip, stack, copySpan ? { ...span } : span);
    const h = held[i]!;
    if (h.references) {
      h.references--;
      if (h.references) return;
    }
    t.chain = h.prevChain;
    if (i === held.length - 1) {
      held.pop();
      if (this.heldPool.length < 1024) this.heldPool.push(h);
      return;
    }
    const depth = held.length;
    const above = held.splice(i);
    const where = copySpan ? { ...span } : span;
    const merged = 1 + this.reacquire(t, above.slice(1), stack, where);
    this.checkDepthAfterReacquire(t, depth - merged, 'lock_release', stack, where);
  }

  /**
   * mirrors reacquire_held_locks(): new chains (and edges) may appear, traced at the release site.
   * Returns the merges it counts (only a merge of the first re-acquired entry counts, as in the
   * kernel's `*merged += (idx == first_idx)`).
   */
  private reacquire(t: TaskState, entries: HeldLock[], stack: Frame[], span: SourceSpan): number {
    let merged = 0;
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k]!;
      const r = this.lockAcquire(t, {
        decl: e.cls.decl,
        subclass: e.cls.subclass,
        inst: e.inst,
        read: e.read,
        trylock: e.trylock,
        check: e.check,
        nest: e.nest,
        ip: e.ip,
        hardirqsOff: e.hardirqsOff,
        references: e.references,
        stack,
        span,
      });
      if (r === 2 && k === 0) merged++;
      if (this.off) break;
    }
    return merged;
  }

  /**
   * The depth check after a re-acquisition (DEBUG_LOCKS_WARN_ON(curr->lockdep_depth != depth - merged)
   * in __lock_release(), __lock_set_class() and __lock_downgrade()): an entry further up that merged
   * into the one below it leaves the stack one shorter than expected (kernel probe p25).
   */
  private checkDepthAfterReacquire(t: TaskState, expected: number, fn: string, stack: Frame[], span: SourceSpan): void {
    if (this.off || t.held.length === expected) return;
    this.misuse(t, 'curr->lockdep_depth != depth - merged', `${fn}(): re-acquiring the held locks merged an entry (held ${t.held.length}, expected ${expected})`, stack, span, `depth:${fn}:${span.file}:${span.line}:${span.col}`);
  }

  /** DEBUG_LOCKS_WARN_ON(!depth): re-setting the class of a held lock while holding none (a WARN, not a report). */
  private noLocksHeld(t: TaskState, fn: string, stack: Frame[], span: SourceSpan): void {
    this.misuse(t, '!depth', `${fn}() called with no lock held`, stack, span, `${fn}:${span.file}:${span.line}:${span.col}`);
  }

  /** mirrors lock_downgrade(): the entry becomes a reader (read = 1) with the downgrade site as ip. */
  private downgrade(t: TaskState, ref: LockRef, ip: Frame, stack: Frame[], span: SourceSpan): void {
    if (!t.held.length) return this.noLocksHeld(t, 'lock_downgrade', stack, span);
    const inst = this.instance(ref);
    const i = this.findHeld(t, inst);
    if (i < 0) return this.badUnlock(t, inst, ip, stack, span);
    const h = t.held[i]!;
    const depth = t.held.length;
    const above = t.held.splice(i);
    t.chain = h.prevChain;
    // A plain WARN(): lockdep stays on and the entry becomes (stays) read = 1 (kernel probe p27).
    if (h.read) this.misuse(t, 'hlock->read', 'downgrading a read lock', stack, span, `downgrade:${span.file}:${span.line}:${span.col}`, true);
    this.reacquire(t, [{ ...h, read: 1, ip }, ...above.slice(1)], stack, span);
    this.checkDepthAfterReacquire(t, depth, 'lock_downgrade', stack, span);
  }

  /** mirrors lock_set_subclass(): the entry is re-registered under class `name/N`. */
  private setSubclass(t: TaskState, ref: LockRef, subclass: number, ip: Frame, stack: Frame[], span: SourceSpan): void {
    if (!t.held.length) return this.noLocksHeld(t, 'lock_set_class', stack, span);
    const inst = this.instance(ref);
    const i = this.findHeld(t, inst);
    if (i < 0) return this.badUnlock(t, inst, ip, stack, span);
    const h = t.held[i]!;
    const cls = this.registerClass(h.cls.decl, subclass, t, span, stack);
    if (!cls) return;
    const depth = t.held.length;
    const above = t.held.splice(i);
    t.chain = h.prevChain;
    const merged = this.reacquire(t, [{ ...h, cls }, ...above.slice(1)], stack, span);
    this.checkDepthAfterReacquire(t, depth - merged, 'lock_set_class', stack, span);
  }

  // ---------------------------------------------------------------------------------------------
  // free, return to user space, end of task

  /** mirrors debug_check_no_locks_freed(): the freed page holds a held lock. */
  private free(t: TaskState, ref: LockRef, stack: Frame[], span: SourceSpan): void {
    const inst = this.instance(ref);
    const h = t.held.find((x) => x.inst === inst);
    if (!h) return;
    const start = BigInt(`0x${inst.addr}`);
    this.report(
      {
        ...this.base(t, 'held-lock-freed', span, stack),
        kind: 'held-lock-freed',
        from: inst.addr,
        to: (start + 0xfffn).toString(16).padStart(16, '0'),
        lock: heldDesc(h),
      },
      `freed:${h.cls.idx}:${span.line}:${span.col}`,
    );
  }

  /** mirrors lockdep_sys_exit(). */
  private sysExit(t: TaskState, stack: Frame[], span: SourceSpan): void {
    if (!t.held.length) return;
    this.report({ ...this.base(t, 'lock-held-user', span, stack), kind: 'lock-held-user' }, `user:${t.label}:${span.line}:${span.col}`);
  }

  /** Snapshot helper for other modules. */
  describeClass(c: LockClass) {
    return classDesc(c);
  }
}

/** mirrors check_redundant() (5.1): is `next` already reachable from `prev`? */
function checkRedundant(ld: Lockdep, prev: LockClass, next: LockClass): boolean {
  if (ld.graph.topo.provesNoPath(prev, next)) return false;
  return bfsDiscover(ld.graph, rootEntry(prev, false), 'forwards', (e) => e.cls === next) !== null;
}
