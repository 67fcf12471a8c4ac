/**
 * The test cases of lib/locking-selftest.c as 6.1 runs them (CONFIG_PROVE_LOCKING, QUEUED_RWLOCKS,
 * RT_MUTEXES, no PREEMPT_RT, no PROVE_RAW_LOCK_NESTING), in the order locking_selftest() prints
 * them. Each test function is ported as a body over Kapi (program.ts), named after the kernel's
 * function; the layout helpers mirror the DO_TESTCASE_* macros, so the table comes out with the
 * same rows, columns and literal separators. Facts (lock orders, expectations) are the kernel's;
 * the code is ours.
 */
import { Kapi, Program, lockVar, type Flavour, type IrqKind, type LockName } from './program.js';
import { WwApi } from './ww-mutex.js';

/** dotest()'s expected outcome: FAILURE = lockdep (or lock debugging) must switch debug_locks off. */
export type Expect = 'SUCCESS' | 'FAILURE';

/** One dotest() call: one cell of the table. */
export interface SelftestCase {
  /** The kernel's test function, e.g. `AA_spin`, `irqsafe3_hard_rlock_132`, `ww_test_block_try`. */
  fn: string;
  expected: Expect;
  /** Records the test's lockdep calls (and ww_mutex debug checks) into a fresh program. */
  run: (p: Program) => void;
  /** force_read_lock_recursive while the test runs (cleared before the queued-rwlock tests). */
  forceReadLockRecursive: boolean;
}

/** A printed line: a literal printk(), or print_testname() followed by pr_cont() pieces and cells. */
export type SelftestLine =
  | { kind: 'text'; text: string }
  | { kind: 'row'; name: string; parts: (string | SelftestCase)[] };

type Body = (k: Kapi) => void;

const S: Expect = 'SUCCESS';
const F: Expect = 'FAILURE';
const PERMS3 = ['123', '132', '213', '231', '312', '321'] as const;
const PERMS2 = ['12', '21'] as const;
const RULE = `  ${'-'.repeat(74)}`;
/** pr_cont("             |"): an empty column pair in the read-lock rows. */
const GAP2 = '             |';
/** pr_cont("      |"): one empty column. */
const GAP1 = '      |';

/**
 * One dotest() cell. locking_selftest() sets force_read_lock_recursive for everything up to the
 * ww tests and clears it for the rest (queued rwlock, fs_reclaim, local_lock tests).
 */
function cell(fn: string, expected: Expect, flavour: Flavour, irq: IrqKind, body: Body, forceReadLockRecursive = true): SelftestCase {
  return { fn, expected, forceReadLockRecursive, run: (p) => body(new Kapi(p, flavour, irq)) };
}

/** A test that does not depend on the flavour headers (it names its locks itself). */
function plain(fn: string, expected: Expect, body: Body, forceReadLockRecursive = true): SelftestCase {
  return cell(fn, expected, 'spin', 'hardirq', body, forceReadLockRecursive);
}

/** A test run after force_read_lock_recursive was cleared; LOCK() is the wlock header's write_lock(). */
function late(fn: string, expected: Expect, body: Body): SelftestCase {
  return cell(fn, expected, 'wlock', 'hardirq', body, false);
}

/** A ww_mutex test: the body gets the ww API and the selftest's t, t2, o, o2, o3. */
interface WwVars {
  ww: WwApi;
  k: Kapi;
  t: ReturnType<WwApi['ctx']>;
  t2: ReturnType<WwApi['ctx']>;
  o: ReturnType<WwApi['mutex']>;
  o2: ReturnType<WwApi['mutex']>;
  o3: ReturnType<WwApi['mutex']>;
}
function ww(fn: string, expected: Expect, body: (v: WwVars) => void): SelftestCase {
  return plain(fn, expected, (k) => {
    const api = new WwApi(k.p);
    body({ ww: api, k, t: api.ctx(0), t2: api.ctx(1), o: api.mutex(0), o2: api.mutex(1), o3: api.mutex(2) });
  });
}

const text = (t: string): SelftestLine => ({ kind: 'text', text: t });
const row = (name: string, ...parts: (string | SelftestCase)[]): SelftestLine => ({ kind: 'row', name, parts });

const perm = (order: string, events: Body[]): Body => (k) => {
  for (const ch of order) events[Number(ch) - 1]!(k);
};

// ------------------------------------------------------------------------------------------------
// Deadlock tests over every lock type (DO_TESTCASE_6R / DO_TESTCASE_6)

const SIX: Flavour[] = ['spin', 'wlock', 'rlock', 'mutex', 'wsem', 'rsem', 'rtmutex'];

/** DO_TESTCASE_6R: every column must fail except rlock (recursive readers may nest). */
function do6R(desc: string, name: string, body: Body): SelftestLine {
  return row(desc, ...SIX.map((f) => cell(`${name}_${f}`, f === 'rlock' ? S : F, f, 'hardirq', body)));
}

/** DO_TESTCASE_6: every column must fail. */
function do6(desc: string, name: string, body: Body): SelftestLine {
  return row(desc, ...SIX.map((f) => cell(`${name}_${f}`, F, f, 'hardirq', body)));
}

/** AA: LOCK(X1); LOCK(X2), two instances of one class. */
const AA: Body = (k) => {
  k.LOCK('X1');
  k.LOCK('X2');
};
const pairs =
  (...ps: [LockName, LockName][]): Body =>
  (k) => {
    for (const [x, y] of ps) k.LOCK_UNLOCK_2(x, y);
  };
const double_unlock: Body = (k) => {
  k.LOCK('A');
  k.UNLOCK('A');
  k.UNLOCK('A');
};
const init_held: Body = (k) => {
  k.LOCK('A');
  k.INIT('A');
};

// ------------------------------------------------------------------------------------------------
// Read-lock tests (rlock = read_lock(), recursive here; rsem = down_read(), not recursive)

const rlock_AA1: Body = (k) => {
  k.RL('X1');
  k.RL('X1');
};
const rlock_AA1B: Body = (k) => {
  k.RL('X1');
  k.RL('X2');
};
const rsem_AA1: Body = (k) => {
  k.RSL('X1');
  k.RSL('X1');
};
const rsem_AA1B: Body = (k) => {
  k.RSL('X1');
  k.RSL('X2');
};
const rlock_AA2: Body = (k) => {
  k.RL('X1');
  k.WL('X2');
};
const rsem_AA2: Body = (k) => {
  k.RSL('X1');
  k.WSL('X2');
};
const rlock_AA3: Body = (k) => {
  k.WL('X1');
  k.RL('X2');
};
const rsem_AA3: Body = (k) => {
  k.WSL('X1');
  k.RSL('X2');
};
const rlock_ABBA1: Body = (k) => {
  k.RL('X1');
  k.L('Y1');
  k.U('Y1');
  k.RU('X1');
  k.L('Y1');
  k.WL('X1');
  k.WU('X1');
  k.U('Y1');
};
const rwsem_ABBA1: Body = (k) => {
  k.RSL('X1');
  k.ML('Y1');
  k.MU('Y1');
  k.RSU('X1');
  k.ML('Y1');
  k.WSL('X1');
  k.WSU('X1');
  k.MU('Y1');
};
/** The chain cache must tell read from write: B→A(read) is cached before B→A(write) comes. */
const rlock_chaincache_ABBA1: Body = (k) => {
  k.RL('X1');
  k.L('Y1');
  k.U('Y1');
  k.RU('X1');
  k.L('Y1');
  k.RL('X1');
  k.RU('X1');
  k.U('Y1');
  k.L('Y1');
  k.WL('X1');
  k.WU('X1');
  k.U('Y1');
};
const rlock_ABBA2: Body = (k) => {
  k.RL('X1');
  k.L('Y1');
  k.U('Y1');
  k.RU('X1');
  k.L('Y1');
  k.RL('X1');
  k.RU('X1');
  k.U('Y1');
};
const rwsem_ABBA2: Body = (k) => {
  k.RSL('X1');
  k.ML('Y1');
  k.MU('Y1');
  k.RSU('X1');
  k.ML('Y1');
  k.RSL('X1');
  k.RSU('X1');
  k.MU('Y1');
};
const rlock_ABBA3: Body = (k) => {
  k.WL('X1');
  k.L('Y1');
  k.U('Y1');
  k.WU('X1');
  k.L('Y1');
  k.WL('X1');
  k.WU('X1');
  k.U('Y1');
};
const rwsem_ABBA3: Body = (k) => {
  k.WSL('X1');
  k.ML('Y1');
  k.MU('Y1');
  k.WSU('X1');
  k.ML('Y1');
  k.WSL('X1');
  k.WSU('X1');
  k.MU('Y1');
};

/** Two acquisitions of rwlock x then y (W or R each), and the releases in reverse order. */
function rw2(x: [LockName, 'W' | 'R'], y: [LockName, 'W' | 'R']): Body {
  return (k) => {
    const take = (l: [LockName, 'W' | 'R']) => (l[1] === 'W' ? k.WL(l[0]) : k.RL(l[0]));
    const drop = (l: [LockName, 'W' | 'R']) => (l[1] === 'W' ? k.WU(l[0]) : k.RU(l[0]));
    take(x);
    take(y);
    drop(y);
    drop(x);
  };
}

/** The three-lock recursive-read families (GENERATE_PERMUTATIONS_3_EVENTS over rlock). */
const RW3: Record<string, Body[]> = {
  // write-read / write-read / write-read: a deadlock even if read is recursive
  W1R2_W2R3_W3R1: [rw2(['X1', 'W'], ['Y1', 'R']), rw2(['Y1', 'W'], ['Z1', 'R']), rw2(['Z1', 'W'], ['X1', 'R'])],
  // write-write / read-read / write-read: a deadlock even if read is recursive
  W1W2_R2R3_W3R1: [rw2(['X1', 'W'], ['Y1', 'W']), rw2(['Y1', 'R'], ['Z1', 'R']), rw2(['Z1', 'W'], ['X1', 'R'])],
  // write-read / read-read / write-write: no deadlock when read is recursive
  W1W2_R2R3_R3W1: [rw2(['X1', 'W'], ['Y1', 'R']), rw2(['Y1', 'R'], ['Z1', 'R']), rw2(['Z1', 'W'], ['X1', 'W'])],
  // write-write / read-read / read-write: no deadlock when read is recursive
  W1R2_R2R3_W3W1: [rw2(['X1', 'W'], ['Y1', 'W']), rw2(['Y1', 'R'], ['Z1', 'R']), rw2(['Z1', 'R'], ['X1', 'W'])],
};

/** DO_TESTCASE_6x1RR / 6x1RRB: six permutations, the rlock column only. */
function do6x1RR(desc: string, name: string, expected: Expect): SelftestLine[] {
  return PERMS3.map((nr) => row(`${desc}/${nr}`, GAP2, cell(`${name}_${nr}`, expected, 'rlock', 'hardirq', perm(nr, RW3[name]!))));
}

// ------------------------------------------------------------------------------------------------
// irq-context tests: spin, wlock and rlock, each in a hardirq and a softirq variant

const IRQ3: Flavour[] = ['spin', 'wlock', 'rlock'];

/** DO_TESTCASE_3 / 3RW: spin and wlock must fail, rlock must not. */
function do3(desc: string, name: string, irq: IrqKind | undefined, nr: string, events: Body[]): SelftestLine {
  const sub = irq ? `_${irq === 'hardirq' ? 'hard' : 'soft'}` : '';
  return row(`${desc}/${nr}`, ...IRQ3.map((f) => cell(`${name}${sub}_${f}_${nr}`, f === 'rlock' ? S : F, f, irq ?? 'hardirq', perm(nr, events))));
}

/** DO_TESTCASE_6I / 6IRW for one permutation: the hard- row then the soft- row. */
function do6I(desc: string, name: string, nr: string, events: Body[]): SelftestLine[] {
  return [do3(`hard-${desc}`, name, 'hardirq', nr, events), do3(`soft-${desc}`, name, 'softirq', nr, events)];
}

/** DO_TESTCASE_2RW: an empty spin column, wlock must fail, rlock must not. */
function do2RW(desc: string, name: string, irq: IrqKind, nr: string, events: Body[]): SelftestLine {
  const sub = irq === 'hardirq' ? 'hard' : 'soft';
  return row(
    `${desc}/${nr}`,
    GAP1,
    cell(`${name}_${sub}_wlock_${nr}`, F, 'wlock', irq, perm(nr, events)),
    cell(`${name}_${sub}_rlock_${nr}`, S, 'rlock', irq, perm(nr, events)),
  );
}

/** locking an irq-safe lock with irqs enabled */
const irqsafe1: Body[] = [
  (k) => {
    k.IRQ_ENTER();
    k.LOCK('A');
    k.UNLOCK('A');
    k.IRQ_EXIT();
  },
  (k) => {
    k.LOCK('A');
    k.UNLOCK('A');
  },
];
/** enabling hardirqs with a softirq-safe lock held */
const irqsafe2A: Body[] = [
  (k) => {
    k.SOFTIRQ_ENTER();
    k.LOCK('A');
    k.UNLOCK('A');
    k.SOFTIRQ_EXIT();
  },
  (k) => {
    k.HARDIRQ_DISABLE();
    k.LOCK('A');
    k.HARDIRQ_ENABLE();
    k.UNLOCK('A');
  },
];
/** enabling irqs with an irq-safe lock held */
const irqsafe2B: Body[] = [
  (k) => {
    k.IRQ_ENTER();
    k.LOCK('A');
    k.UNLOCK('A');
    k.IRQ_EXIT();
  },
  (k) => {
    k.IRQ_DISABLE();
    k.LOCK('A');
    k.IRQ_ENABLE();
    k.UNLOCK('A');
  },
];
/** acquiring an irq-unsafe lock while holding an irq-safe lock */
const irqsafe3: Body[] = [
  (k) => {
    k.LOCK('A');
    k.LOCK('B');
    k.UNLOCK('B');
    k.UNLOCK('A');
  },
  (k) => {
    k.LOCK('B');
    k.UNLOCK('B');
  },
  (k) => {
    k.IRQ_ENTER();
    k.LOCK('A');
    k.UNLOCK('A');
    k.IRQ_EXIT();
  },
];
/** a lock turns irq-safe after it took an irq-unsafe lock */
const irqsafe4: Body[] = [
  (k) => {
    k.IRQ_DISABLE();
    k.LOCK('A');
    k.LOCK('B');
    k.UNLOCK('B');
    k.UNLOCK('A');
    k.IRQ_ENABLE();
  },
  (k) => {
    k.LOCK('B');
    k.UNLOCK('B');
  },
  (k) => {
    k.IRQ_ENTER();
    k.LOCK('A');
    k.UNLOCK('A');
    k.IRQ_EXIT();
  },
];
/** read-lock / write-lock irq inversion (rwlock A, flavoured B) */
const irq_inversion: Body[] = [
  (k) => {
    k.IRQ_DISABLE();
    k.WL('A');
    k.LOCK('B');
    k.UNLOCK('B');
    k.WU('A');
    k.IRQ_ENABLE();
  },
  (k) => {
    k.LOCK('B');
    k.UNLOCK('B');
  },
  (k) => {
    k.IRQ_ENTER();
    k.RL('A');
    k.RU('A');
    k.IRQ_EXIT();
  },
];
/** read-lock / write-lock recursion that is actually safe */
const irq_read_recursion: Body[] = [
  (k) => {
    k.IRQ_DISABLE();
    k.WL('A');
    k.WU('A');
    k.IRQ_ENABLE();
  },
  (k) => {
    k.RL('A');
    k.RU('A');
  },
  (k) => {
    k.IRQ_ENTER();
    k.LOCK('A');
    k.L('B');
    k.U('B');
    k.UNLOCK('A');
    k.IRQ_EXIT();
  },
];
/** read-lock / write-lock recursion that is unsafe */
const irq_read_recursion2: Body[] = [
  (k) => {
    k.IRQ_DISABLE();
    k.L('B');
    k.LOCK('A');
    k.UNLOCK('A');
    k.U('B');
    k.IRQ_ENABLE();
  },
  (k) => {
    k.RL('A');
    k.RU('A');
  },
  (k) => {
    k.IRQ_ENTER();
    k.L('B');
    k.U('B');
    k.IRQ_EXIT();
  },
];
/** A is ENABLED_*_READ, B is USED_IN_*_READ: unsafe unless the inner acquisition is a read */
const irq_read_recursion3: Body[] = [
  (k) => {
    k.IRQ_DISABLE();
    k.WL('B');
    k.LOCK('A');
    k.UNLOCK('A');
    k.WU('B');
    k.IRQ_ENABLE();
  },
  (k) => {
    k.RL('A');
    k.RU('A');
  },
  (k) => {
    k.IRQ_ENTER();
    k.RL('B');
    k.RU('B');
    k.IRQ_EXIT();
  },
];

// ------------------------------------------------------------------------------------------------
// Wound/wait tests

/** The -EDEADLK set-up shared by the EDEADLK tests: o2 (and o3) locked by an older context t2. */
function edeadlkSetup(v: WwVars, lockO3: boolean): void {
  const { ww, t, t2, o, o2, o3 } = v;
  ww.mutexLock(o2);
  ww.mutexRelease(o2);
  o2.ctx = t2;
  if (lockO3) {
    ww.mutexLock(o3);
    ww.mutexRelease(o3);
    o3.ctx = t2;
  }
  ww.acquireInit(t);
  ww.copyCtx(t2, t);
  t2.stamp--;
  ww.lock(o, t);
  ww.lock(o2, t); // -EDEADLK
}

/** After -EDEADLK: hand o2 back (what its "other" owner would do). */
function edeadlkRelease(v: WwVars): void {
  const { ww, o2 } = v;
  o2.ctx = null;
  ww.mutexAcquire(o2, true);
  ww.mutexUnlock(o2);
}

const wwTests = (): SelftestLine[] => [
  text(RULE),
  text('  | Wound/wait tests |'),
  text('  ---------------------'),
  row(
    'ww api failures',
    ww('ww_test_fail_acquire', S, ({ ww: a, t, t2, o }) => {
      a.acquireInit(t);
      t.stamp++;
      a.lock(o, t);
      a.lock(o, t); // -EALREADY, no lockdep call
      a.trylock(o); // fails
      a.copyCtx(t2, t);
      t2.stamp++;
      a.lock(o, t2); // -EDEADLK
      a.unlock(o);
      if (a.trylock(o)) a.unlock(o);
    }),
    ww('ww_test_normal', S, ({ ww: a, t, o }) => {
      a.acquireInit(t);
      for (let i = 0; i < 3; i++) {
        // mutex_lock, _interruptible, _killable
        o.ctx = 'poison';
        a.mutexLock(o);
        a.mutexUnlock(o);
      }
      o.ctx = 'poison';
      if (a.mutexTrylock(o)) a.mutexUnlock(o);
      o.ctx = 'poison';
      a.mutexLock(o);
      a.mutexTrylock(o); // fails
      a.mutexUnlock(o);
      o.ctx = 'poison';
      a.mutexLock(o, t); // mutex_lock_nest_lock(&o.base, &t)
      a.mutexUnlock(o);
    }),
    ww('ww_test_unneeded_slow', F, ({ ww: a, t, o }) => {
      a.acquireInit(t);
      a.lockSlow(o, t);
    }),
  ),
  row(
    'ww contexts mixing',
    ww('ww_test_two_contexts', F, ({ ww: a, t, t2 }) => {
      a.acquireInit(t);
      a.acquireInit(t2);
    }),
    ww('ww_test_diff_class', F, ({ ww: a, t, o }) => {
      a.acquireInit(t);
      t.wwClass = null;
      a.lock(o, t);
    }),
  ),
  row(
    'finishing ww context',
    ww('ww_test_context_done_twice', F, ({ ww: a, t }) => {
      a.acquireInit(t);
      a.acquireDone(t);
      a.acquireDone(t);
      a.acquireFini(t);
    }),
    ww('ww_test_context_unlock_twice', F, ({ ww: a, t }) => {
      a.acquireInit(t);
      a.acquireDone(t);
      a.acquireFini(t);
      a.acquireFini(t);
    }),
    ww('ww_test_context_fini_early', F, ({ ww: a, t, o }) => {
      a.acquireInit(t);
      a.lock(o, t);
      a.acquireDone(t);
      a.acquireFini(t);
    }),
    ww('ww_test_context_lock_after_done', F, ({ ww: a, t, o }) => {
      a.acquireInit(t);
      a.acquireDone(t);
      a.lock(o, t);
    }),
  ),
  row(
    'locking mismatches',
    ww('ww_test_object_unlock_twice', F, ({ ww: a, o }) => {
      a.lock(o, null);
      a.unlock(o);
      a.unlock(o);
    }),
    ww('ww_test_object_lock_unbalanced', F, ({ ww: a, t, o }) => {
      a.acquireInit(t);
      a.lock(o, t);
      t.acquired = 0;
      a.unlock(o);
      a.acquireFini(t);
    }),
    ww('ww_test_object_lock_stale_context', F, ({ ww: a, t, t2, o }) => {
      a.acquireInit(t);
      o.ctx = t2;
      a.lock(o, t);
    }),
  ),
  row(
    'EDEADLK handling',
    ww('ww_test_edeadlk_normal', S, (v) => {
      edeadlkSetup(v, false);
      edeadlkRelease(v);
      v.ww.unlock(v.o);
      v.ww.lock(v.o2, v.t);
    }),
    ww('ww_test_edeadlk_normal_slow', S, (v) => {
      edeadlkSetup(v, false);
      edeadlkRelease(v);
      v.ww.unlock(v.o);
      v.ww.lockSlow(v.o2, v.t);
    }),
    ww('ww_test_edeadlk_no_unlock', F, (v) => {
      edeadlkSetup(v, false);
      edeadlkRelease(v);
      v.ww.lock(v.o2, v.t);
    }),
    ww('ww_test_edeadlk_no_unlock_slow', F, (v) => {
      edeadlkSetup(v, false);
      edeadlkRelease(v);
      v.ww.lockSlow(v.o2, v.t);
    }),
    ww('ww_test_edeadlk_acquire_more', F, (v) => {
      edeadlkSetup(v, false);
      v.ww.lock(v.o3, v.t);
    }),
    ww('ww_test_edeadlk_acquire_more_slow', F, (v) => {
      edeadlkSetup(v, false);
      v.ww.lockSlow(v.o3, v.t);
    }),
    ww('ww_test_edeadlk_acquire_more_edeadlk', F, (v) => {
      edeadlkSetup(v, true);
      v.ww.lock(v.o3, v.t);
    }),
    ww('ww_test_edeadlk_acquire_more_edeadlk_slow', F, (v) => {
      edeadlkSetup(v, true);
      v.ww.lockSlow(v.o3, v.t);
    }),
    ww('ww_test_edeadlk_acquire_wrong', F, (v) => {
      edeadlkSetup(v, false);
      v.ww.unlock(v.o);
      v.ww.lock(v.o3, v.t);
    }),
    ww('ww_test_edeadlk_acquire_wrong_slow', F, (v) => {
      edeadlkSetup(v, false);
      v.ww.unlock(v.o);
      v.ww.lockSlow(v.o3, v.t);
    }),
  ),
  row(
    'spinlock nest unlocked',
    ww('ww_test_spin_nest_unlocked', F, ({ k, o }) => {
      k.p.acquire(lockVar('spin', 'A'), { nest: o.map }); // spin_lock_nest_lock(&lock_A, &o.base)
      k.U('A');
    }),
  ),
  row(
    'spinlock nest test',
    plain('ww_test_spin_nest_lock', S, (k) => {
      const X1 = lockVar('spin', 'X1');
      k.L('X1');
      k.p.acquire(lockVar('spin', 'Y1'), { nest: X1 });
      k.L('A');
      k.p.acquire(lockVar('spin', 'Y2'), { nest: X1 });
      k.U('A');
      k.U('Y2');
      k.U('Y1');
      k.U('X1');
    }),
  ),
  text('  -----------------------------------------------------'),
  text('                                 |block | try  |context|'),
  text('  -----------------------------------------------------'),
  row(
    'context',
    ww('ww_test_context_block', F, ({ ww: a, t, o, o2 }) => {
      a.acquireInit(t);
      a.lock(o, t);
      a.lock(o2, null);
    }),
    ww('ww_test_context_try', S, ({ ww: a, t, o, o2 }) => {
      a.acquireInit(t);
      a.lock(o, t);
      a.trylock(o2);
      a.unlock(o2);
      a.unlock(o);
    }),
    ww('ww_test_context_context', S, ({ ww: a, t, o, o2 }) => {
      a.acquireInit(t);
      a.lock(o, t);
      a.lock(o2, t);
      a.unlock(o2);
      a.unlock(o);
    }),
  ),
  row(
    'try',
    ww('ww_test_try_block', F, ({ ww: a, o, o2 }) => {
      a.trylock(o);
      a.lock(o2, null);
      a.unlock(o2);
      a.unlock(o);
    }),
    ww('ww_test_try_try', S, ({ ww: a, o, o2 }) => {
      a.trylock(o);
      a.trylock(o2);
      a.unlock(o2);
      a.unlock(o);
    }),
    ww('ww_test_try_context', F, ({ ww: a, t, o, o2 }) => {
      a.trylock(o);
      a.acquireInit(t);
      a.lock(o2, t);
    }),
  ),
  row(
    'block',
    ww('ww_test_block_block', F, ({ ww: a, o, o2 }) => {
      a.lock(o, null);
      a.lock(o2, null);
    }),
    ww('ww_test_block_try', S, ({ ww: a, o, o2 }) => {
      a.lock(o, null);
      a.trylock(o2);
    }),
    ww('ww_test_block_context', F, ({ ww: a, t, o, o2 }) => {
      a.lock(o, null);
      a.acquireInit(t);
      a.lock(o2, t);
    }),
  ),
  row(
    'spinlock',
    ww('ww_test_spin_block', F, ({ ww: a, k, o }) => {
      k.L('A');
      k.U('A');
      a.lock(o, null);
      k.L('A');
      k.U('A');
      a.unlock(o);
      k.L('A');
      a.lock(o, null);
      a.unlock(o);
      k.U('A');
    }),
    ww('ww_test_spin_try', S, ({ ww: a, k, o }) => {
      k.L('A');
      k.U('A');
      a.trylock(o);
      k.L('A');
      k.U('A');
      a.unlock(o);
      k.L('A');
      a.trylock(o);
      a.unlock(o);
      k.U('A');
    }),
    ww('ww_test_spin_context', F, ({ ww: a, k, t, o }) => {
      k.L('A');
      k.U('A');
      a.acquireInit(t);
      a.lock(o, t);
      k.L('A');
      k.U('A');
      a.unlock(o);
      k.L('A');
      a.lock(o, t);
      a.unlock(o);
      k.U('A');
    }),
  ),
];

// ------------------------------------------------------------------------------------------------
// queued read lock tests (force_read_lock_recursive = 0: read_lock() is recursive only in interrupts)
// LOCK()/UNLOCK() here are the last flavour header included above them in the C file: wlock.

const queuedReadLockTests = (): SelftestLine[] => [
  text(RULE),
  text('  | queued read lock tests |'),
  text('  ---------------------------'),
  row(
    'hardirq read-lock/lock-read',
    late('queued_read_lock_hardirq_RE_Er', F, (k) => {
      k.HARDIRQ_ENTER();
      k.RL('A');
      k.LOCK('B');
      k.UNLOCK('B');
      k.RU('A');
      k.HARDIRQ_EXIT();
      k.HARDIRQ_DISABLE();
      k.LOCK('B');
      k.RL('A');
      k.RU('A');
      k.UNLOCK('B');
      k.HARDIRQ_ENABLE();
    }),
  ),
  row(
    'hardirq lock-read/read-lock',
    late('queued_read_lock_hardirq_ER_rE', S, (k) => {
      k.HARDIRQ_ENTER();
      k.LOCK('B');
      k.RL('A');
      k.RU('A');
      k.UNLOCK('B');
      k.HARDIRQ_EXIT();
      k.HARDIRQ_DISABLE();
      k.RL('A');
      k.LOCK('B');
      k.UNLOCK('B');
      k.RU('A');
      k.HARDIRQ_ENABLE();
    }),
  ),
  row(
    'hardirq inversion',
    late('queued_read_lock_hardirq_inversion', F, (k) => {
      k.HARDIRQ_ENTER();
      k.LOCK('B');
      k.UNLOCK('B');
      k.HARDIRQ_EXIT();
      k.HARDIRQ_DISABLE();
      k.LOCK('B');
      k.RL('A');
      k.RU('A');
      k.UNLOCK('B');
      k.HARDIRQ_ENABLE();
      k.RL('A');
      k.RU('A');
    }),
  ),
];

// ------------------------------------------------------------------------------------------------
// fs_reclaim tests: the __fs_reclaim_map (STATIC_LOCKDEP_MAP_INIT, wait type 0) taken by
// fs_reclaim_acquire() when the allocation may recurse into the filesystem. No MMU notifier map:
// the oracle kernel's fs_reclaim has no dependencies beyond itself (CONFIG_MMU_NOTIFIER off).

interface Gfp {
  directReclaim: boolean;
  fs: boolean;
}
const GFP_KERNEL: Gfp = { directReclaim: true, fs: true };
const GFP_NOFS: Gfp = { directReclaim: true, fs: false };
const FS_RECLAIM = { cls: 'fs_reclaim', kind: 'lockdep_map', instance: 0 } as const;

class Reclaim {
  private nofs = 0;
  constructor(private readonly k: Kapi) {}
  /** current_gfp_context() + __need_reclaim() + __GFP_FS */
  private takesMap(gfp: Gfp): boolean {
    return gfp.directReclaim && gfp.fs && this.nofs === 0;
  }
  acquire(gfp: Gfp): void {
    if (this.takesMap(gfp)) this.k.p.acquire(FS_RECLAIM);
  }
  release(gfp: Gfp): void {
    if (this.takesMap(gfp)) this.k.p.release(FS_RECLAIM);
  }
  /** might_alloc(): fs_reclaim_acquire() + fs_reclaim_release() */
  mightAlloc(gfp: Gfp): void {
    this.acquire(gfp);
    this.release(gfp);
  }
  nofsSave(): void {
    this.nofs++;
  }
  nofsRestore(): void {
    this.nofs--;
  }
}

const fsReclaimTests = (): SelftestLine[] => [
  text('  --------------------'),
  text('  | fs_reclaim tests |'),
  text('  --------------------'),
  row(
    'correct nesting',
    late('fs_reclaim_correct_nesting', S, (k) => {
      const r = new Reclaim(k);
      r.acquire(GFP_KERNEL);
      r.mightAlloc(GFP_NOFS);
      r.release(GFP_KERNEL);
    }),
  ),
  row(
    'wrong nesting',
    late('fs_reclaim_wrong_nesting', F, (k) => {
      const r = new Reclaim(k);
      r.acquire(GFP_KERNEL);
      r.mightAlloc(GFP_KERNEL);
      r.release(GFP_KERNEL);
    }),
  ),
  row(
    'protected nesting',
    late('fs_reclaim_protected_nesting', S, (k) => {
      const r = new Reclaim(k);
      r.acquire(GFP_KERNEL);
      r.nofsSave();
      r.mightAlloc(GFP_KERNEL);
      r.nofsRestore();
      r.release(GFP_KERNEL);
    }),
  ),
];

// ------------------------------------------------------------------------------------------------
// local_lock tests: local_lock() is lock_map_acquire() on a per-CPU map of LD_LOCK_PERCPU type,
// which the irq-inversion searches skip.

const LOCAL_A = { cls: 'local_A', kind: 'local_lock', instance: 0 } as const;

const localLockInversion = (k: Kapi, withB: boolean) => {
  k.p.acquire(LOCAL_A); // IRQ-ON
  if (withB) {
    k.L('B'); // IRQ-ON
    k.U('B');
  }
  k.p.release(LOCAL_A);
  k.HARDIRQ_ENTER();
  k.L('A'); // IN-IRQ
  k.U('A');
  k.HARDIRQ_EXIT();
  k.HARDIRQ_DISABLE();
  k.L('A');
  k.p.acquire(LOCAL_A); // IN-IRQ <-> IRQ-ON cycle only through local_lock(): no report
  k.p.release(LOCAL_A);
  k.U('A');
  k.HARDIRQ_ENABLE();
};

const localLockTests = (): SelftestLine[] => [
  text(RULE),
  text('  | local_lock tests |'),
  text('  ---------------------'),
  row('local_lock inversion  2', late('local_lock_2', S, (k) => localLockInversion(k, false))),
  row('local_lock inversion 3A', late('local_lock_3A', S, (k) => localLockInversion(k, true))),
  row(
    'local_lock inversion 3B',
    late('local_lock_3B', F, (k) => {
      localLockInversion(k, true);
      k.HARDIRQ_DISABLE();
      k.L('A');
      k.L('B'); // IN-IRQ <-> IRQ-ON cycle, true
      k.U('B');
      k.U('A');
      k.HARDIRQ_DISABLE(); // sic: the kernel's test ends with irqs still off
    }),
  ),
];

/** lock_A → lock_B → lock_C → lock_D is hardirq-safe → hardirq-unsafe; mutex_A → lock_C → lock_D is no softirq problem. */
const hardirq_deadlock_softirq_not_deadlock: Body = (k) => {
  k.ML('A');
  k.HARDIRQ_DISABLE();
  k.L('C');
  k.U('C');
  k.HARDIRQ_ENABLE();
  k.MU('A');

  k.HARDIRQ_ENTER();
  k.L('A');
  k.U('A');
  k.HARDIRQ_EXIT();

  k.HARDIRQ_DISABLE();
  k.L('A');
  k.L('B');
  k.U('B');
  k.U('A');
  k.HARDIRQ_ENABLE();

  k.HARDIRQ_DISABLE();
  k.L('B');
  k.L('C');
  k.U('C');
  k.U('B');
  k.HARDIRQ_ENABLE();

  k.SOFTIRQ_ENTER();
  k.L('D');
  k.U('D');
  k.SOFTIRQ_EXIT();

  k.SOFTIRQ_DISABLE();
  k.L('D');
  k.U('D');
  k.SOFTIRQ_ENABLE();

  k.HARDIRQ_DISABLE();
  k.L('C');
  k.L('D');
  k.U('D');
  k.U('C');
  k.HARDIRQ_ENABLE();
};

// ------------------------------------------------------------------------------------------------
// The whole table, as locking_selftest() prints it

function buildTable(): SelftestLine[] {
  return [
    text('------------------------'),
    text('| Locking API testsuite:'),
    text('-'.repeat(76)),
    text('                                 | spin |wlock |rlock |mutex | wsem | rsem |rtmutex'),
    text(RULE),
    do6R('A-A deadlock', 'AA', AA),
    do6R('A-B-B-A deadlock', 'ABBA', pairs(['A', 'B'], ['B', 'A'])),
    do6R('A-B-B-C-C-A deadlock', 'ABBCCA', pairs(['A', 'B'], ['B', 'C'], ['C', 'A'])),
    do6R('A-B-C-A-B-C deadlock', 'ABCABC', pairs(['A', 'B'], ['C', 'A'], ['B', 'C'])),
    do6R('A-B-B-C-C-D-D-A deadlock', 'ABBCCDDA', pairs(['A', 'B'], ['B', 'C'], ['C', 'D'], ['D', 'A'])),
    do6R('A-B-C-D-B-D-D-A deadlock', 'ABCDBDDA', pairs(['A', 'B'], ['C', 'D'], ['B', 'D'], ['D', 'A'])),
    do6R('A-B-C-D-B-C-D-A deadlock', 'ABCDBCDA', pairs(['A', 'B'], ['C', 'D'], ['B', 'C'], ['D', 'A'])),
    do6('double unlock', 'double_unlock', double_unlock),
    do6('initialize held', 'init_held', init_held),
    text(RULE),
    row('recursive read-lock', GAP2, plain('rlock_AA1', S, rlock_AA1), GAP2, plain('rsem_AA1', F, rsem_AA1)),
    row('recursive read-lock #2', GAP2, plain('rlock_AA1B', S, rlock_AA1B), GAP2, plain('rsem_AA1B', F, rsem_AA1B)),
    row('mixed read-write-lock', GAP2, plain('rlock_AA2', F, rlock_AA2), GAP2, plain('rsem_AA2', F, rsem_AA2)),
    row('mixed write-read-lock', GAP2, plain('rlock_AA3', F, rlock_AA3), GAP2, plain('rsem_AA3', F, rsem_AA3)),
    row('mixed read-lock/lock-write ABBA', GAP2, plain('rlock_ABBA1', F, rlock_ABBA1), GAP2, plain('rwsem_ABBA1', F, rwsem_ABBA1)),
    row('mixed read-lock/lock-read ABBA', GAP2, plain('rlock_ABBA2', S, rlock_ABBA2), GAP2, plain('rwsem_ABBA2', F, rwsem_ABBA2)),
    row('mixed write-lock/lock-write ABBA', GAP2, plain('rlock_ABBA3', F, rlock_ABBA3), GAP2, plain('rwsem_ABBA3', F, rwsem_ABBA3)),
    row('chain cached mixed R-L/L-W ABBA', GAP2, plain('rlock_chaincache_ABBA1', F, rlock_chaincache_ABBA1)),
    ...do6x1RR('rlock W1R2/W2R3/W3R1', 'W1R2_W2R3_W3R1', F),
    ...do6x1RR('rlock W1W2/R2R3/W3R1', 'W1W2_R2R3_W3R1', F),
    ...do6x1RR('rlock W1W2/R2R3/R3W1', 'W1W2_R2R3_R3W1', S),
    ...do6x1RR('rlock W1R2/R2R3/W3W1', 'W1R2_R2R3_W3W1', S),
    text(RULE),
    ...PERMS2.flatMap((nr) => do6I('irqs-on + irq-safe-A', 'irqsafe1', nr, irqsafe1)),
    ...PERMS2.map((nr) => do3('sirq-safe-A => hirqs-on', 'irqsafe2A', undefined, nr, irqsafe2A)),
    ...PERMS2.flatMap((nr) => do6I('safe-A + irqs-on', 'irqsafe2B', nr, irqsafe2B)),
    ...PERMS3.flatMap((nr) => do6I('safe-A + unsafe-B #1', 'irqsafe3', nr, irqsafe3)),
    ...PERMS3.flatMap((nr) => do6I('safe-A + unsafe-B #2', 'irqsafe4', nr, irqsafe4)),
    ...PERMS3.flatMap((nr) => do6I('irq lock-inversion', 'irq_inversion', nr, irq_inversion)),
    ...(['irq_read_recursion', 'irq_read_recursion2', 'irq_read_recursion3'] as const).flatMap((name, i) =>
      PERMS3.flatMap((nr) => {
        const desc = `irq read-recursion${i ? ` #${i + 1}` : ''}`;
        const events = [irq_read_recursion, irq_read_recursion2, irq_read_recursion3][i]!;
        return [do2RW(`hard-${desc}`, name, 'hardirq', nr, events), do2RW(`soft-${desc}`, name, 'softirq', nr, events)];
      }),
    ),
    ...wwTests(),
    ...queuedReadLockTests(),
    ...fsReclaimTests(),
    ...localLockTests(),
    row('hardirq_unsafe_softirq_safe', late('hardirq_deadlock_softirq_not_deadlock', F, hardirq_deadlock_softirq_not_deadlock)),
  ];
}

/** The 6.1 self-test table, line by line (the summary lines are appended when it is rendered). */
export const LOCKING_SELFTEST: readonly SelftestLine[] = buildTable();

/** Every dotest() cell, in the order the kernel runs them. */
export function selftestCases(lines: readonly SelftestLine[] = LOCKING_SELFTEST): SelftestCase[] {
  return lines.flatMap((l) => (l.kind === 'row' ? l.parts.filter((p): p is SelftestCase => typeof p !== 'string') : []));
}
