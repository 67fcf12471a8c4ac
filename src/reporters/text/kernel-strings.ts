/**
 * Every fixed string lockdep prints, labelled with the kernel function that prints it
 * (kernel/locking/lockdep.c unless noted). Report layouts live in the per-report modules; this
 * module only holds the words, so a wording change between kernel versions is a one-line edit.
 */

/**
 * Report titles and their fixed ruler lengths (reference §4.0 table). `oldRulers`: the `=` and `-`
 * rulers around the pre-4.14 `[ INFO: … ]` / `[ BUG: … ]` title (print_kernel_ident() era; the
 * circular report's `=` ruler was 55 long before it, see era.ts identHasTaint()).
 */
export const TITLES = {
  /** print_circular_bug_header() */
  circular: {
    text: 'possible circular locking dependency detected',
    ruler: 54,
    old: 'INFO',
    oldRulers: [54, 55],
    oldRulersPre3: [55, 55],
  },
  /** print_deadlock_bug() */
  recursive: {
    text: 'possible recursive locking detected',
    ruler: 44,
    old: 'INFO',
    oldRulers: [45, 45],
  },
  /** print_usage_bug() */
  inconsistent: {
    text: 'inconsistent lock state',
    ruler: 32,
    old: 'INFO',
    oldRulers: [33, 33],
  },
  /** print_irq_inversion_bug() */
  irqInversion: {
    text: 'possible irq lock inversion dependency detected',
    ruler: 56,
    old: 'INFO',
    oldRulers: [57, 57],
  },
  /** print_bad_irq_dependency(): the ruler is fixed, whatever the state word */
  irqSafeUnsafe: {
    text: '%s-safe -> %s-unsafe lock order detected',
    ruler: 53,
    old: 'INFO',
    oldRulers: [54, 54],
  },
  /** print_unlock_imbalance_bug() */
  badUnlock: {
    text: 'bad unlock balance detected!',
    ruler: 37,
    old: 'BUG',
    oldRulers: [37, 37],
  },
  /** print_freed_lock_bug() */
  heldLockFreed: {
    text: 'held lock freed!',
    ruler: 25,
    old: 'BUG',
    oldRulers: [25, 25],
  },
  /** lockdep_sys_exit() */
  lockHeldUser: {
    text: 'lock held when returning to user space!',
    ruler: 48,
    old: 'BUG',
    oldRulers: [48, 48],
  },
  /** print_lock_nested_lock_not_held() */
  nestedNotTaken: {
    text: 'Nested lock was not taken',
    ruler: 34,
    old: 'BUG',
    oldRulers: [34, 34],
  },
} as const;

/** print_lock_invalid_wait_context(): the only title that always uses the bracketed form (≥ v5.7). */
export const INVALID_WAIT_CONTEXT = { text: '[ BUG: Invalid wait context ]', ruler: 29 } as const;

// print_circular_bug_header()
export const TRYING_TO_ACQUIRE_LOCK = 'is trying to acquire lock:';
export const ALREADY_HOLDING_LOCK = 'but task is already holding lock:';
export const ALREADY_DEPENDS = 'which lock already depends on the new lock.';
export const EXISTING_CHAIN = 'the existing dependency chain (in reverse order) is:';

// shared by most printers
export const OTHER_INFO = 'other info that might help us debug this:';
export const STACK_BACKTRACE = 'stack backtrace:';
export const DEADLOCK = ' *** DEADLOCK ***';

// print_circular_lock_scenario(), print_irq_lock_scenario(), print_deadlock_scenario(), print_usage_bug_scenario()
export const CHAIN_EXISTS = 'Chain exists of:';
export const POSSIBLE_UNSAFE = ' Possible unsafe locking scenario:';
export const POSSIBLE_IRQ_UNSAFE = ' Possible interrupt unsafe locking scenario:';
export const CPU_HEADER_2 = '       CPU0                    CPU1';
export const CPU_RULER_2 = '       ----                    ----';
export const CPU_HEADER_1 = '       CPU0';
export const CPU_RULER_1 = '       ----';
/** CPU0 actions are indented 2 spaces, CPU1 actions 31. */
export const CPU0_INDENT = '  ';
export const CPU1_INDENT = ' '.repeat(31);
export const INTERRUPT = '  <Interrupt>';
export const IRQ_DISABLE = `${' '.repeat(31)}local_irq_disable();`;

// print_deadlock_bug()
export const MISSING_NESTING = ' May be due to missing lock nesting notation';

// print_usage_bug(), print_irqtrace_events()
export const STATE_REGISTERED_AT = (usage: string) => `{${usage}} state was registered at:`;
export const IRQ_EVENT_STAMP = 'irq event stamp:';
export const HARDIRQS_ENABLED = 'hardirqs last  enabled at';
export const HARDIRQS_DISABLED = 'hardirqs last disabled at';
export const SOFTIRQS_ENABLED = 'softirqs last  enabled at';
export const SOFTIRQS_DISABLED = 'softirqs last disabled at';

// print_irq_inversion_bug()
export const JUST_CHANGED_STATE = 'just changed the state of lock:';
export const TOOK_UNSAFE = (s: string) => `but this lock took another, ${s}-unsafe lock in the past:`;
export const TAKEN_BY_SAFE = (s: string) => `but this lock was taken by another, ${s}-safe lock in the past:`;
export const INVERSE_ORDERING = 'and interrupts could create inverse lock ordering between them.';
export const SHORTEST_DEPENDENCIES = 'the shortest dependencies between 2nd lock and 1st lock:';

// print_bad_irq_dependency()
export const TRYING_TO_ACQUIRE = 'is trying to acquire:';
export const AND_ALREADY_HOLDING = 'and this task is already holding:';
export const NEW_DEPENDENCY = 'which would create a new lock dependency:';
export const CONNECTS_SAFE = (s: string) => `but this new dependency connects a ${s}-irq-safe lock:`;
export const BECAME_SAFE = (s: string) => `... which became ${s}-irq-safe at:`;
export const TO_UNSAFE = (s: string) => `to a ${s}-irq-unsafe lock:`;
export const BECAME_UNSAFE = (s: string) => `... which became ${s}-irq-unsafe at:`;
export const DEPS_SAFE_TO_HOLDING = (s: string) => `the dependencies between ${s}-irq-safe lock and the holding lock:`;
export const DEPS_TO_BE_ACQUIRED = 'the dependencies between the lock to be acquired';
export const DEPS_AND_UNSAFE = (s: string) => ` and ${s}-irq-unsafe lock:`;

// print_lock_class_header(), print_shortest_lock_dependencies()
export const KEY_AT = '... key      at:';
export const ACQUIRED_AT = '... acquired at:';

// print_lock_invalid_wait_context()
export const TRYING_TO_LOCK = 'is trying to lock:';

// print_unlock_imbalance_bug()
export const TRYING_TO_RELEASE = (name: string) => `is trying to release lock (${name}) at:`;
export const NO_MORE_LOCKS = 'but there are no more locks to release!';

// print_freed_lock_bug()
export const FREEING_MEMORY = (from: string, to: string) =>
  `is freeing memory ${from}-${to}, with a lock still held there!`;

// lockdep_sys_exit()
export const LEAVING_KERNEL = 'is leaving the kernel with locks still held!';

// print_lock_nested_lock_not_held()
export const NOT_HOLDING = 'but this task is not holding:';

// print_lockdep_off(), __lock_acquire() (MAX_LOCK_DEPTH), look_up_lock_class() (subclass)
export const TOO_LOW = (limit: string) => `BUG: ${limit} too low!`;
export const INVALID_SUBCLASS = (n: number) => `BUG: looking up invalid subclass: ${n}`;
export const TURNING_OFF = 'turning off the locking correctness validator.';
export const ATTACH_LOCK_STAT = 'Please attach the output of /proc/lock_stat to the bug report';
export const DEPTH_MAX = (depth: number, max: number) => `depth: ${depth}  max: ${max}!`;
/** debug_show_all_locks() once debug_locks is 0 */
export const LOCKDEP_TURNED_OFF = 'INFO: lockdep is turned off.';

// lockdep_print_held_locks()
export const NO_LOCKS_HELD = (task: string) => `no locks held by ${task}.`;
export const LOCKS_HELD = (n: number, task: string) => `${n} lock${n === 1 ? '' : 's'} held by ${task}:`;

// lib/dump_stack.c, arch/x86/kernel/dumpstack.c and the other architectures' show_stack()
export const HARDWARE_NAME = 'Hardware name:';
/** kernel/workqueue.c print_worker_info() */
export const WORKQUEUE = 'Workqueue:';
export const CALL_TRACE = 'Call Trace:';
/** arch/arm64/kernel/stacktrace.c */
export const CALL_TRACE_ARM64 = 'Call trace:';
/** arch/arm/kernel/unwind.c, traps.c (6.9+; the trailing space is part of it) */
export const CALL_TRACE_ARM = 'Call trace: ';
export const TASK_BEGIN = ' <TASK>';
export const TASK_END = ' </TASK>';
export const IRQ_BEGIN = ' <IRQ>';
export const IRQ_END = ' </IRQ>';
/** show_regs() on x86-64: kernel code segment. */
export const RIP = 'RIP: 0010:';

// include/asm-generic/bug.h, kernel/panic.c (__warn_printk(), __warn(), print_oops_end_marker())
export const CUT_HERE = '------------[ cut here ]------------';
export const DEBUG_LOCKS_WARN_ON = (cond: string) => `DEBUG_LOCKS_WARN_ON(${cond})`;
export const MODULES_LINKED_IN = 'Modules linked in:';
export const END_TRACE = '---[ end trace 0000000000000000 ]---';

/** kernel/panic.c taint_flags[]: letter → name, as the 6.12+ `Tainted: [O]=OOT_MODULE` line prints them. */
export const TAINT_NAMES: Readonly<Record<string, string>> = {
  P: 'PROPRIETARY_MODULE',
  F: 'FORCED_MODULE',
  S: 'CPU_OUT_OF_SPEC',
  R: 'FORCED_RMMOD',
  M: 'MACHINE_CHECK',
  B: 'BAD_PAGE',
  U: 'USER',
  D: 'DIE',
  A: 'OVERRIDDEN_ACPI_TABLE',
  W: 'WARN',
  C: 'CRAP',
  I: 'FIRMWARE_WORKAROUND',
  O: 'OOT_MODULE',
  E: 'UNSIGNED_MODULE',
  L: 'SOFTLOCKUP',
  K: 'LIVEPATCH',
  X: 'AUX',
  T: 'RANDSTRUCT',
  N: 'TEST',
};
