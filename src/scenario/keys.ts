/**
 * The vocabulary of the YAML scenario format: every key the parser accepts, in one place, so the
 * parser, the JSON Schema (schema/scenario.schema.json) and the docs can be checked against each
 * other by tests.
 */
import type { FindingKind } from '../model/findings.js';

export const TOP_KEYS = [
  'kernel',
  'taint',
  'hardware',
  'arch',
  'config',
  'kernel_frames',
  'description',
  'classes',
  'functions',
  'tasks',
  'schedule',
] as const;

/** `arch:` values: the dump_stack() of each prints its call trace in its own shape. */
export const ARCHES = ['x86_64', 'arm64', 'arm', 's390', 'ppc64'] as const;

export const CONFIG_KEYS = ['debug_lockdep', 'lock_stat', 'prove_raw_lock_nesting'] as const;

export const CLASS_KEYS = ['name', 'kind', 'version', 'novalidate', 'wait'] as const;
export const WAIT_KEYS = ['outer', 'inner'] as const;

export const FUNCTION_KEYS = ['size', 'module', 'params', 'steps'] as const;

export const TASK_KEYS = ['name', 'pid', 'cpu', 'stack', 'steps', 'repeat'] as const;

export const SLICE_KEYS = ['task', 'steps'] as const;

/** Steps acting on one lock: the value is a lock reference (`X`, `X@N`, `$param`). */
export const LOCK_OPS = [
  'lock',
  'read',
  'recursive_read',
  'trylock',
  'read_trylock',
  'unlock',
  'downgrade',
  'set_subclass',
  'free',
] as const;
export type LockOp = (typeof LOCK_OPS)[number];

/** The lock ops that are acquisitions (lock_acquire()). */
export const ACQUIRE_OPS = ['lock', 'read', 'recursive_read', 'trylock', 'read_trylock'] as const satisfies readonly LockOp[];

/** Every operation key; a step has exactly one of them. */
export const STEP_OPS = [...LOCK_OPS, 'irq', 'bh', 'hardirq', 'softirq', 'return_to_user', 'call'] as const;
export type StepOp = (typeof STEP_OPS)[number];

/** Keys that modify an operation. */
export const STEP_MODIFIERS = ['at', 'subclass', 'nest_lock', 'check', 'via', 'ip', 'args', 'on_fail'] as const;
export type StepModifier = (typeof STEP_MODIFIERS)[number];

export const STEP_KEYS = [...STEP_OPS, ...STEP_MODIFIERS] as const;

/**
 * `on_fail:` values of a trylock (what the task does when the trylock fails; only the interleaving
 * explorer sees failures, lockdep never does): skip to the matching unlock, release everything
 * and start the task over (a syscall restart), or try again until it succeeds.
 */
export const ON_FAIL = ['give-up', 'restart', 'retry'] as const;
export type OnFail = (typeof ON_FAIL)[number];

/** Which modifiers each operation accepts (`at` everywhere inside functions). */
export function modifiersOf(op: StepOp): readonly StepModifier[] {
  switch (op) {
    case 'lock':
    case 'read':
    case 'recursive_read':
      return ['at', 'subclass', 'nest_lock', 'check', 'via', 'ip'];
    case 'trylock':
    case 'read_trylock':
      return ['at', 'subclass', 'nest_lock', 'check', 'via', 'ip', 'on_fail'];
    case 'set_subclass':
      return ['at', 'subclass', 'via', 'ip'];
    case 'unlock':
    case 'downgrade':
    case 'irq':
    case 'bh':
      return ['at', 'via', 'ip'];
    case 'free':
    case 'return_to_user':
      return ['at', 'via'];
    case 'hardirq':
    case 'softirq':
      return ['at'];
    case 'call':
      return ['at', 'args'];
  }
}

/** `kernel_frames` keys: `lock_acquire` plus every finding kind. */
import { FINDING_KINDS } from '../model/findings.js';
export { FINDING_KINDS };

/** Compile-time check that FINDING_KINDS lists every FindingKind. */
export type MissingFindingKinds = Exclude<FindingKind, (typeof FINDING_KINDS)[number]>;
const allFindingKindsListed: MissingFindingKinds extends never ? true : false = true;
void allFindingKindsListed;

/**
 * `kernel_frames` keys the text reporter reads (src/reporters/text/context.ts): `lock_acquire`
 * (prefix of the `-> #0` entry), `usage` (prefix of usage traces), `mark_lock` (traces saved in
 * mark_lock()), a finding kind (report-path frames before the stack), `nested-not-taken#2` (second
 * dump of that report); plus `limit:<NAME>` for one limit message (see KERNEL_FRAME_LIMIT_RE) and
 * `key:<class>` for the key symbol of a class header (KERNEL_FRAME_KEY_RE).
 */
export const KERNEL_FRAME_KEYS = ['lock_acquire', 'usage', 'mark_lock', ...FINDING_KINDS, 'nested-not-taken#2'] as const;

/** `limit:MAX_LOCK_DEPTH` and friends. */
export const KERNEL_FRAME_LIMIT_RE = /^limit:[A-Z][A-Z0-9_]*$/;

/** `key:<class as printed>`: the symbol `... key at:` prints for that class's static key. */
export const KERNEL_FRAME_KEY_RE = /^key:\S.*$/;
