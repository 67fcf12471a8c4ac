/**
 * What one lib/locking-selftest.c test function does, as lockdep sees it: a single task (the boot
 * task running locking_selftest()) whose steps are the lock_acquire()/lock_release() calls, irq
 * state changes and debug_check_no_locks_freed() calls the kernel's lock primitives make. `Kapi`
 * offers the primitives under the macro names the kernel file uses (L, WL, RSL, LOCK, IRQ_ENTER,
 * ...), so each ported test reads like its C original. Pure: builds a Scenario, runs nothing.
 */
import type { Frame } from '../model/frame.js';
import type { LockKind } from '../model/lock-kind.js';
import type { LockClassDecl, Scenario, Step } from '../model/scenario.js';

/** One lock variable of the test file (`lock_A`, `rwlock_X1`, ...): an instance of a class. */
export interface LockVar {
  /** Class id: the lock's key (`lock_A`; `lock_X` for lock_X1/lock_X2, which share init_class_X's key). */
  cls: string;
  kind: LockKind;
  instance: number;
}

/**
 * A DEBUG_LOCKS_WARN_ON() outside lockdep proper (the ww_mutex and mutex debugging code) that
 * switched debug_locks off. The validator does not model those layers; ww-mutex.ts does.
 */
export interface ApiWarning {
  /** The condition as the kernel source spells it, e.g. `ctx->done_acquire`. */
  condition: string;
  /** The kernel function holding the check. */
  fn: string;
  /** Number of lockdep steps recorded before the warning. */
  step: number;
}

/** LOCK()/UNLOCK()/INIT() of the locking-selftest-<flavour>.h header in effect (a table column). */
export type Flavour = 'spin' | 'wlock' | 'rlock' | 'mutex' | 'wsem' | 'rsem' | 'rtmutex';

/** IRQ_ENTER()/IRQ_DISABLE()/... of locking-selftest-{hardirq,softirq}.h. */
export type IrqKind = 'hardirq' | 'softirq';

export type LockName = 'A' | 'B' | 'C' | 'D' | 'X1' | 'X2' | 'Y1' | 'Y2' | 'Z1' | 'Z2';

/**
 * The lock families of the test file. A..D are static locks (one class each); X1/X2, Y1/Y2, Z1/Z2
 * are initialised by init_class_X/Y/Z(), so the two instances share one class. rt_mutex maps carry
 * LD_WAIT_SLEEP and are acquired exclusively, which is what the `mutex` kind models.
 */
const FAMILIES = {
  spin: { prefix: 'lock', kind: 'spinlock' },
  raw: { prefix: 'raw_lock', kind: 'raw_spinlock' },
  rwlock: { prefix: 'rwlock', kind: 'rwlock' },
  mutex: { prefix: 'mutex', kind: 'mutex' },
  rwsem: { prefix: 'rwsem', kind: 'rw_semaphore' },
  rtmutex: { prefix: 'rtmutex', kind: 'mutex' },
} as const satisfies Record<string, { prefix: string; kind: LockKind }>;

export type Family = keyof typeof FAMILIES;

export function lockVar(family: Family, x: LockName): LockVar {
  const f = FAMILIES[family];
  const shared = x.length === 2;
  return { cls: `${f.prefix}_${x[0]}`, kind: f.kind, instance: shared ? Number(x[1]) - 1 : 0 };
}

const span = (file: string, line: number) => ({ file, line, col: 1 });

/** The call chain under every step: the test function runs from dotest() at boot. */
const CALLERS: Frame[] = [
  { symbol: 'dotest', offset: 0x4e, size: 0x130 },
  { symbol: 'locking_selftest', offset: 0x1d5, size: 0x2a40 },
  { symbol: 'start_kernel', offset: 0x5c4, size: 0x820 },
  { symbol: 'secondary_startup_64_no_verify', offset: 0xce, size: 0xdb },
];

/** Records the steps of one test function. */
export class Program {
  /** The kernel's test function, e.g. `AA_spin` (used for frames and spans). */
  readonly fn: string;
  readonly steps: Step[] = [];
  readonly warnings: ApiWarning[] = [];
  /** force_read_lock_recursive: read_lock() is a recursive read everywhere (set for most tests). */
  readonly forceReadLockRecursive: boolean;
  private readonly classes = new Map<string, LockClassDecl>();
  private readonly file: string;
  /** Interrupt handlers entered and local_bh_disable() depth: in_interrupt() for read_lock(). */
  private irqNesting = 0;
  private bhDepth = 0;

  constructor(fn: string, forceReadLockRecursive: boolean) {
    this.fn = fn;
    this.forceReadLockRecursive = forceReadLockRecursive;
    this.file = `lib/locking-selftest.c:${fn}`;
  }

  /** read_lock_is_recursive(): forced, or in_interrupt() (which counts BH-disabled sections). */
  get readLockIsRecursive(): boolean {
    return this.forceReadLockRecursive || this.irqNesting > 0 || this.bhDepth > 0;
  }

  private base() {
    const line = this.steps.length + 1;
    const ip: Frame = { symbol: this.fn, offset: 0x10 + 0x8 * this.steps.length, size: 0x400 };
    return { ip, stack: [ip, ...CALLERS], span: span(this.file, line) };
  }

  private declare(v: LockVar): void {
    if (!this.classes.has(v.cls)) {
      this.classes.set(v.cls, { id: v.cls, name: v.cls, kind: v.kind, novalidate: false, span: span(this.file, 1) });
    }
  }

  /** lock_acquire(map, 0, trylock, read, 1, nest, ip). */
  acquire(v: LockVar, o: { read?: 0 | 1 | 2; trylock?: boolean; nest?: LockVar } = {}): void {
    this.declare(v);
    if (o.nest) this.declare(o.nest);
    const b = this.base();
    this.steps.push({
      op: 'acquire',
      ref: { lock: v.cls, instance: v.instance },
      read: o.read ?? 0,
      trylock: o.trylock ?? false,
      subclass: 0,
      ...(o.nest ? { nest: { lock: o.nest.cls, instance: o.nest.instance } } : {}),
      check: true,
      ...b,
    });
  }

  /** lock_release(map, ip). */
  release(v: LockVar): void {
    this.declare(v);
    this.steps.push({ op: 'release', ref: { lock: v.cls, instance: v.instance }, ...this.base() });
  }

  /** debug_check_no_locks_freed() over the memory holding v (every *_init() of a lock does it). */
  free(v: LockVar): void {
    this.declare(v);
    const { stack, span: sp } = this.base();
    this.steps.push({ op: 'free', ref: { lock: v.cls, instance: v.instance }, stack, span: sp });
  }

  irqoff(): void {
    this.steps.push({ op: 'irqoff', ...this.base() });
  }

  irqon(): void {
    this.steps.push({ op: 'irqon', ...this.base() });
  }

  bhoff(): void {
    this.bhDepth++;
    this.steps.push({ op: 'bhoff', ...this.base() });
  }

  bhon(): void {
    this.bhDepth = Math.max(0, this.bhDepth - 1);
    this.steps.push({ op: 'bhon', ...this.base() });
  }

  irqEnter(context: IrqKind): void {
    this.irqNesting++;
    const { stack, span: sp } = this.base();
    this.steps.push({ op: 'irq-enter', context, stack, span: sp });
  }

  irqExit(): void {
    this.irqNesting = Math.max(0, this.irqNesting - 1);
    const { stack, span: sp } = this.base();
    this.steps.push({ op: 'irq-exit', stack, span: sp });
  }

  /** A DEBUG_LOCKS_WARN_ON(condition) in `fn` fired (debug_locks is off from here on). */
  warn(condition: string, fn: string): void {
    this.warnings.push({ condition, fn, step: this.steps.length });
  }

  /**
   * The scenario lockdep sees. Steps after the first API warning are dropped: the kernel's
   * lockdep is off from that point (debug_locks = 0), so nothing after it can be reported.
   */
  toScenario(kernel: string): Scenario {
    const first = this.warnings[0];
    const steps = first ? this.steps.slice(0, first.step) : this.steps;
    return {
      file: this.file,
      kernel,
      classes: [...this.classes.values()],
      tasks: [{ name: 'swapper/0', pid: 0, cpu: 0, steps, span: span(this.file, 1) }],
      span: span(this.file, 1),
    };
  }
}

/**
 * The lock API of lib/locking-selftest.c under its macro names, for one flavour (table column)
 * and irq kind (hard/soft variant). Method names follow the C macros on purpose: a ported test
 * can be checked line by line against the kernel's.
 */
export class Kapi {
  readonly p: Program;
  readonly flavour: Flavour;
  readonly irq: IrqKind;

  constructor(p: Program, flavour: Flavour, irq: IrqKind) {
    this.p = p;
    this.flavour = flavour;
    this.irq = irq;
  }

  // spin_lock() and friends on spinlock_t lock_##x
  L(x: LockName): void {
    this.p.acquire(lockVar('spin', x));
  }
  U(x: LockName): void {
    this.p.release(lockVar('spin', x));
  }
  SI(x: LockName): void {
    this.p.free(lockVar('spin', x));
  }

  // rwlock_t rwlock_##x
  WL(x: LockName): void {
    this.p.acquire(lockVar('rwlock', x));
  }
  WU(x: LockName): void {
    this.p.release(lockVar('rwlock', x));
  }
  /** read_lock(): rwlock_acquire_read(), recursive (read = 2) when read_lock_is_recursive(), else 1. */
  RL(x: LockName): void {
    this.p.acquire(lockVar('rwlock', x), { read: this.p.readLockIsRecursive ? 2 : 1 });
  }
  RU(x: LockName): void {
    this.p.release(lockVar('rwlock', x));
  }
  RWI(x: LockName): void {
    this.p.free(lockVar('rwlock', x));
  }

  // struct mutex mutex_##x
  ML(x: LockName): void {
    this.p.acquire(lockVar('mutex', x));
  }
  MU(x: LockName): void {
    this.p.release(lockVar('mutex', x));
  }
  MI(x: LockName): void {
    this.p.free(lockVar('mutex', x));
  }

  // struct rt_mutex rtmutex_##x
  RTL(x: LockName): void {
    this.p.acquire(lockVar('rtmutex', x));
  }
  RTU(x: LockName): void {
    this.p.release(lockVar('rtmutex', x));
  }
  RTI(x: LockName): void {
    this.p.free(lockVar('rtmutex', x));
  }

  // struct rw_semaphore rwsem_##x: down_write() exclusive, down_read() shared non-recursive (read = 1)
  WSL(x: LockName): void {
    this.p.acquire(lockVar('rwsem', x));
  }
  WSU(x: LockName): void {
    this.p.release(lockVar('rwsem', x));
  }
  RSL(x: LockName): void {
    this.p.acquire(lockVar('rwsem', x), { read: 1 });
  }
  RSU(x: LockName): void {
    this.p.release(lockVar('rwsem', x));
  }
  RWSI(x: LockName): void {
    this.p.free(lockVar('rwsem', x));
  }

  // LOCK()/UNLOCK()/INIT() of the flavour header
  LOCK(x: LockName): void {
    switch (this.flavour) {
      case 'spin':
        return this.L(x);
      case 'wlock':
        return this.WL(x);
      case 'rlock':
        return this.RL(x);
      case 'mutex':
        return this.ML(x);
      case 'wsem':
        return this.WSL(x);
      case 'rsem':
        return this.RSL(x);
      case 'rtmutex':
        return this.RTL(x);
    }
  }
  UNLOCK(x: LockName): void {
    switch (this.flavour) {
      case 'spin':
        return this.U(x);
      case 'wlock':
        return this.WU(x);
      case 'rlock':
        return this.RU(x);
      case 'mutex':
        return this.MU(x);
      case 'wsem':
        return this.WSU(x);
      case 'rsem':
        return this.RSU(x);
      case 'rtmutex':
        return this.RTU(x);
    }
  }
  INIT(x: LockName): void {
    switch (this.flavour) {
      case 'spin':
        return this.SI(x);
      case 'wlock':
      case 'rlock':
        return this.RWI(x);
      case 'mutex':
        return this.MI(x);
      case 'wsem':
      case 'rsem':
        return this.RWSI(x);
      case 'rtmutex':
        return this.RTI(x);
    }
  }
  LOCK_UNLOCK_2(x: LockName, y: LockName): void {
    this.LOCK(x);
    this.LOCK(y);
    this.UNLOCK(y);
    this.UNLOCK(x);
  }

  // Simulated interrupt context (the selftest's own macros)
  /** local_irq_disable(); __irq_enter() */
  HARDIRQ_ENTER(): void {
    this.p.irqoff();
    this.p.irqEnter('hardirq');
  }
  /** __irq_exit(); local_irq_enable() */
  HARDIRQ_EXIT(): void {
    this.p.irqExit();
    this.p.irqon();
  }
  HARDIRQ_DISABLE(): void {
    this.p.irqoff();
  }
  HARDIRQ_ENABLE(): void {
    this.p.irqon();
  }
  /**
   * local_bh_disable(); local_irq_disable(); lockdep_softirq_enter(). The trailing irqoff keeps
   * hardirqs off inside the handler: the scenario model's softirq entry otherwise runs it with
   * hardirqs on (a tasklet, as the replay module does), which this macro does not.
   */
  SOFTIRQ_ENTER(): void {
    this.p.bhoff();
    this.p.irqoff();
    this.p.irqEnter('softirq');
    this.p.irqoff();
  }
  /** lockdep_softirq_exit(); local_irq_enable(); local_bh_enable() */
  SOFTIRQ_EXIT(): void {
    this.p.irqExit();
    this.p.irqon();
    this.p.bhon();
  }
  SOFTIRQ_DISABLE(): void {
    this.p.bhoff();
  }
  SOFTIRQ_ENABLE(): void {
    this.p.bhon();
  }

  IRQ_ENTER(): void {
    if (this.irq === 'hardirq') this.HARDIRQ_ENTER();
    else this.SOFTIRQ_ENTER();
  }
  IRQ_EXIT(): void {
    if (this.irq === 'hardirq') this.HARDIRQ_EXIT();
    else this.SOFTIRQ_EXIT();
  }
  IRQ_DISABLE(): void {
    if (this.irq === 'hardirq') this.HARDIRQ_DISABLE();
    else this.SOFTIRQ_DISABLE();
  }
  IRQ_ENABLE(): void {
    if (this.irq === 'hardirq') this.HARDIRQ_ENABLE();
    else this.SOFTIRQ_ENABLE();
  }
}
