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
 * Stable series that received commit 69c7a5fb2482 ("locking/lockdep: Fix the dep path printing
 * for backwards BFS", mainline v5.14-rc1) and the first release of each that carries it.
 */
const BACKWARDS_PRINTER_BACKPORTS: readonly [number, number, number][] = [
  [5, 4, 132],
  [5, 10, 50],
  [5, 12, 17],
  [5, 13, 2],
];

/**
 * print_bad_irq_dependency() prints its first half with print_shortest_lock_dependencies_backwards()
 * (v5.14, and the stable backports above). Before, both halves used the forward printer: every
 * block prints `... acquired at:` with its own entry's trace and the root (prev) the current stack.
 */
export function hasBackwardsPrinter(p: KernelProfile): boolean {
  const v = p.version;
  if (atLeast(v, 5, 14)) return true;
  return BACKWARDS_PRINTER_BACKPORTS.some(([ma, mi, pa]) => v.major === ma && v.minor === mi && v.patch >= pa);
}
