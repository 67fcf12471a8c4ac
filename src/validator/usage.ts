/**
 * Usage bits (kernel/locking/lockdep_internals.h, lockdep_states.h): bit = state·4 + dir·2 + read,
 * state 0 = HARDIRQ, 1 = SOFTIRQ; dir 0 = USED_IN, 1 = ENABLED; then USED and USED_READ.
 */
export const USED_IN_HARDIRQ = 0;
export const USED_IN_HARDIRQ_READ = 1;
export const ENABLED_HARDIRQ = 2;
export const ENABLED_HARDIRQ_READ = 3;
export const USED_IN_SOFTIRQ = 4;
export const USED_IN_SOFTIRQ_READ = 5;
export const ENABLED_SOFTIRQ = 6;
export const ENABLED_SOFTIRQ_READ = 7;
export const USED = 8;
export const USED_READ = 9;
export const USAGE_BITS = 10;
/** Number of irq usage bits (LOCK_USAGE_STATES without USED/USED_READ). */
export const IRQ_USAGE_BITS = 8;

export const LOCK_USAGE_READ_MASK = 1;
export const LOCK_USAGE_DIR_MASK = 2;

/** usage_str[]: the names printed in reports. */
export const USAGE_NAMES = [
  'IN-HARDIRQ-W',
  'IN-HARDIRQ-R',
  'HARDIRQ-ON-W',
  'HARDIRQ-ON-R',
  'IN-SOFTIRQ-W',
  'IN-SOFTIRQ-R',
  'SOFTIRQ-ON-W',
  'SOFTIRQ-ON-R',
  'INITIAL USE',
  'INITIAL READ USE',
] as const;

export const STATE_NAMES = ['HARDIRQ', 'SOFTIRQ'] as const;

/** mirrors get_usage_char(): `.` none, `+` enabled only, `-` used-in only, `?` both. */
function usageChar(mask: number, bit: number): string {
  const usedIn = (mask >> bit) & 1;
  const enabled = (mask >> (bit + LOCK_USAGE_DIR_MASK)) & 1;
  if (usedIn && enabled) return '?';
  if (usedIn) return '-';
  if (enabled) return '+';
  return '.';
}

/** mirrors get_usage_chars(): HARDIRQ write, HARDIRQ read, SOFTIRQ write, SOFTIRQ read. */
export function usageString(mask: number): string {
  return (
    usageChar(mask, USED_IN_HARDIRQ) +
    usageChar(mask, USED_IN_HARDIRQ_READ) +
    usageChar(mask, USED_IN_SOFTIRQ) +
    usageChar(mask, USED_IN_SOFTIRQ_READ)
  );
}

/** The bit's flip side (USED_IN ↔ ENABLED of the same state and read-ness). */
export function exclusiveDir(bit: number): number {
  return bit ^ LOCK_USAGE_DIR_MASK;
}
