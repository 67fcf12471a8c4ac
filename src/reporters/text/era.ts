/**
 * Output details that changed between kernel versions and that only the text reporter cares about
 * (reference §4.12). The profile (src/model/kernel.ts) carries what the validator needs too; these
 * are derived here from the same version.
 */
import type { KernelProfile, KernelVersion } from '../../model/kernel.js';

function atLeast(v: KernelVersion, major: number, minor: number, patch = 0): boolean {
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}

/**
 * print_bad_irq_dependency() prints its first half with print_shortest_lock_dependencies_backwards()
 * (69c7a5fb2482, v5.14, and its stable backports: the profile's irqPathFix2021). Before, both halves
 * used the forward printer: every block prints `... acquired at:` with its own entry's trace and the
 * root (prev) the current stack.
 */
export function hasBackwardsPrinter(p: KernelProfile): boolean {
  return p.irqPathFix2021;
}

/**
 * The taint in print_kernel_ident() and the 54-character `=` ruler of the circular report came with
 * print_kernel_ident() replacing print_kernel_version(): 2.6.36 prints neither, 3.3 both (the exact
 * release is not pinned down; taken as 3.0).
 */
export function identHasTaint(p: KernelProfile): boolean {
  return atLeast(p.version, 3, 0);
}

/**
 * How get_usage_chars() prints the usage braces: `old` 4 characters per (hardirq-write,
 * softirq-write, hardirq-read, softirq-read) with `+` = used in irq and `-` = irqs on (up to 2.6.30),
 * `reclaim` 6 characters, the third state pair being RECLAIM_FS (2.6.31 … 4.13), `modern` 4.
 */
export function usageStyle(p: KernelProfile): 'old' | 'reclaim' | 'modern' {
  const v = p.version;
  if (!atLeast(v, 2, 6, 31)) return 'old';
  return atLeast(v, 4, 14) ? 'modern' : 'reclaim';
}

/**
 * Before 4.15 print_stack_trace() and the x86 unwinder printed each frame as `[<address>] sym`
 * (the addresses went away when %p started hashing).
 */
export function tracesHaveAddresses(p: KernelProfile): boolean {
  return !atLeast(p.version, 4, 15);
}

/** dump_stack_print_info() (`CPU: n PID: p Comm: c …`, `Hardware name:`) is common code since 3.10. */
export function genericDumpInfo(p: KernelProfile): boolean {
  return atLeast(p.version, 3, 10);
}

/** ARM32 prints `sym from caller+off/size` without addresses since 5.13 (CONFIG_BACKTRACE_VERBOSE off). */
export function armPlainFrames(p: KernelProfile): boolean {
  return atLeast(p.version, 5, 13);
}

/** ARM32 prints a `Call trace: ` line before the frames since 6.9 ("ARM: unwind: Add missing \"Call trace:\" line"). */
export function armCallTraceLine(p: KernelProfile): boolean {
  return atLeast(p.version, 6, 9);
}

/** arm64's unwinder stops printing its own dump_backtrace() frame (show_stack() is the first) — about 6.9. */
export function arm64ShowStackFirst(p: KernelProfile): boolean {
  return atLeast(p.version, 6, 9);
}

/** s390 printed the first frame of `Call Trace:` in parentheses before the 5.2 unwinder rework. */
export function s390ParenFirstFrame(p: KernelProfile): boolean {
  return !atLeast(p.version, 5, 2);
}

export { atLeast };
