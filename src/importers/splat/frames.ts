/**
 * Stack-trace lines of every architecture and era the corpus shows, and the questions the importer
 * asks about frames: is this lockdep's own frame, which locking primitive took the lock (read or
 * write), and did the stack run in an interrupt handler.
 */
import type { Frame } from '../../model/frame.js';
import type { LockKind } from '../../model/lock-kind.js';

/** A parsed trace line. */
export interface FrameLine {
  /** Undefined for raw addresses (`0x3fffcfa46c0`, `0xffffffffffffffff`): nothing to print. */
  frame?: Frame;
  /** `? sym+…`: an unreliable frame (stack garbage) in `Call Trace:`. */
  unreliable: boolean;
  /** syzbot's `sym file.c:12 [inline]`: an inlined function, not a frame the kernel printed. */
  inline: boolean;
  /**
   * ARM32 `(callee) from [<addr>] (caller+0x1/0x2)`: the caller's frame, which carries the offset
   * (the callee's offset is on the line before). A trace is callee of the first line, then every
   * line's caller.
   */
  from?: Frame;
}

/** `sym+0xoff/0xsize` with optional ` [module]`. */
const SYM_RE = /^([A-Za-z_.$][\w.$]*)\+0x([0-9a-fA-F]+)\/0x([0-9a-fA-F]+)(?:\s+\[([\w-]+)\])?/;
/** A bare symbol (ARM `(dump_backtrace) from …`, `at: start_per_cpu_kthreads`). */
const BARE_RE = /^([A-Za-z_.$][\w.$]*)(?:\s+\[([\w-]+)\])?$/;
/** syzbot's file:line suffix, optionally `[inline]`. */
const SRC_SUFFIX_RE = /\s+(?:[\w.\-/]+\.(?:c|h|S|s|rs|cc|cpp)|<\w+>):\d+(?::\d+)?(?:\s+\[inline\])?\s*$/;
const INLINE_RE = /^([A-Za-z_.$][\w.$]*)\s+[\w.\-/]+\.(?:c|h|S|s|rs):\d+(?::\d+)?\s+\[inline\]\s*$/;
const ADDR_PREFIX_RE = /^\(?\[<?[0-9a-fA-Fx]{4,}>?\]\s*/;

function frameOf(symbol: string, offset: string | undefined, size: string | undefined, module: string | undefined): Frame {
  const f: Frame = { symbol, offset: offset ? parseInt(offset, 16) : 0, size: size ? parseInt(size, 16) : 0 };
  if (module) f.module = module;
  return f;
}

/**
 * Parses one trace line (already trimmed of log prefixes). Accepts x86 (`sym+0x1/0x2`,
 * `[<addr>] sym+…`, `? sym+…`), syzbot suffixes (` file.c:12`, `[inline]` lines), ARM32
 * (`[<addr>] (sym+…) from [<addr>] (caller+…)`), arm64, s390 (`([<addr>] sym+…)`, raw words),
 * ppc64 (`[sp] [ip] .sym+…`). Returns undefined when the line is not a frame.
 */
export function parseFrameLine(line: string): FrameLine | undefined {
  let t = line.trim();
  if (t === '') return undefined;
  let unreliable = false;
  if (t.startsWith('? ')) {
    unreliable = true;
    t = t.slice(2).trimStart();
  }
  const inl = INLINE_RE.exec(t);
  if (inl) return { unreliable, inline: true };
  // Addresses before the symbol: `[<ffffffff81234567>]`, `[c0000000f6d7b20]` (ppc64 has two).
  let sawAddr = false;
  for (let i = 0; i < 3; i++) {
    const m = ADDR_PREFIX_RE.exec(t);
    if (!m) break;
    t = t.slice(m[0].length);
    sawAddr = true;
  }
  if (t.startsWith('? ')) {
    unreliable = true;
    t = t.slice(2).trimStart();
  }
  // ARM32: `(sym+0x1/0x2) from [<addr>] (caller+…)` → the first function is this frame.
  const arm = /^\(([^()\s]+)\)\s+from\s+\[<[0-9a-fA-F]+>\]\s*\(([^()\s]+)\)\s*$/.exec(t);
  if (arm) {
    const one = (text: string): Frame | undefined => {
      const s = SYM_RE.exec(text);
      if (s) return frameOf(s[1]!, s[2], s[3], s[4]);
      const b = BARE_RE.exec(text);
      return b ? frameOf(b[1]!, undefined, undefined, b[2]) : undefined;
    };
    const frame = one(arm[1]!);
    if (!frame) return undefined;
    const out: FrameLine = { frame, unreliable, inline: false };
    const from = one(arm[2]!);
    if (from) out.from = from;
    return out;
  }
  // ARM32 since 5.13 without addresses: `dump_backtrace from show_stack+0x18/0x1c`.
  const armPlain = /^([A-Za-z_.$][\w.$]*(?:\+0x[0-9a-fA-F]+\/0x[0-9a-fA-F]+)?) from ([A-Za-z_.$][\w.$]*\+0x[0-9a-fA-F]+\/0x[0-9a-fA-F]+)(?:\s+\[[\w-]+\])?\s*$/.exec(t);
  if (armPlain) {
    const f1 = parseIp(armPlain[1]!);
    const f2 = parseIp(armPlain[2]!);
    if (f1 && f2) return { frame: f1, from: f2, unreliable, inline: false };
  }
  // s390 prints the first frame of `Call Trace:` in parentheses.
  if (sawAddr && t.endsWith(')') && !t.includes('(')) t = t.slice(0, -1);
  t = t.replace(/\s+\(unreliable\)\s*$/, '');
  t = t.replace(SRC_SUFFIX_RE, '');
  const s = SYM_RE.exec(t);
  if (s && s[0].length === t.trimEnd().length) return { frame: frameOf(s[1]!, s[2], s[3], s[4]), unreliable, inline: false };
  if (sawAddr && /^0x[0-9a-fA-F]+$/.test(t.trim())) return { unreliable, inline: false };
  if (!sawAddr && /^0x[0-9a-fA-F]{4,}$/.test(t.trim())) return { unreliable, inline: false };
  return undefined;
}

/** Appends a parsed trace line to a frame list (ARM32 lines contribute their caller). */
export function pushFrame(frames: Frame[], fl: FrameLine): boolean {
  if (fl.unreliable || fl.inline) return false;
  if (fl.from) {
    if (frames.length === 0 && fl.frame) frames.push(fl.frame);
    frames.push(fl.from);
    return true;
  }
  if (!fl.frame) return false;
  frames.push(fl.frame);
  return true;
}

/**
 * The ip after `at:` in a lock line (or of a `[<addr>] sym` release ip): the symbol with or
 * without offset/size, an optional `[module]`, syzbot's file:line suffix dropped.
 */
export function parseIp(text: string): Frame | undefined {
  let t = text.trim().replace(ADDR_PREFIX_RE, '');
  t = t.replace(/\s+\[inline\]\s*$/, '').replace(SRC_SUFFIX_RE, '');
  const s = SYM_RE.exec(t);
  if (s) return frameOf(s[1]!, s[2], s[3], s[4]);
  const b = BARE_RE.exec(t.trim());
  if (b) return frameOf(b[1]!, undefined, undefined, b[2]);
  return undefined;
}

/** `name.part.3`, `name.isra.0`, `name.cold.60`, `name.constprop.50`, `name.clone.24` → `name`. */
export function baseSymbol(symbol: string): string {
  return symbol.replace(/^\./, '').replace(/(?:\.(?:part|isra|constprop|cold|clone|lto_priv|llvm)(?:\.\d+)?)+$/, '');
}

/**
 * lockdep's own functions (and dump_stack's): the frames a simulator prepends from
 * `kernel_frames`, never part of a scenario's stacks.
 */
const LOCKDEP_INTERNAL = new Set([
  'dump_stack',
  '__dump_stack',
  'dump_stack_lvl',
  'show_stack',
  'dump_backtrace',
  'show_trace',
  'unwind_backtrace',
  'arch_stack_walk',
  'stack_trace_save',
  'save_trace',
  'lock_acquire',
  '__lock_acquire',
  'lock_acquired',
  'lock_release',
  '__lock_release',
  'lock_sync',
  'validate_chain',
  'check_deadlock',
  'check_prev_add',
  'check_prevs_add',
  'check_noncircular',
  'check_irq_usage',
  'check_usage',
  'check_usage_forwards',
  'check_usage_backwards',
  'check_wait_context',
  'print_circular_bug',
  'print_deadlock_bug',
  'print_usage_bug',
  'print_irq_inversion_bug',
  'print_bad_irq_dependency',
  'print_unlock_imbalance_bug',
  'print_freed_lock_bug',
  'print_lock_invalid_wait_context',
  'print_lock_nested_lock_not_held',
  'print_shortest_lock_dependencies',
  'mark_lock',
  'mark_lock_irq',
  'mark_usage',
  'mark_held_locks',
  'lockdep_hardirqs_on',
  'lockdep_hardirqs_on_prepare',
  'lockdep_softirqs_on',
  'trace_hardirqs_on',
  'trace_hardirqs_on_caller',
  '__trace_hardirqs_on_caller',
  'trace_softirqs_on',
  'lockdep_trace_alloc',
  'debug_check_no_locks_freed',
  'lockdep_sys_exit',
  'lockdep_print_held_locks',
  'debug_locks_off',
]);

export function isLockdepInternal(f: Frame): boolean {
  return LOCKDEP_INTERNAL.has(baseSymbol(f.symbol));
}

/** Number of leading frames that are lockdep's own (the prefix `kernel_frames` reproduces). */
export function internalPrefixLength(frames: readonly Frame[]): number {
  let n = 0;
  while (n < frames.length && isLockdepInternal(frames[n]!)) n++;
  return n;
}

/**
 * `Call Trace:` → (report-path frames, the stack of the operation). The report path is everything
 * up to the last lockdep frame among the leading frames (dump_stack, print_*_bug, mark_lock,
 * __lock_acquire, lock_acquire, lock_release, debug_check_no_locks_freed, …).
 */
export function splitCallTrace(frames: readonly Frame[]): { internal: Frame[]; stack: Frame[] } {
  let last = -1;
  // Only look at the head of the trace: lockdep frames deep in a stack belong to the caller.
  const limit = Math.min(frames.length, 16);
  for (let i = 0; i < limit; i++) if (isLockdepInternal(frames[i]!)) last = i;
  return { internal: frames.slice(0, last + 1), stack: frames.slice(last + 1) };
}

/** Locking primitives whose name says the acquisition was a read. */
const READ_PRIMITIVE_RE =
  /^(?:down_read\w*|percpu_down_read\w*|__percpu_down_read\w*|cpus_read_lock|get_online_cpus|get_online_mems|_raw_read_lock\w*|__raw_read_lock\w*|read_lock\w*|rwsem_down_read\w*|__down_read\w*|__sb_start_write|sb_start_\w+|lock_map_acquire_read|kernfs_get_active\w*|__kernfs_get_active|rcu_read_lock\w*|srcu_read_lock\w*|queued_read_lock\w*|i_mmap_lock_read|mmap_read_lock\w*|inode_lock_shared\w*)$/;
const WRITE_PRIMITIVE_RE =
  /^(?:down_write\w*|percpu_down_write|__percpu_down_write\w*|cpus_write_lock|_raw_write_lock\w*|__raw_write_lock\w*|write_lock\w*|rwsem_down_write\w*|__down_write\w*|__mutex_lock\w*|mutex_lock\w*|_raw_spin_lock\w*|__raw_spin_lock\w*|spin_lock\w*|lock_map_acquire|mmap_write_lock\w*|inode_lock\b|i_mmap_lock_write|rt_mutex\w*|__rt_mutex\w*|ww_mutex_lock\w*|__ww_mutex_lock\w*|queued_write_lock\w*|flush_work|__flush_work|flush_workqueue|__flush_workqueue|process_one_work|start_flush_work)$/;

/**
 * Read-ness of an acquisition from its trace (the primitive right after lockdep's frames):
 * `read`, `write`, or undefined when the trace does not say.
 */
export function primitiveAccess(frames: readonly Frame[]): 'read' | 'write' | undefined {
  const start = internalPrefixLength(frames);
  for (let i = start; i < Math.min(frames.length, start + 3); i++) {
    const s = baseSymbol(frames[i]!.symbol);
    if (READ_PRIMITIVE_RE.test(s)) return 'read';
    if (WRITE_PRIMITIVE_RE.test(s)) return 'write';
  }
  return undefined;
}

/** Locking primitives → the kind of lock they take. */
const PRIMITIVE_KINDS: [RegExp, LockKind][] = [
  [/^(?:__)?mutex_lock\w*$|^__mutex_lock\w*$|^mutex_trylock\w*$|^ww_mutex_lock\w*$|^__ww_mutex_lock\w*$/, 'mutex'],
  [/^(?:__)?percpu_down_(?:read|write)\w*$|^percpu_rwsem_\w+$|^cpus_(?:read|write)_lock$|^get_online_cpus$|^__sb_start_write$|^sb_start_\w+$/, 'percpu_rw_semaphore'],
  [/^(?:__)?down_(?:read|write)\w*$|^rwsem_down_\w+$|^__down_(?:read|write)\w*$|^mmap_(?:read|write)_lock\w*$|^i_mmap_lock_\w+$|^inode_lock\w*$/, 'rw_semaphore'],
  [/^_raw_(?:read|write)_lock\w*$|^__raw_(?:read|write)_lock\w*$|^(?:read|write)_lock\w*$|^queued_(?:read|write)_lock\w*$/, 'rwlock'],
  [/^_raw_spin_lock\w*$|^__raw_spin_lock\w*$|^spin_lock\w*$|^_raw_spin_trylock\w*$|^do_raw_spin_lock$/, 'spinlock'],
  [/^kernfs_get_active\w*$|^__kernfs_get_active$|^kernfs_drain\w*$|^__kernfs_remove$/, 'kernfs_active'],
  [/^lock_map_acquire\w*$|^process_one_work$|^(?:__)?flush_work\w*$|^(?:__)?flush_workqueue\w*$|^start_flush_work$|^call_timer_fn$|^lock_sock_nested$|^__lock_sock$/, 'lockdep_map'],
];

/** The kind of lock the primitive at the top of a trace takes (after lockdep's own frames). */
export function primitiveKind(frames: readonly Frame[]): { kind: LockKind; symbol: string } | undefined {
  const start = internalPrefixLength(frames);
  for (let i = start; i < Math.min(frames.length, start + 2); i++) {
    const s = baseSymbol(frames[i]!.symbol);
    for (const [re, kind] of PRIMITIVE_KINDS) if (re.test(s)) return { kind, symbol: s };
  }
  return undefined;
}

/**
 * The acquire ip a stack implies: the first frame after lockdep's frames and the locking
 * primitive (what print_lock() shows after `at:`, give or take the call instruction).
 */
export function callerIp(frames: readonly Frame[]): Frame | undefined {
  let i = internalPrefixLength(frames);
  const isPrimitive = (f: Frame) => {
    const s = baseSymbol(f.symbol);
    return READ_PRIMITIVE_RE.test(s) || WRITE_PRIMITIVE_RE.test(s) || PRIMITIVE_KINDS.some(([re]) => re.test(s));
  };
  while (i < frames.length && isPrimitive(frames[i]!)) i++;
  return frames[i];
}

/** Softirq entry (or a softirq action running inside it). */
const SOFTIRQ_RE =
  /^(?:__do_softirq|handle_softirqs|do_softirq|do_softirq_own_stack|run_ksoftirqd|__irq_exit_rcu|irq_exit_rcu|irq_exit|invoke_softirq|run_timer_softirq|net_rx_action|net_tx_action|tasklet_action\w*|tasklet_hi_action|blk_done_softirq|irq_poll_softirq|run_rebalance_domains|rcu_core_si|rcu_process_callbacks|hrtimer_run_softirq|_stext)$/;
/** Hard-interrupt entry. */
const HARDIRQ_RE =
  /^(?:asm_\w+|__sysvec_\w+|sysvec_\w+|smp_apic_timer_interrupt|apic_timer_interrupt|common_interrupt|do_IRQ|handle_irq|handle_irq_event\w*|__handle_irq_event_percpu|__handle_domain_irq|handle_domain_irq|generic_handle_irq\w*|generic_handle_domain_irq\w*|gic_handle_irq|el1_irq|el1h_64_irq\w*|el1_interrupt|el0_irq|__irq_svc|__irq_usr|hrtimer_interrupt|tick_handle_periodic|timer_interrupt|do_nmi|exc_nmi|nmi_handle|default_do_nmi)$/;

/**
 * Which context a stack ran in, from its frames (innermost first): the first interrupt entry met
 * walking outwards decides. `process` when there is none.
 */
export function contextOfStack(frames: readonly Frame[]): 'process' | 'hardirq' | 'softirq' {
  for (const f of frames) {
    const s = baseSymbol(f.symbol);
    if (SOFTIRQ_RE.test(s)) return 'softirq';
    if (HARDIRQ_RE.test(s)) return 'hardirq';
  }
  return 'process';
}
