/**
 * What a printed class tells about the lock behind it: its key (name and `#N`), its subclass, its
 * usage bits (decoded per era), and a guess of its kind from the name, the usage and the wait type.
 */
import type { LockKind, WaitTypes } from '../../model/lock-kind.js';
import { waitTypesOf } from '../../model/lock-kind.js';

/** `name#N/sub` → name, version (1 when absent), subclass (0 when absent). */
export function splitPrintedName(printed: string): { name: string; version: number; subclass: number } {
  const m = /^(.*?)(?:#(\d+))?(?:\/(\d+))?$/s.exec(printed)!;
  const name = m[1]!;
  // A name that is only `#N` or `/N` is not a suffix: keep it whole.
  if (name === '') return { name: printed, version: 1, subclass: 0 };
  return { name, version: m[2] ? Number(m[2]) : 1, subclass: m[3] ? Number(m[3]) : 0 };
}

// ---------------------------------------------------------------------------------------------
// Usage bits (reference §3.1–3.2): bit = state·4 + dir·2 + read, state 0 HARDIRQ, 1 SOFTIRQ.

export const IN_HARDIRQ_W = 0;
export const IN_HARDIRQ_R = 1;
export const HARDIRQ_ON_W = 2;
export const HARDIRQ_ON_R = 3;
export const IN_SOFTIRQ_W = 4;
export const IN_SOFTIRQ_R = 5;
export const SOFTIRQ_ON_W = 6;
export const SOFTIRQ_ON_R = 7;

export const USAGE_BIT_NAMES = ['IN-HARDIRQ-W', 'IN-HARDIRQ-R', 'HARDIRQ-ON-W', 'HARDIRQ-ON-R', 'IN-SOFTIRQ-W', 'IN-SOFTIRQ-R', 'SOFTIRQ-ON-W', 'SOFTIRQ-ON-R'] as const;

export function bitOf(name: string): number | undefined {
  const i = (USAGE_BIT_NAMES as readonly string[]).indexOf(name);
  return i < 0 ? undefined : i;
}

export const isReadBit = (bit: number) => (bit & 1) === 1;
export const isEnabledBit = (bit: number) => (bit & 2) === 2;
export const stateOf = (bit: number): 'hardirq' | 'softirq' => (bit & 4 ? 'softirq' : 'hardirq');

/**
 * Decodes a printed usage string into a mask of the eight irq usage bits.
 * Modern (≥ 2.6.31): chars are [HARDIRQ-W, HARDIRQ-R, SOFTIRQ-W, SOFTIRQ-R](, RECLAIM_FS W/R);
 * `+` enabled, `-` used in, `?` both. Before 2.6.31 the four chars were [HARDIRQ-W, SOFTIRQ-W,
 * HARDIRQ-R, SOFTIRQ-R] with `+` meaning *used in* and `-` *enabled*. RECLAIM_FS (chars 5–6 of
 * 4.13-and-older strings) has no equivalent in the model and is ignored.
 */
export function decodeUsage(usage: string, oldEncoding = false): number {
  const chars = [...usage];
  let mask = 0;
  const set = (bitUsedIn: number, c: string | undefined, usedInChar: string, enabledChar: string) => {
    if (c === usedInChar || c === '?') mask |= 1 << bitUsedIn;
    if (c === enabledChar || c === '?') mask |= 1 << (bitUsedIn + 2);
  };
  if (oldEncoding && chars.length === 4) {
    set(IN_HARDIRQ_W, chars[0], '+', '-');
    set(IN_SOFTIRQ_W, chars[1], '+', '-');
    set(IN_HARDIRQ_R, chars[2], '+', '-');
    set(IN_SOFTIRQ_R, chars[3], '+', '-');
    return mask;
  }
  set(IN_HARDIRQ_W, chars[0], '-', '+');
  set(IN_HARDIRQ_R, chars[1], '-', '+');
  set(IN_SOFTIRQ_W, chars[2], '-', '+');
  set(IN_SOFTIRQ_R, chars[3], '-', '+');
  return mask;
}

/** The RECLAIM_FS chars of a 6-char usage string say the class was used under memory reclaim. */
export function hasReclaimUsage(usage: string | undefined): boolean {
  return usage !== undefined && usage.length === 6 && usage.slice(4) !== '..';
}

export function bitsOf(mask: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < 8; b++) if (mask & (1 << b)) out.push(b);
  return out;
}

export function maskString(mask: number): string {
  return bitsOf(mask)
    .map((b) => USAGE_BIT_NAMES[b])
    .join(', ');
}

// ---------------------------------------------------------------------------------------------
// Ids

/** A YAML class id (`[A-Za-z_][\w.-]*`) from a printed name: `&of->mutex` → `of_mutex`. */
export function idFromName(name: string): string {
  let id = name
    .replace(/->/g, '_')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (id === '') id = 'lock';
  if (/^\d/.test(id)) id = `l_${id}`;
  if (id.length > 48) id = id.slice(0, 48).replace(/_+$/, '');
  return id;
}

// ---------------------------------------------------------------------------------------------
// Kinds

export interface KindGuess {
  kind: LockKind;
  /** Why, for the YAML comment. */
  reason: string;
  /** Was the kind read off something certain (a name lockdep itself gives, e.g. rcu_read_lock)? */
  certain: boolean;
}

export interface KindEvidence {
  name: string;
  /** Decoded usage mask (irq bits). */
  mask: number;
  /** The class was printed with usage at all (`{....}` is 4 dots, undefined = never printed). */
  usagePrinted: boolean;
  wait?: { outer: number; inner: number };
  /** Acquisitions seen as reads / writes (primitives in traces, rlock( lines). */
  reads: boolean;
  writes: boolean;
  /** Raw-lock nesting in the profile (mutex {4:4}, spinlock {3:3}). */
  rawNesting: boolean;
  /** The era prints wait types (5.7+). */
  waitEra: boolean;
  /** The locking primitives in the class's printed stacks and the kinds they take (`__mutex_lock` → mutex). */
  primitives: { kind: LockKind; symbol: string }[];
}

const RCU_RE = /^(?:rcu_read_lock(?:_bh|_sched|_trace)?|rcu_callback|rcu_lock_map|rcu_bh_lock_map|rcu_sched_lock_map|&?\w*srcu\w*)$/;
const PERCPU_RWSEM_RE = /^(?:sb_writers|sb_internal|sb_pagefaults|cpu_hotplug_lock|percpu_rwsem|&?cgroup_threadgroup_rwsem|.*percpu_rwsem.*|&\w+->\w*rss_stat|freezer_rwsem|mem_hotplug_lock)$/;
const KERNFS_RE = /^(?:kn->count|kn->active|s_active)$/;
const MAP_RE = /^\(|^sk_lock-|^(?:console_lock|fs_reclaim|mmu_notifier_invalidate_range_start|lock#\d+|cpuhp_state(?:-up|-down)?|btrfs-\S+|&\S+->dep_map|lockdep_map|\S+_map)$|^\(\(|completion\)/;
const SEQCOUNT_RE = /seqcount|seqlock|->seq\b|_seq$|&\w+->seq$/;
const MUTEX_RE = /mutex|_mtx|\.mtx|->mtx|mtx$|lo_ctl_mutex|rtnl_mutex|_lock_key(?:#\d+)?$|i_mutex|uring_lock|&group->mutex|state_lock$/;
const RWSEM_RE = /sem$|sem\b|rwsem|mmap_lock|mmap_sem|rw_sema|_rwsem|i_mmap|s_umount|\.rwsem|invalidate_lock|i_rwsem|&type->i_mutex_dir_key|memory_lock|namespace_sem|bd_fsfreeze/;
const RWLOCK_RE = /rwlock|_rwlock|tasklist_lock|fa_lock|mrt_lock|&\w+->lock_rw|rw_lock\b|ctl_files_rwlock|ptype_lock/;
const RAW_RE = /raw|pi_lock|&rq->(?:__)?lock|wait_lock|&(?:cpu_)?base->lock|&\(?&?base->lock|hrtimer|jiffies|tick|console_owner|logbuf_lock|&p->pi_lock|&sem->wait_lock|&lock->wait_lock|&(?:\w+->)?raw_lock|pool_lock|&irq_desc_lock_class|irq_controller_lock|&\w+->irq_lock/;
const SPIN_NAME_RE = /rlock$|spinlock|_lock$|->lock$|lock(?:#\d+)?$|busylock|^slock-|&\w+->\w*lock\w*$/;

const READ_BITS = 0xaa;

/** The primitive seen in a trace, if it takes one of `kinds`. */
function byPrimitive(e: KindEvidence, kinds: readonly LockKind[], reason: string): KindGuess | undefined {
  const p = e.primitives.find((x) => kinds.includes(x.kind));
  return p ? { kind: p.kind, reason: `${reason}; a printed stack takes it with ${p.symbol}()`, certain: false } : undefined;
}

function sleeping(e: KindEvidence, reason: string): KindGuess {
  const p = byPrimitive(e, ['mutex', 'rw_semaphore', 'percpu_rw_semaphore'], reason);
  if (p) return p;
  if (e.reads || RWSEM_RE.test(e.name) || (e.mask & READ_BITS) !== 0) {
    return { kind: 'rw_semaphore', reason: `${reason}; readers or an rwsem name`, certain: false };
  }
  return { kind: 'mutex', reason, certain: false };
}

function spinning(e: KindEvidence, reason: string, raw: boolean): KindGuess {
  const p = byPrimitive(e, raw ? [] : ['rwlock'], reason);
  if (p) return p;
  const readBits = e.mask & READ_BITS;
  if (e.reads || readBits !== 0 || RWLOCK_RE.test(e.name)) return { kind: 'rwlock', reason: `${reason}; readers or an rwlock name`, certain: false };
  if (raw) return { kind: 'raw_spinlock', reason, certain: false };
  // `&(&x->lock)->rlock`: the raw lock inside a spinlock_t, named after the spinlock_t.
  if (/->rlock$/.test(e.name)) return { kind: 'spinlock', reason: `${reason}; a spinlock_t's ->rlock`, certain: false };
  if (RAW_RE.test(e.name)) return { kind: 'raw_spinlock', reason: `${reason}; a raw_spinlock name`, certain: false };
  return { kind: 'spinlock', reason, certain: false };
}

function lockdepMap(e: KindEvidence, reason: string): KindGuess {
  if (KERNFS_RE.test(e.name)) return { kind: 'kernfs_active', reason: `${reason}; a kernfs active reference`, certain: false };
  if (PERCPU_RWSEM_RE.test(e.name)) return { kind: 'percpu_rw_semaphore', reason: `${reason}; a percpu rwsem`, certain: false };
  if (SEQCOUNT_RE.test(e.name) && !e.writes) return { kind: 'seqcount', reason: `${reason}; a seqcount`, certain: false };
  return { kind: 'lockdep_map', reason: `${reason}; a bare lockdep_map (workqueue, socket, timer, …)`, certain: false };
}

/** Guesses a class's kind; the reason goes into the YAML comment. */
export function guessKind(e: KindEvidence): KindGuess {
  const n = e.name;
  const irqUsed = (e.mask & ((1 << 0) | (1 << 1) | (1 << 4) | (1 << 5))) !== 0;
  if (RCU_RE.test(n)) return { kind: 'rcu', reason: 'an RCU read-side map', certain: true };
  const w = e.wait;
  if (w) {
    const o = w.outer;
    const i = w.inner;
    const tag = `wait type {${o}:${i}}`;
    if (i === 0) return lockdepMap(e, `${tag} (not checked)`);
    if (o === 1) return { kind: 'rcu', reason: `${tag}: an RCU-type map`, certain: false };
    if (e.rawNesting) {
      if (i === 2) return { kind: 'raw_spinlock', reason: `${tag}: raw_spinlock_t`, certain: false };
      if (i === 3) return spinning(e, `${tag}: spinlock_t/rwlock_t`, false);
      if (i >= 4) return irqUsed ? spinning(e, `${tag} but used in interrupts`, false) : sleeping(e, `${tag}: a sleeping lock`);
    } else {
      if (i === 2) return spinning(e, `${tag}: a spinning lock`, false);
      if (i >= 3) return irqUsed ? spinning(e, `${tag} but used in interrupts`, false) : sleeping(e, `${tag}: a sleeping lock`);
    }
  }
  // Before 5.7 nothing says what a lock is but its name and the primitives in its stacks.
  if (/\.rw_sem$/.test(n)) return { kind: 'rw_semaphore', reason: 'the `.rw_sem` inside a percpu rwsem (before 5.7 its lockdep map)', certain: false };
  const p0 = e.primitives[0];
  const prim = p0?.kind;
  if (p0 && prim && !(irqUsed && (prim === 'mutex' || prim === 'rw_semaphore' || prim === 'percpu_rw_semaphore'))) {
    const by = `a printed stack takes it with ${p0.symbol}()`;
    if (prim === 'spinlock' || prim === 'rwlock') return { ...spinning({ ...e, primitives: [] }, by, false), ...(prim === 'rwlock' ? { kind: 'rwlock' as const } : {}) };
    if (prim === 'mutex' || prim === 'rw_semaphore') return { kind: prim === 'mutex' && !(e.reads || (e.mask & READ_BITS) !== 0) ? 'mutex' : 'rw_semaphore', reason: by, certain: false };
    if (prim === 'kernfs_active') return { kind: 'kernfs_active', reason: by, certain: false };
    return lockdepMap({ ...e, name: prim === 'percpu_rw_semaphore' && !PERCPU_RWSEM_RE.test(n) ? 'percpu_rwsem' : n }, by);
  }
  if (KERNFS_RE.test(n) || PERCPU_RWSEM_RE.test(n) || MAP_RE.test(n)) return lockdepMap(e, 'the name');
  if (!irqUsed && MUTEX_RE.test(n) && !RWLOCK_RE.test(n)) return sleeping(e, 'the name');
  if (!irqUsed && RWSEM_RE.test(n)) return { kind: 'rw_semaphore', reason: 'the name', certain: false };
  if (RWLOCK_RE.test(n)) return { kind: 'rwlock', reason: 'the name', certain: false };
  if (SPIN_NAME_RE.test(n) || irqUsed) return spinning(e, irqUsed ? 'used in interrupts' : 'the name', false);
  if (e.reads) return { kind: 'rw_semaphore', reason: 'read acquisitions', certain: false };
  return { kind: 'mutex', reason: 'nothing else to go by', certain: false };
}

/** Wait types to pin on a class so the re-run prints the same `-{o:i}` (undefined: the kind's own). */
export function waitToPin(kind: LockKind, printed: { outer: number; inner: number } | undefined, rawNesting: boolean): WaitTypes | undefined {
  if (!printed) return undefined;
  const own = waitTypesOf(kind, { proveRawLockNesting: rawNesting });
  const ownPrinted = own.outer !== 0 ? own.outer : own.inner;
  if (ownPrinted === printed.outer && own.inner === printed.inner) return undefined;
  return { outer: printed.outer === printed.inner ? 0 : printed.outer, inner: printed.inner };
}

/** Kinds whose acquisitions sleep (a sleeping lock in an irq handler is a bug of the report's own). */
export function isSleepingKind(k: LockKind): boolean {
  return k === 'mutex' || k === 'rw_semaphore' || k === 'percpu_rw_semaphore';
}
