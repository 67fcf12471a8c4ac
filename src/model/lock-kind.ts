import type { KernelConfig } from './kernel.js';

/**
 * Lock kinds a scenario can declare. The kind fixes the wait type (reference §3.3) and what a plain
 * `read` acquisition means (reference §2.1 table).
 */
export const LOCK_KINDS = [
  'mutex',
  'rw_semaphore',
  'percpu_rw_semaphore',
  'spinlock',
  'raw_spinlock',
  'rwlock',
  'kernfs_active',
  'lockdep_map',
  'rcu',
  'seqcount',
  'local_lock',
] as const;
export type LockKind = (typeof LOCK_KINDS)[number];

/** enum lockdep_wait_type; the numbers depend on CONFIG_PROVE_RAW_LOCK_NESTING. */
export interface WaitTypes {
  /** wait_type_outer (0 = same as inner) */
  outer: number;
  inner: number;
}

export function waitTypeValues(cfg: Pick<KernelConfig, 'proveRawLockNesting'>) {
  const INV = 0;
  const FREE = 1;
  const SPIN = 2;
  const CONFIG = cfg.proveRawLockNesting ? 3 : SPIN;
  const SLEEP = CONFIG + 1;
  const MAX = SLEEP + 1;
  return { INV, FREE, SPIN, CONFIG, SLEEP, MAX };
}

/** Wait types of a kind (mirrors the lockdep_map initialisers of each lock type). */
export function waitTypesOf(kind: LockKind, cfg: Pick<KernelConfig, 'proveRawLockNesting'>): WaitTypes {
  const w = waitTypeValues(cfg);
  switch (kind) {
    case 'mutex':
    case 'rw_semaphore':
      return { outer: 0, inner: w.SLEEP };
    case 'spinlock':
    case 'rwlock':
    case 'local_lock':
      return { outer: 0, inner: w.CONFIG };
    case 'raw_spinlock':
      return { outer: 0, inner: w.SPIN };
    case 'rcu':
      return { outer: w.FREE, inner: w.CONFIG };
    case 'percpu_rw_semaphore': // ≥5.7 own map from plain lockdep_init_map
    case 'kernfs_active':
    case 'lockdep_map':
    case 'seqcount':
      return { outer: 0, inner: w.INV };
  }
}

/** How a plain `read` step of this kind maps to lock_acquire's read argument. */
export type ReadFlavour = 'none' | 'r' | 'R' | 'qrwlock';

export function readFlavourOf(kind: LockKind): ReadFlavour {
  switch (kind) {
    case 'rw_semaphore':
    case 'percpu_rw_semaphore':
    case 'kernfs_active':
      return 'r';
    case 'rwlock':
      return 'qrwlock'; // R in 5.1 and in interrupt context, r in modern process context
    case 'lockdep_map':
    case 'rcu':
    case 'seqcount':
      return 'R';
    case 'mutex':
    case 'spinlock':
    case 'raw_spinlock':
    case 'local_lock':
      return 'none';
  }
}

/** Kinds whose acquisitions are never validated (check = 0), like rcu_read_lock. */
export function kindIsUnchecked(kind: LockKind): boolean {
  return kind === 'rcu';
}
