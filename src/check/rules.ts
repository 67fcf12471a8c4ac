/**
 * The rule ids `lockdep-sim check` reports, their default levels and descriptions (pure data for
 * the core and the reporters: SARIF lists them as `tool.driver.rules`).
 */
import { FINDING_KINDS, type FindingKind } from '../model/findings.js';
import type { Level } from './result.js';

/** Severity of each rule (the validator's reports are errors, capacity limits warnings). */
export function levelOf(ruleId: string, strong = true): Level {
  switch (ruleId) {
    case 'lockdep/limit':
    case 'lockdep/misuse':
    case 'lockdep-sim/new-dependency':
      return 'warning';
    case 'lockdep-sim/weak-cycle':
    case 'lockdep-sim/policy-unknown-lock':
      return 'note';
    default:
      return strong ? 'error' : 'note';
  }
}

/** Every rule id check can produce, with a one-line description (SARIF rules, docs). */
export const CHECK_RULES: Record<string, string> = {
  'lockdep-sim/cycle': 'A cycle in the observed lock order (a possible deadlock): one per dependency, the shortest through it.',
  'lockdep-sim/weak-cycle': 'A cycle through recursive read acquisitions only: not a deadlock under modern semantics (reference §2.3).',
  'lockdep-sim/policy-order': "An observed dependency (or path) against the policy's declared lock order.",
  'lockdep-sim/never-nested': 'Two locks the policy says are never nested were held together.',
  'lockdep-sim/policy-unknown-lock': 'A lock name in the policy that matches no lock class of the inputs.',
  'lockdep-sim/new-dependency': 'A dependency that is not in the baseline.',
  'lockdep-sim/new-cycle': 'A cycle that did not exist in the baseline, with the new dependency that closed it.',
};

/**
 * Rules only `check --explore` can report (listed after the others, and in SARIF only when the
 * run explored, so the rule indices of a run without --explore do not move).
 */
export const EXPLORE_RULES: Record<string, string> = {
  'lockdep-sim/unreported-deadlock':
    'The interleaving explorer found a schedule that deadlocks on locks no reported cycle covers (trylocks, check = 0 locks, dependencies lockdep never recorded).',
};

/** The validator's rule ids (one per finding kind). */
export const VALIDATOR_KINDS: readonly FindingKind[] = FINDING_KINDS;
