/**
 * What the lock tracepoints do not say, and what the trace importer assumes instead. The events carry
 * the map address, the map name and two flags (try, read); lock_acquire()'s subclass, check, nest_lock,
 * ip and the read value (1 or 2) are not printed (reference §5.1). The name rules below are the 6.1
 * kernel's; users add their own with the CLI options.
 */

/** How `read` is resolved for a map name. */
export type ReadRule =
  /** read = 2: rcu_read_lock*, srcu, seqcount readers, lock_map_acquire_read() workqueue maps. */
  | 'recursive'
  /** rwlock_t: read = 2 in interrupt context (bh disabled included), else 1 (read_lock_is_recursive()). */
  | 'qrwlock'
  /** read = 1: rw_semaphore, percpu_rw_semaphore, kernfs active references (the default). */
  | 'shared';

export interface NameRules {
  /** Names never validated (check = 0 or lockdep_set_novalidate_class()). */
  novalidate: (name: string) => boolean;
  read: (name: string) => ReadRule;
  /** Maps of the boot-time locking API self-tests (lib/locking-selftest.c). */
  selftest: (name: string, staticAddress: boolean) => boolean;
}

/** check = 0 in 6.1: rcu_lock_acquire() (rcu_read_lock*, rcu_callback, srcu_read_lock) and novalidate classes. */
const NOVALIDATE_EXACT = new Set(['rcu_read_lock', 'rcu_read_lock_bh', 'rcu_read_lock_sched', 'rcu_callback', '&dev->mutex', '&b->lock', '&b->write_lock']);
const NOVALIDATE_RE = /srcu$/;

/** read = 2 in 6.1 (lock_acquire_shared_recursive()). */
const RECURSIVE_EXACT = new Set(['rcu_read_lock', 'rcu_read_lock_bh', 'rcu_read_lock_sched', 'rcu_callback']);
const RECURSIVE_RE = /(?:srcu|seqcount)$|^\(wq_completion\)/;

/** rwlock_t maps of 6.1 (DEFINE_RWLOCK / rwlock_init) that show up in ordinary workloads. */
const QRWLOCK_EXACT = new Set([
  'tasklist_lock',
  'resource_lock',
  'file_systems_lock',
  'binfmt_lock',
  'kernfs_rename_lock',
  'cpufreq_driver_lock',
  'dev_base_lock',
  'disc_data_lock',
  'mrt_lock',
  '&ep->lock',
  '&tbl->lock',
  '&f->f_owner.lock',
  '&sk->sk_callback_lock',
  '&idev->lock',
  '&new->fa_lock',
  '&ndev->lock',
]);

/**
 * Self-test maps: the names lib/locking-selftest.c initialises. The short generic ones (`lock`,
 * `mutex`, ...) also name real kernel locks, so they count only for maps in the kernel image (the
 * self-tests' locks are static) — and only while the boot task is the only task (the importer's rule).
 */
const SELFTEST_SPECIFIC_RE =
  /^(?:&(?:lock|rwlock|mutex|rwsem|raw_lock|spinlock|ww_mutex)_[A-Z]\d*|reset_locks|init_shared_classes|ww_lockdep(?:_acquire|_mutex)?|ww_class(?:_acquire|_mutex)?|.*\blocal_[A-Z]\b.*)$/;
const SELFTEST_GENERIC = new Set(['lock', 'rwlock', 'mutex', 'rwsem', '&lock->wait_lock', 'spinlock', 'rw_semaphore', 'local_lock']);

export interface NameRuleOptions {
  /** Extra names (exact) treated as check = 0. */
  novalidate?: readonly string[];
  /** Extra names (exact) whose `read` means read = 2. */
  recursiveRead?: readonly string[];
  /** Extra names (exact) of rwlock_t maps. */
  rwlock?: readonly string[];
}

/** The name rules, 6.1 defaults plus the user's additions. */
export function nameRules(o: NameRuleOptions = {}): NameRules {
  const nov = new Set([...NOVALIDATE_EXACT, ...(o.novalidate ?? [])]);
  const rec = new Set([...RECURSIVE_EXACT, ...(o.recursiveRead ?? [])]);
  const rw = new Set([...QRWLOCK_EXACT, ...(o.rwlock ?? [])]);
  return {
    novalidate: (n) => nov.has(n) || NOVALIDATE_RE.test(n),
    read: (n) => (rec.has(n) || RECURSIVE_RE.test(n) ? 'recursive' : rw.has(n) ? 'qrwlock' : 'shared'),
    selftest: (n, isStatic) => SELFTEST_SPECIFIC_RE.test(n) || (isStatic && SELFTEST_GENERIC.has(n)),
  };
}

/** The fixed part of the "what a trace cannot tell" notice. */
export const TRACE_LIMITS: readonly string[] = [
  'the lock tracepoints do not record the subclass, check, nest_lock, acquire ip or stack of an acquisition, nor read=1 versus read=2 ("read" is printed for both), nor the lock type or class key',
  'one class per map name: classes the kernel tells apart by key (printed name#N) are merged, so names are compared without #N and /N',
  'subclass: an acquisition while another map of the same name is held gets the next subclass (name/1, name/2, ...), since lockdep accepted it; a shared acquisition under a shared holder of the same name is taken as a recursive read instead',
  'read: read=2 for rcu_read_lock*, rcu_callback, *srcu, *seqcount and (wq_completion) maps, read=2 in interrupt context and 1 elsewhere for known rwlock_t names, read=1 otherwise; taking a held map again for read is read=2',
  'check=0 (not validated): rcu_read_lock*, rcu_callback, *srcu, &dev->mutex and other novalidate classes',
  'no wait types (the lock type is unknown): "Invalid wait context" is not checked, and reports print -{0:0}',
  'acquire ips and stacks are unknown: reports print unknown+0x0/0x0 (the summary names the trace line of each report); lock instance addresses in reports are the simulator\'s',
];
